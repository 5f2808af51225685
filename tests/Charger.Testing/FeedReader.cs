using Charger.Cloud.Core;

namespace Charger.Testing;

/// <summary>Reads the applied-event feed as a test needs it: everything committed so far.</summary>
public static class FeedReader
{
    /// <summary>
    /// Every feed event up to the head as of now. On PostgreSQL the feed holds back what committed while an older
    /// transaction of the cluster (another test's, in another database) was still running: this reads again until that
    /// one has ended, so an assertion never races the horizon.
    /// </summary>
    public static async Task<IReadOnlyList<FeedEvent>> ReadAllAsync(IEventFeed feed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(feed);
        var head = await feed.ReadHeadAsync(cancellationToken);
        var read = new List<FeedEvent>();
        var at = FeedPosition.Start;
        while (at < head)
        {
            var page = await feed.ReadAsync(at, 1000, cancellationToken);
            if (page.Count == 0)
            {
                await Task.Delay(5, cancellationToken); // no signal says when another database's transaction ends
                continue;
            }

            read.AddRange(page);
            at = page[^1].Position;
        }

        return read;
    }
}
