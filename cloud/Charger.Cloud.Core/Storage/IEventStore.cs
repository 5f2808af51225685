namespace Charger.Cloud.Core;

/// <summary>
/// The cloud's event store and its projections. The only place SQL lives is an adapter of this interface
/// (SQLite now, PostgreSQL later); both run the same contract tests.
/// Writes are serialised by the adapter; callers serialise per charger (see <see cref="IngestPipeline"/>).
/// Failures of the store itself throw; nothing here throws for a well-formed argument.
/// </summary>
public interface IEventStore
{
    /// <summary>Stores an event idempotently by (charger, seq) and by event id.</summary>
    Task<AppendResult> AppendAsync(StoredEvent storedEvent, CancellationToken cancellationToken);

    /// <summary>The charger's applied seq and highest stored seq; (0, 0) for a charger never seen.</summary>
    Task<SequenceState> GetSequenceStateAsync(string chargerId, CancellationToken cancellationToken);

    /// <summary>
    /// Applies <paramref name="changes"/> in order, in one transaction: each must carry the charger's applied seq + 1,
    /// and advances it. Throws <see cref="InvalidOperationException"/> (and applies nothing) when one does not.
    /// Creates the charger's row when it is new.
    /// </summary>
    Task ApplyAsync(IReadOnlyList<ProjectionChange> changes, CancellationToken cancellationToken);

    /// <summary>Records that the charger was heard from at <paramref name="seenAt"/> (keeps a later last-seen). Creates the row when new.</summary>
    Task TouchAsync(string chargerId, DateTimeOffset seenAt, CancellationToken cancellationToken);

    /// <summary>Sets online/offline as of <paramref name="at"/>; a status older than the stored one is ignored. Creates the row when new.</summary>
    Task SetStatusAsync(string chargerId, bool online, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Records a gap; recording the same (charger, from seq) again changes nothing.</summary>
    Task RecordGapAsync(SeqGap gap, CancellationToken cancellationToken);

    /// <summary>
    /// Declares seqs <paramref name="fromSeq"/>..<paramref name="toSeq"/> of a charger lost: they will never arrive. Moves the
    /// applied seq from <paramref name="fromSeq"/> - 1 to <paramref name="toSeq"/> (throws if it is not at <paramref name="fromSeq"/> - 1
    /// or an event of the range is stored) and closes the gaps inside the range as lost, recording one if none was.
    /// </summary>
    Task SkipLostAsync(string chargerId, long fromSeq, long toSeq, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Closes the open gaps of a charger that end at or below <paramref name="appliedSeq"/> and returns them.</summary>
    Task<IReadOnlyList<SeqGap>> CloseGapsAsync(string chargerId, long appliedSeq, DateTimeOffset closedAt, CancellationToken cancellationToken);

    /// <summary>Gaps of one charger (or of all when null), ordered by charger and from seq.</summary>
    Task<IReadOnlyList<SeqGap>> ListGapsAsync(string? chargerId, bool openOnly, CancellationToken cancellationToken);

    /// <summary>Adds a dead letter.</summary>
    Task AddDeadLetterAsync(DeadLetter deadLetter, CancellationToken cancellationToken);

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
