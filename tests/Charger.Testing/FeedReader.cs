using Charger.Cloud.Core;

namespace Charger.Testing;

/// <summary>Reads the applied-event feed as a test needs it: everything committed so far.</summary>
public static class FeedReader
{
    /// <summary>
    /// Every feed event up to the head as of now. On PostgreSQL the feed holds back what committed while an older
    /// transaction of the cluster (another test's, in another database) was still running: this reads again until that
    /// one has ended, so an assertion never races the horizon. PostgreSQL gives no signal when another database's
    /// transaction ends, so the feed is looked at again every 5 ms; a transaction that stays open a minute fails the test.
    /// </summary>
    public static async Task<IReadOnlyList<FeedEvent>> ReadAllAsync(IEventFeed feed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(feed);
        using var guard = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        guard.CancelAfter(HorizonGuard);
        var head = await feed.ReadHeadAsync(cancellationToken);
        var read = new List<FeedEvent>();
        var at = FeedPosition.Start;
        try
        {
            while (at < head)
            {
                var page = await feed.ReadAsync(at, 1000, guard.Token);
                if (page.Count == 0)
                {
                    await Task.Delay(5, guard.Token);
                    continue;
                }

                read.AddRange(page);
                at = page[^1].Position;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The feed did not show its head {head} within {HorizonGuard} (read up to {at}): a transaction of the PostgreSQL cluster stays open.");
        }

        return read;
    }

    private static readonly TimeSpan HorizonGuard = TimeSpan.FromMinutes(1);
}
