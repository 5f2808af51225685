using System.Text.Json;
using Charger.Protocol;

namespace Charger.Agent.Core.Journal;

/// <summary>
/// The agent's durable journal and outbox. Every event is stored durably, with the next seq of the charger's stream,
/// before <see cref="AppendAsync"/> returns; the publisher reads pending events in seq order and
/// <see cref="AcknowledgeAsync"/> marks them delivered only when the cloud's ack says they are stored.
/// Acknowledged events stay as the local maintenance history until the history bound prunes them.
/// </summary>
public interface IJournal : IAsyncDisposable
{
    /// <summary>
    /// Appends an event. Critical events (faults, state changes, service records, security events, boot) are always
    /// stored; a routine event (counters) is refused with null when the outbox holds <see cref="JournalOptions.MaxPendingEvents"/>.
    /// </summary>
    /// <exception cref="JournalStorageException">The store cannot write (disk full, I/O error).</exception>
    ValueTask<Envelope?> AppendAsync(string type, JsonElement data, DateTimeOffset timestamp, CancellationToken cancellationToken);

    /// <summary>Pending (not yet acknowledged) events with seq &gt; <paramref name="afterSeq"/>, in seq order.</summary>
    ValueTask<IReadOnlyList<Envelope>> ReadPendingAsync(long afterSeq, int max, CancellationToken cancellationToken);

    /// <summary>Marks every event with seq &lt;= <paramref name="upTo"/> as stored by the cloud. Idempotent; lower values are ignored.</summary>
    ValueTask AcknowledgeAsync(long upTo, CancellationToken cancellationToken);

    /// <summary>Queues a telemetry summary; the oldest telemetry is dropped first when its bound is reached.</summary>
    ValueTask AppendTelemetryAsync(ReadOnlyMemory<byte> payload, DateTimeOffset timestamp, CancellationToken cancellationToken);

    /// <summary>Takes (removes and returns) up to <paramref name="max"/> queued telemetry payloads, oldest first.</summary>
    ValueTask<IReadOnlyList<byte[]>> TakeTelemetryAsync(int max, CancellationToken cancellationToken);

    /// <summary>Journal history (acknowledged or not), newest last, filtered.</summary>
    ValueTask<IReadOnlyList<Envelope>> QueryAsync(JournalQuery query, CancellationToken cancellationToken);

    /// <summary>Reads a persisted agent state value (counters baseline, commissioning flag...).</summary>
    ValueTask<string?> GetStateAsync(string key, CancellationToken cancellationToken);

    /// <summary>Durably stores an agent state value.</summary>
    ValueTask SetStateAsync(string key, string value, CancellationToken cancellationToken);

    /// <summary>Current figures of the journal.</summary>
    JournalStats Stats { get; }

    /// <summary>
    /// Where a journal found corrupt at open was moved aside (numbering then went on above its reserved high-water mark,
    /// and what the cloud had not received from it is lost); null when the journal opened whole.
    /// </summary>
    string? RecoveredFrom { get; }
}

/// <summary>A history query. Null members do not filter.</summary>
public sealed record JournalQuery(string? Type = null, DateTimeOffset? Since = null, long? AfterSeq = null, int Limit = 100);

/// <summary>Figures of a journal at one moment.</summary>
/// <param name="LastSeq">Seq of the newest event (0 when empty).</param>
/// <param name="AckedUpTo">Everything up to this seq is stored in the cloud.</param>
/// <param name="PendingCount">Events waiting for the cloud's ack.</param>
/// <param name="OldestPending">Timestamp of the oldest unacknowledged event.</param>
/// <param name="TelemetryQueued">Telemetry payloads waiting to be sent.</param>
/// <param name="TelemetryDropped">Telemetry dropped for space since start.</param>
/// <param name="RoutineRefused">Routine events refused for space since start.</param>
public sealed record JournalStats(
    long LastSeq,
    long AckedUpTo,
    long PendingCount,
    DateTimeOffset? OldestPending,
    int TelemetryQueued,
    long TelemetryDropped,
    long RoutineRefused);

/// <summary>The store under the journal failed to write; the agent raises StorageFailure and keeps running.</summary>
public sealed class JournalStorageException : Exception
{
    public JournalStorageException(string message, Exception? inner = null) : base(message, inner) { }
    public JournalStorageException() { }
    public JournalStorageException(string message) : base(message) { }

    /// <summary>True when the cause is a full disk (or a full database quota).</summary>
    public bool DiskFull { get; init; }
}
