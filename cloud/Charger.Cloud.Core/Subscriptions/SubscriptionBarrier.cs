using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace Charger.Cloud.Core;

/// <summary>
/// Read-your-acknowledged-writes for what a subscription derives: <see cref="WaitAsync"/> returns once the named
/// subscriber has applied every event committed before the call (the feed's head then), so a view read right after a
/// charger's event was acknowledged shows it. Woken by this process's <see cref="SubscriptionProgress"/>, and by a short
/// poll of the subscriber's durable position for what another receiver on the same database applied.
/// </summary>
public sealed class SubscriptionBarrier(
    IEnumerable<IEventSubscriber> subscribers,
    IEventFeed feed,
    SubscriptionProgress progress,
    IOptions<SubscriptionOptions> options)
{
    private readonly IEventSubscriber[] _subscribers = [.. subscribers];

    /// <summary>How often the durable position is read again while nothing in this process signals progress.</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(25);

    /// <summary>
    /// Waits until subscriber <paramref name="name"/> has caught up with the feed's head as of now, at most
    /// <c>Cloud:Subscriptions:ReadWait</c>. True when it has (or when this host runs no such subscriber: nothing to
    /// wait for); false when the wait ran out, and the caller answers with what is there, saying it may be behind.
    /// </summary>
    public async Task<bool> WaitAsync(string name, CancellationToken cancellationToken)
    {
        var subscriber = Array.Find(_subscribers, s => string.Equals(s.Name, name, StringComparison.Ordinal));
        if (subscriber is null)
        {
            return true;
        }

        var head = await feed.ReadHeadAsync(cancellationToken);
        // Wall-clock: how long a person waits for an answer, a latency knob rather than a domain time.
        var waited = Stopwatch.StartNew();
        while (true)
        {
            // Taken before reading the position: progress from here on ends the wait below.
            var advanced = progress.Next();
            if (await subscriber.ReadPositionAsync(cancellationToken) >= head)
            {
                return true;
            }

            var left = options.Value.ReadWait - waited.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                return false;
            }

            try
            {
                await advanced.WaitAsync(left < Poll ? left : Poll, cancellationToken);
            }
            catch (TimeoutException)
            {
                // Look at the durable position again: another receiver may have applied it.
            }
        }
    }
}
