using System.ComponentModel.DataAnnotations;

namespace Charger.Cloud.Core;

/// <summary>Settings of <see cref="EventSubscriptions"/> (section <c>Cloud:Subscriptions</c>).</summary>
public sealed class SubscriptionOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Cloud:Subscriptions";

    /// <summary>
    /// How often each subscription reads the feed when nothing woke it: what this process's ingest applies wakes it at
    /// once; this interval is how late it sees what another receiver on the same database applied.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Events handed to a subscriber at once (one transaction of the subscriber).</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 200;

    /// <summary>The wait before a subscriber that failed is tried again.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a read of a derived view (the fleet's active faults) waits for its subscription to catch up with what
    /// was acknowledged before the read (<see cref="SubscriptionBarrier"/>); past it, the view is answered as it is and
    /// marked as possibly behind.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan ReadWait { get; set; } = TimeSpan.FromSeconds(2);
}
