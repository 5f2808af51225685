namespace Charger.Cloud.Core;

/// <summary>
/// Where an applied event stands in the feed of every charger's applied events: the applying transaction's number and
/// the event's index inside it. Ordered by <see cref="Tx"/>, then <see cref="Index"/>; one charger's events are in seq
/// order. <see cref="Start"/> is before every event.
/// </summary>
public readonly record struct FeedPosition(long Tx, long Index) : IComparable<FeedPosition>
{
    /// <summary>Before every event.</summary>
    public static FeedPosition Start => new(0, 0);

    /// <inheritdoc />
    public int CompareTo(FeedPosition other) => Tx != other.Tx ? Tx.CompareTo(other.Tx) : Index.CompareTo(other.Index);

    public static bool operator <(FeedPosition left, FeedPosition right) => left.CompareTo(right) < 0;

    public static bool operator >(FeedPosition left, FeedPosition right) => left.CompareTo(right) > 0;

    public static bool operator <=(FeedPosition left, FeedPosition right) => left.CompareTo(right) <= 0;

    public static bool operator >=(FeedPosition left, FeedPosition right) => left.CompareTo(right) >= 0;

    /// <inheritdoc />
    public override string ToString() => $"{Tx}:{Index}";
}

/// <summary>An applied event with its place in the feed.</summary>
public sealed record FeedEvent(FeedPosition Position, StoredEvent Event);

/// <summary>
/// The feed of applied events, the one way areas consume what chargers report (see <c>EventSubscriptions</c>). An event
/// enters the feed in the store transaction that applies it (in seq order per charger), so a consumer never sees an
/// event before the ones of its charger that precede it.
/// </summary>
public interface IEventFeed
{
    /// <summary>
    /// Applied events after <paramref name="after"/> in feed order, at most <paramref name="limit"/>. Only events whose
    /// applying transaction is over and can be followed by no earlier one (on PostgreSQL: below the oldest running
    /// transaction), so a reader that goes on from the last position it got misses nothing.
    /// </summary>
    Task<IReadOnlyList<FeedEvent>> ReadAsync(FeedPosition after, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// The position of the last event applied by a committed transaction (<see cref="FeedPosition.Start"/> when none),
    /// whether or not <see cref="ReadAsync"/> returns it yet: a subscriber at or past it has applied everything
    /// acknowledged so far.
    /// </summary>
    Task<FeedPosition> ReadHeadAsync(CancellationToken cancellationToken);
}
