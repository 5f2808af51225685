namespace Charger.Cloud.Core;

/// <summary>
/// The fleet's reads of the event store: chargers, their stored events, gaps and dead letters. Ingest writes through
/// <see cref="IEventBatchStore"/> and areas consume applied events through <see cref="IEventFeed"/>; the one
/// implementation (<c>Charger.Cloud.Store.EventStore</c>) runs on SQLite and PostgreSQL, and both run the same contract
/// tests. Failures of the store itself throw; nothing here throws for a well-formed argument.
/// </summary>
public interface IEventStore
{
    /// <summary>Gaps of one charger (or of all when null), ordered by charger and from seq.</summary>
    Task<IReadOnlyList<SeqGap>> ListGapsAsync(string? chargerId, bool openOnly, CancellationToken cancellationToken);

    /// <summary>The newest dead letters first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(int limit, CancellationToken cancellationToken);

    /// <summary>One charger's projection, or null when the charger was never seen.</summary>
    Task<ChargerView?> GetChargerAsync(string chargerId, CancellationToken cancellationToken);

    /// <summary>Every charger's projection, ordered by id.</summary>
    Task<IReadOnlyList<ChargerView>> ListChargersAsync(CancellationToken cancellationToken);

    /// <summary>Stored events of one charger matching <paramref name="query"/>, ordered by seq.</summary>
    Task<IReadOnlyList<StoredEvent>> QueryEventsAsync(EventQuery query, CancellationToken cancellationToken);

    /// <summary>Throws when the store cannot be read.</summary>
    Task CheckHealthAsync(CancellationToken cancellationToken);
}
