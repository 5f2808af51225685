namespace Charger.Cloud.Core;

/// <summary>
/// Raised by <see cref="IngestPipeline"/> after a commit that applied events, so subscriptions in this process read the
/// feed at once instead of at their next poll. Take <see cref="Next"/> before reading the feed: a raise between the read
/// and the wait is then not missed. Receivers sharing a database do not see each other's raises; the poll covers those.
/// </summary>
public sealed class AppliedEventsSignal
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
