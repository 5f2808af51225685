using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Charger.Cloud.Core;

/// <summary>
/// Runs every <see cref="IEventSubscriber"/>: each reads the feed after its own position and hands what advanced to the
/// subscriber, until it is caught up; then waits for ingest's <see cref="AppliedEventsSignal"/> or the poll interval.
/// A subscriber that fails is logged and tried again after <c>RetryDelay</c>; the others go on.
/// </summary>
public sealed class EventSubscriptions(
    IEnumerable<IEventSubscriber> subscribers,
    IEventFeed feed,
    AppliedEventsSignal signal,
    SubscriptionProgress progress,
    LiveUpdates live,
    IOptions<SubscriptionOptions> options,
    TimeProvider time,
    ILogger<EventSubscriptions> logger) : BackgroundService
{
    private readonly IEventSubscriber[] _subscribers = [.. subscribers];

    /// <summary>
    /// Hands <paramref name="subscriber"/> everything of the feed after its position, in batches of
    /// <paramref name="batchSize"/>, until it is caught up; returns how many events it applied (not counting those another
    /// receiver applied first).
    /// </summary>
    public static async Task<int> CatchUpAsync(IEventFeed feed, IEventSubscriber subscriber, int batchSize, CancellationToken cancellationToken) =>
        await CatchUpAsync(feed, subscriber, batchSize, null, null, cancellationToken);

    private static async Task<int> CatchUpAsync(
        IEventFeed feed, IEventSubscriber subscriber, int batchSize, SubscriptionProgress? progress, LiveUpdates? live, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(feed);
        ArgumentNullException.ThrowIfNull(subscriber);
        var applied = 0;
        var position = await subscriber.ReadPositionAsync(cancellationToken);
        while (true)
        {
            var events = await feed.ReadAsync(position, batchSize, cancellationToken);
            if (events.Count == 0)
            {
                return applied;
            }

            if (await subscriber.HandleAsync(position, events, cancellationToken))
            {
                applied += events.Count;
                position = events[^1].Position;
                progress?.Raise();
                live?.Publish(subscriber.Name); // what it derived changed: open views read again
            }
            else
            {
                // Another receiver moved the position meanwhile: go on from where it is now.
                position = await subscriber.ReadPositionAsync(cancellationToken);
                progress?.Raise();
            }
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The subscriptions' positions live in the store's schema: read the feed once first, so the store has opened
        // (and migrated) its database before any subscriber reads its position.
        while (true)
        {
            try
            {
                await feed.ReadAsync(FeedPosition.Start, 1, stoppingToken);
                break;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                SubscriptionLog.FeedUnavailable(logger, options.Value.RetryDelay, ex);
                await Task.Delay(options.Value.RetryDelay, time, stoppingToken);
            }
        }

        var retryAt = new DateTimeOffset?[_subscribers.Length];
        var signalled = false;
        var lookAgain = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            // Taken before reading: a raise from here on ends the wait below.
            var woken = signal.Next();
            var read = 0;
            for (var i = 0; i < _subscribers.Length; i++)
            {
                if (retryAt[i] is { } at && time.GetUtcNow() < at)
                {
                    continue;
                }

                try
                {
                    read += await CatchUpAsync(feed, _subscribers[i], options.Value.BatchSize, progress, live, stoppingToken);
                    retryAt[i] = null;
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    SubscriptionLog.SubscriberFailed(logger, _subscribers[i].Name, options.Value.RetryDelay, ex);
                    retryAt[i] = time.GetUtcNow() + options.Value.RetryDelay;
                }
            }

            if (signalled && read == 0 && lookAgain < MaxLookAgain)
            {
                // Ingest said it applied events, yet none could be read: on PostgreSQL they are held back while an older
                // transaction is still running. Look again shortly (a wall-clock wait: a latency knob, not a domain time)
                // rather than at the next poll.
                lookAgain++;
                await Task.Delay(TimeSpan.FromMilliseconds(5 << lookAgain), stoppingToken);
                continue;
            }

            lookAgain = 0;
            try
            {
                await woken.WaitAsync(options.Value.PollInterval, time, stoppingToken);
                signalled = true;
            }
            catch (TimeoutException)
            {
                // The poll: what another receiver applied.
                signalled = false;
            }
        }
    }

    /// <summary>How often a signal that found nothing to read is followed up (after 10 ms, 20 ms, ... 1.3 s).</summary>
    private const int MaxLookAgain = 8;
}

/// <summary>Log messages of the subscriptions: event ids 2050-2059.</summary>
internal static partial class SubscriptionLog
{
    [LoggerMessage(EventId = 2050, Level = LogLevel.Error, Message = "Subscription {Name} failed; it is tried again in {Delay}, the others go on")]
    public static partial void SubscriberFailed(ILogger logger, string name, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = 2051, Level = LogLevel.Error, Message = "The applied-event feed cannot be read; the subscriptions start when it can (next try in {Delay})")]
    public static partial void FeedUnavailable(ILogger logger, TimeSpan delay, Exception exception);
}
