namespace Charger.Cloud.Core;

/// <summary>
/// An area that reacts to what chargers report: it consumes the <see cref="IEventFeed"/> from its own durable position
/// (a row of <c>subscription_positions</c>, see <see cref="SubscriptionPositions"/>). <see cref="EventSubscriptions"/>
/// runs every registered subscriber; a subscriber adds nothing but these two methods.
/// </summary>
public interface IEventSubscriber
{
    /// <summary>The subscription's name: its row in <c>subscription_positions</c>. Never change it once deployed.</summary>
    string Name { get; }

    /// <summary>Where this subscription stands (<see cref="FeedPosition.Start"/> before its first event).</summary>
    Task<FeedPosition> ReadPositionAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Applies <paramref name="events"/> (the feed after <paramref name="from"/>, in order) and moves the position from
    /// <paramref name="from"/> to the last one's, writing its effects, the position and its audit rows in ONE transaction.
    /// Returns false, keeping nothing, when the position was not at <paramref name="from"/> (another receiver on the same
    /// database handled them first): each event is applied once however many receivers run.
    /// </summary>
    Task<bool> HandleAsync(FeedPosition from, IReadOnlyList<FeedEvent> events, CancellationToken cancellationToken);
}
