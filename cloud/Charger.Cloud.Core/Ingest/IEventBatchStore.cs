namespace Charger.Cloud.Core;

/// <summary>
/// The batched write path of an event store: the ingest pipeline stores, applies and dead-letters a whole batch of
/// messages in ONE transaction (one commit, one fsync) through an <see cref="IEventStoreTransaction"/>, and records the
/// chargers' link status: the whole ingest write seam. Both store adapters implement it beside <see cref="IEventStore"/>
/// (the fleet's reads) and register it.
/// </summary>
public interface IEventBatchStore
{
    /// <summary>
    /// Runs <paramref name="work"/> in one write transaction and commits when it returns; when it throws, nothing of it is
    /// kept. <paramref name="chargerIds"/> are the chargers the work touches: a store shared by several receivers
    /// serialises transactions on the same charger (PostgreSQL: exclusive per-charger advisory locks, taken in one global
    /// order so two batches cannot deadlock), so each sees what the other committed. A lost race or a deadlock with another
    /// receiver throws <see cref="ConcurrentApplyException"/>: run the work again.
    /// </summary>
    Task<T> InTransactionAsync<T>(IReadOnlyCollection<string> chargerIds, Func<IEventStoreTransaction, Task<T>> work, CancellationToken cancellationToken);

    /// <summary>Sets online/offline as of <paramref name="at"/>; a status older than the stored one is ignored. Creates the row when new.</summary>
    Task SetStatusAsync(string chargerId, bool online, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>
/// The operations of one batch transaction (see <see cref="IEventBatchStore"/>). Reads see the transaction's own writes.
/// Each works on many rows at once.
/// </summary>
public interface IEventStoreTransaction
{
    /// <summary>Applied seq and highest stored seq of each charger; (0, 0) for a charger never seen.</summary>
    Task<IReadOnlyDictionary<string, SequenceState>> GetSequenceStatesAsync(IReadOnlyCollection<string> chargerIds, CancellationToken cancellationToken);

    /// <summary>
    /// Stores events idempotently (<c>ON CONFLICT DO NOTHING</c>) and says, in the order given, which were new, which were
    /// already stored (duplicate) and which collide with another stored event (conflict). The caller passes events that are
    /// distinct by (charger, seq) and by id.
    /// </summary>
    Task<IReadOnlyList<AppendResult>> AppendAsync(IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken);

    /// <summary>Records gaps; a (charger, from seq) already recorded is left as it is.</summary>
    Task RecordGapsAsync(IReadOnlyList<SeqGap> gaps, CancellationToken cancellationToken);

    /// <summary>
    /// Applies changes: for each charger, its changes must be consecutive seqs starting at its applied seq + 1 (several
    /// chargers may follow one another). Throws <see cref="ConcurrentApplyException"/> when a charger's applied seq is not
    /// where the changes start.
    /// </summary>
    Task ApplyAsync(IReadOnlyList<ProjectionChange> changes, CancellationToken cancellationToken);

    /// <summary>
    /// Declares seqs <paramref name="fromSeq"/>..<paramref name="toSeq"/> of a charger lost: they will never arrive. Moves the
    /// applied seq from <paramref name="fromSeq"/> - 1 to <paramref name="toSeq"/> (throws <see cref="ConcurrentApplyException"/>
    /// if it is not at <paramref name="fromSeq"/> - 1, <see cref="InvalidOperationException"/> if an event of the range is
    /// stored) and closes the gaps inside the range as lost, recording one if none was.
    /// </summary>
    Task SkipLostAsync(string chargerId, long fromSeq, long toSeq, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Stored events of one charger with seq &gt; <paramref name="afterSeq"/>, ordered by seq, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<StoredEvent>> QueryEventsAsync(string chargerId, long afterSeq, int limit, CancellationToken cancellationToken);

    /// <summary>Closes, per charger, the open gaps that end at or below its applied seq, and returns them.</summary>
    Task<IReadOnlyList<SeqGap>> CloseGapsAsync(IReadOnlyList<(string ChargerId, long AppliedSeq)> chargers, DateTimeOffset closedAt, CancellationToken cancellationToken);

    /// <summary>Records that the chargers were heard from at <paramref name="seenAt"/> (keeps a later last-seen); creates rows for new ones.</summary>
    Task TouchAsync(IReadOnlyCollection<string> chargerIds, DateTimeOffset seenAt, CancellationToken cancellationToken);

    /// <summary>Adds dead letters, in the order given.</summary>
    Task AddDeadLettersAsync(IReadOnlyList<DeadLetter> deadLetters, CancellationToken cancellationToken);
}
