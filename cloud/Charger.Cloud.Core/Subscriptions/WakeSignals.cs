namespace Charger.Cloud.Core;

/// <summary>
/// A wake-up call between tasks of one process: <see cref="Next"/> completes at the next <see cref="Raise"/>. Take
/// <see cref="Next"/> before looking at what the signal announces: a raise between the look and the wait is then not
/// missed.
/// </summary>
public abstract class WakeSignal
{
    private readonly object _gate = new();
    private TaskCompletionSource _next = New();

    /// <summary>Completes at the next <see cref="Raise"/>.</summary>
    public Task Next()
    {
        lock (_gate)
        {
            return _next.Task;
        }
    }

    /// <summary>Wakes whoever waits on <see cref="Next"/>.</summary>
    public void Raise()
    {
        TaskCompletionSource raised;
        lock (_gate)
        {
            raised = _next;
            _next = New();
        }

        raised.TrySetResult();
    }

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// Raised by <see cref="IngestPipeline"/> after a commit that applied events, so subscriptions in this process read the
/// feed at once instead of at their next poll. Receivers sharing a database do not see each other's raises; the poll
/// covers those.
/// </summary>
public sealed class AppliedEventsSignal : WakeSignal;

/// <summary>Raised by <see cref="EventSubscriptions"/> each time a subscriber of this process has applied a batch
/// (<see cref="SubscriptionBarrier"/> waits on it).</summary>
public sealed class SubscriptionProgress : WakeSignal;
