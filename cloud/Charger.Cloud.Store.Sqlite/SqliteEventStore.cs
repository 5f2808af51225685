using System.Globalization;
using System.Text;
using Charger.Cloud.Core;
using Charger.Protocol;
using Microsoft.Data.Sqlite;

namespace Charger.Cloud.Store.Sqlite;

/// <summary>
/// The <see cref="IEventStore"/> on a <see cref="SqliteDatabase"/>, and its batched write path (<see cref="IEventBatchStore"/>):
/// a whole ingest batch in one transaction of the single writer connection, one commit.
/// </summary>
public sealed class SqliteEventStore(SqliteDatabase database) : IEventStore, IEventBatchStore, IEventFeed
{
    private const string ChargerColumns = """
        c.charger_id, c.state, c.online, c.last_seen, c.agent_version, c.firmware_version, c.model, c.serial,
        c.boot_reason, c.last_boot_at, c.applied_seq, c.last_event_at,
        (SELECT MAX(e.seq) FROM events e WHERE e.charger_id = c.charger_id) AS max_seq,
        (SELECT COUNT(*) FROM seq_gaps g WHERE g.charger_id = c.charger_id AND g.closed_at IS NULL) AS open_gaps
        """;


    private const string EnsureCharger =
        "INSERT INTO chargers (charger_id, first_seen, online, applied_seq) VALUES (@c, @now, 0, 0) ON CONFLICT (charger_id) DO NOTHING";

    /// <inheritdoc />
    public Task<AppendResult> AppendAsync(StoredEvent storedEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storedEvent);
        return database.WriteAsync((c, tx) => AppendOneAsync(c, tx, storedEvent, null, cancellationToken), cancellationToken);
    }

    private const string InsertEvent = """
        INSERT INTO events (charger_id, seq, event_id, type, ts, received_at, data)
        VALUES (@c, @s, @id, @type, @ts, @rx, @data)
        ON CONFLICT DO NOTHING
        """;

    /// <summary>Inserts one event, or says why not; <paramref name="insert"/> is a reusable command of <see cref="InsertEvent"/> (or null).</summary>
    private static async Task<AppendResult> AppendOneAsync(SqliteConnection c, SqliteTransaction tx, StoredEvent storedEvent, SqliteCommand? insert, CancellationToken cancellationToken)
    {
        var id = Id(storedEvent.Id);
        int inserted;
        if (insert is null)
        {
            inserted = await SqliteDatabase.ExecuteAsync(c, tx, InsertEvent, cancellationToken,
                ("@c", storedEvent.ChargerId), ("@s", storedEvent.Seq), ("@id", id), ("@type", storedEvent.Type),
                ("@ts", Ms(storedEvent.Ts)), ("@rx", Ms(storedEvent.ReceivedAt)), ("@data", storedEvent.DataJson));
        }
        else
        {
            insert.Parameters["@c"].Value = storedEvent.ChargerId;
            insert.Parameters["@s"].Value = storedEvent.Seq;
            insert.Parameters["@id"].Value = id;
            insert.Parameters["@type"].Value = storedEvent.Type;
            insert.Parameters["@ts"].Value = Ms(storedEvent.Ts);
            insert.Parameters["@rx"].Value = Ms(storedEvent.ReceivedAt);
            insert.Parameters["@data"].Value = storedEvent.DataJson;
            inserted = await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        if (inserted == 1)
        {
            return AppendResult.Stored;
        }

        await using (var bySeq = SqliteDatabase.Command(c, tx, "SELECT event_id FROM events WHERE charger_id = @c AND seq = @s",
            ("@c", storedEvent.ChargerId), ("@s", storedEvent.Seq)))
        {
            if (await bySeq.ExecuteScalarAsync(cancellationToken) is string existingId)
            {
                return string.Equals(existingId, id, StringComparison.Ordinal)
                    ? AppendResult.Duplicate
                    : AppendResult.Conflict($"seq {storedEvent.Seq} of {storedEvent.ChargerId} is already stored as event {existingId}, not {id}");
            }
        }

        await using var byId = SqliteDatabase.Command(c, tx, "SELECT charger_id, seq FROM events WHERE event_id = @id", ("@id", id));
        await using var reader = await byId.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? AppendResult.Conflict($"event {id} is already stored as {reader.GetString(0)} seq {reader.GetInt64(1)}, not {storedEvent.ChargerId} seq {storedEvent.Seq}")
            : throw new InvalidOperationException($"Event {id} was neither inserted nor found.");
    }

    /// <inheritdoc />
    public Task<SequenceState> GetSequenceStateAsync(string chargerId, CancellationToken cancellationToken) =>
        database.ReadAsync(async c =>
        {
            await using var cmd = SqliteDatabase.Command(c, null,
                """
                SELECT (SELECT applied_seq FROM chargers WHERE charger_id = @c),
                       (SELECT MAX(seq) FROM events WHERE charger_id = @c)
                """, ("@c", chargerId));
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
            await r.ReadAsync(cancellationToken);
            return new SequenceState(r.IsDBNull(0) ? 0 : r.GetInt64(0), r.IsDBNull(1) ? 0 : r.GetInt64(1));
        }, cancellationToken);

    /// <inheritdoc />
    public Task ApplyAsync(IReadOnlyList<ProjectionChange> changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.Count == 0)
        {
            return Task.CompletedTask;
        }

        return database.WriteAsync(async (c, tx) =>
        {
            await ApplyChangesAsync(c, tx, changes, new FeedNumbering(), cancellationToken);
            return true;
        }, cancellationToken);
    }

    /// <summary>
    /// Applies runs of consecutive seqs of one charger each with one conditional move of its applied seq (to the run's last
    /// seq, from the seq before its first), then the projection changes of the run in seq order.
    /// </summary>
    private static async Task ApplyChangesAsync(SqliteConnection c, SqliteTransaction tx, IReadOnlyList<ProjectionChange> changes, FeedNumbering feed, CancellationToken ct)
    {
        foreach (var run in ProjectionRuns.Split(changes))
        {
            var first = run[0];
            var last = run[^1];
            var now = Ms(run.Max(r => r.AppliedAt));
            await SqliteDatabase.ExecuteAsync(c, tx, EnsureCharger, ct, ("@c", first.ChargerId), ("@now", now));
            var advanced = await SqliteDatabase.ExecuteAsync(c, tx,
                """
                UPDATE chargers
                   SET applied_seq = @seq,
                       last_event_at = @ts,
                       last_seen = CASE WHEN last_seen IS NULL OR last_seen < @now THEN @now ELSE last_seen END
                 WHERE charger_id = @c AND applied_seq = @prev
                """, ct,
                ("@c", first.ChargerId), ("@seq", last.Seq), ("@prev", first.Seq - 1), ("@ts", Ms(last.EventTs)), ("@now", now));
            if (advanced != 1)
            {
                throw new ConcurrentApplyException($"Cannot apply seq {first.Seq} of {first.ChargerId}: its applied seq is not {first.Seq - 1}.");
            }

            // Into the feed, in seq order: this transaction's number (one writer at a time: the next after the highest),
            // and the next indexes inside it.
            feed.Tx ??= Convert.ToInt64(await SqliteDatabase.ScalarAsync(c, tx, "SELECT COALESCE(MAX(apply_tx), 0) + 1 FROM events WHERE apply_tx IS NOT NULL", ct), CultureInfo.InvariantCulture);
            await SqliteDatabase.ExecuteAsync(c, tx,
                "UPDATE events SET apply_tx = @tx, apply_idx = @base + (seq - @first) WHERE charger_id = @c AND seq BETWEEN @first AND @last", ct,
                ("@tx", feed.Tx.Value), ("@base", feed.Index + 1), ("@c", first.ChargerId), ("@first", first.Seq), ("@last", last.Seq));
            feed.Index += last.Seq - first.Seq + 1;

            foreach (var change in run)
            {
                await ProjectAsync(c, tx, change, ct);
            }
        }
    }

    private static async Task ProjectAsync(SqliteConnection c, SqliteTransaction tx, ProjectionChange change, CancellationToken ct)
    {
        if (change.Boot is { } boot)
        {
            await SqliteDatabase.ExecuteAsync(c, tx,
                """
                UPDATE chargers
                   SET agent_version = @av, firmware_version = @fw, model = COALESCE(@model, model), serial = COALESCE(@serial, serial),
                       boot_reason = @reason, last_boot_at = @ts, state = @state
                 WHERE charger_id = @c
                """, ct,
                ("@c", change.ChargerId), ("@av", boot.AgentVersion), ("@fw", boot.FirmwareVersion), ("@model", boot.Model),
                ("@serial", boot.Serial), ("@reason", boot.Reason), ("@ts", Ms(change.EventTs)), ("@state", nameof(DiagnosticState.Booting)));
        }

        if (change.State is { } state)
        {
            await SqliteDatabase.ExecuteAsync(c, tx, "UPDATE chargers SET state = @state WHERE charger_id = @c", ct,
                ("@c", change.ChargerId), ("@state", state.ToString()));
        }

    }

    private const string TouchSql = """
        INSERT INTO chargers (charger_id, first_seen, online, applied_seq, last_seen) VALUES (@c, @at, 0, 0, @at)
        ON CONFLICT (charger_id) DO UPDATE SET
            last_seen = CASE WHEN chargers.last_seen IS NULL OR chargers.last_seen < excluded.last_seen THEN excluded.last_seen ELSE chargers.last_seen END
        """;

    /// <inheritdoc />
    public Task TouchAsync(string chargerId, DateTimeOffset seenAt, CancellationToken cancellationToken) =>
        database.WriteAsync((c, tx) => SqliteDatabase.ExecuteAsync(c, tx, TouchSql, cancellationToken, ("@c", chargerId), ("@at", Ms(seenAt))), cancellationToken);

    /// <inheritdoc />
    public Task SetStatusAsync(string chargerId, bool online, DateTimeOffset at, CancellationToken cancellationToken) =>
        database.WriteAsync((c, tx) => SqliteDatabase.ExecuteAsync(c, tx,
            """
            INSERT INTO chargers (charger_id, first_seen, online, applied_seq, status_at, last_seen) VALUES (@c, @at, @online, 0, @at, @at)
            ON CONFLICT (charger_id) DO UPDATE SET
                online = excluded.online,
                status_at = excluded.status_at,
                last_seen = CASE WHEN chargers.last_seen IS NULL OR chargers.last_seen < excluded.last_seen THEN excluded.last_seen ELSE chargers.last_seen END
            WHERE chargers.status_at IS NULL OR chargers.status_at <= excluded.status_at
            """, cancellationToken, ("@c", chargerId), ("@at", Ms(at)), ("@online", online ? 1 : 0)), cancellationToken);

    /// <inheritdoc />
    public Task RecordGapAsync(SeqGap gap, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(gap);
        return database.WriteAsync((c, tx) => RecordGapCoreAsync(c, tx, gap, cancellationToken), cancellationToken);
    }

    private static Task<int> RecordGapCoreAsync(SqliteConnection c, SqliteTransaction tx, SeqGap gap, CancellationToken cancellationToken) =>
        SqliteDatabase.ExecuteAsync(c, tx,
            """
            INSERT INTO seq_gaps (charger_id, from_seq, to_seq, detected_at, closed_at) VALUES (@c, @from, @to, @at, @closed)
            ON CONFLICT (charger_id, from_seq) DO NOTHING
            """, cancellationToken,
            ("@c", gap.ChargerId), ("@from", gap.FromSeq), ("@to", gap.ToSeq), ("@at", Ms(gap.DetectedAt)),
            ("@closed", gap.ClosedAt is { } closed ? Ms(closed) : null));

    /// <inheritdoc />
    public Task SkipLostAsync(string chargerId, long fromSeq, long toSeq, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fromSeq, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(toSeq, fromSeq);
        return database.WriteAsync((c, tx) => SkipLostCoreAsync(c, tx, chargerId, fromSeq, toSeq, at, cancellationToken), cancellationToken);
    }

    private static async Task<bool> SkipLostCoreAsync(SqliteConnection c, SqliteTransaction tx, string chargerId, long fromSeq, long toSeq, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using (var stored = SqliteDatabase.Command(c, tx,
            "SELECT COUNT(*) FROM events WHERE charger_id = @c AND seq BETWEEN @from AND @to", ("@c", chargerId), ("@from", fromSeq), ("@to", toSeq)))
        {
            if (Convert.ToInt64(await stored.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) != 0)
            {
                throw new InvalidOperationException($"Cannot declare {chargerId} seq {fromSeq}..{toSeq} lost: some of them are stored.");
            }
        }

        var moved = await SqliteDatabase.ExecuteAsync(c, tx,
            "UPDATE chargers SET applied_seq = @to WHERE charger_id = @c AND applied_seq = @prev", cancellationToken,
            ("@c", chargerId), ("@to", toSeq), ("@prev", fromSeq - 1));
        if (moved != 1)
        {
            throw new ConcurrentApplyException($"Cannot declare {chargerId} seq {fromSeq}..{toSeq} lost: its applied seq is not {fromSeq - 1}.");
        }

        var closed = await SqliteDatabase.ExecuteAsync(c, tx,
            "UPDATE seq_gaps SET closed_at = @at, lost = 1 WHERE charger_id = @c AND closed_at IS NULL AND from_seq >= @from AND to_seq <= @to", cancellationToken,
            ("@c", chargerId), ("@from", fromSeq), ("@to", toSeq), ("@at", Ms(at)));
        if (closed == 0)
        {
            await SqliteDatabase.ExecuteAsync(c, tx,
                """
                INSERT INTO seq_gaps (charger_id, from_seq, to_seq, detected_at, closed_at, lost) VALUES (@c, @from, @to, @at, @at, 1)
                ON CONFLICT (charger_id, from_seq) DO UPDATE SET to_seq = @to, closed_at = @at, lost = 1
                """, cancellationToken,
                ("@c", chargerId), ("@from", fromSeq), ("@to", toSeq), ("@at", Ms(at)));
        }

        return true;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SeqGap>> CloseGapsAsync(string chargerId, long appliedSeq, DateTimeOffset closedAt, CancellationToken cancellationToken) =>
        database.WriteAsync((c, tx) => CloseGapsCoreAsync(c, tx, chargerId, appliedSeq, closedAt, cancellationToken), cancellationToken);

    private static async Task<IReadOnlyList<SeqGap>> CloseGapsCoreAsync(SqliteConnection c, SqliteTransaction tx, string chargerId, long appliedSeq, DateTimeOffset closedAt, CancellationToken cancellationToken)
    {
        IReadOnlyList<SeqGap> closing;
        await using (var select = SqliteDatabase.Command(c, tx,
            "SELECT charger_id, from_seq, to_seq, detected_at, closed_at, lost FROM seq_gaps WHERE charger_id = @c AND closed_at IS NULL AND to_seq <= @applied ORDER BY from_seq",
            ("@c", chargerId), ("@applied", appliedSeq)))
        {
            closing = await ReadAllAsync(select, ReadGap, cancellationToken);
        }

        if (closing.Count == 0)
        {
            return closing;
        }

        await SqliteDatabase.ExecuteAsync(c, tx,
            "UPDATE seq_gaps SET closed_at = @at WHERE charger_id = @c AND closed_at IS NULL AND to_seq <= @applied", cancellationToken,
            ("@c", chargerId), ("@applied", appliedSeq), ("@at", Ms(closedAt)));
        return closing.Select(g => g with { ClosedAt = closedAt }).ToList();
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SeqGap>> ListGapsAsync(string? chargerId, bool openOnly, CancellationToken cancellationToken) =>
        database.ReadAsync(async c =>
        {
            var sql = new StringBuilder("SELECT charger_id, from_seq, to_seq, detected_at, closed_at, lost FROM seq_gaps WHERE 1 = 1");
            if (chargerId is not null)
            {
                sql.Append(" AND charger_id = @c");
            }

            if (openOnly)
            {
                sql.Append(" AND closed_at IS NULL");
            }

            sql.Append(" ORDER BY charger_id, from_seq");
            await using var cmd = SqliteDatabase.Command(c, null, sql.ToString(), ("@c", chargerId));
            return await ReadAllAsync(cmd, ReadGap, cancellationToken);
        }, cancellationToken);

    /// <inheritdoc />
    public Task AddDeadLetterAsync(DeadLetter deadLetter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deadLetter);
        return database.WriteAsync((c, tx) => AddDeadLetterCoreAsync(c, tx, deadLetter, cancellationToken), cancellationToken);
    }

    private static Task<int> AddDeadLetterCoreAsync(SqliteConnection c, SqliteTransaction tx, DeadLetter deadLetter, CancellationToken cancellationToken) =>
        SqliteDatabase.ExecuteAsync(c, tx,
            """
            INSERT INTO dead_letters (topic, charger_id, reason, detail, payload, payload_bytes, received_at)
            VALUES (@topic, @c, @reason, @detail, @payload, @bytes, @at)
            """, cancellationToken,
            ("@topic", deadLetter.Topic), ("@c", deadLetter.ChargerId), ("@reason", deadLetter.Reason), ("@detail", deadLetter.Detail),
            ("@payload", deadLetter.Payload), ("@bytes", deadLetter.PayloadBytes), ("@at", Ms(deadLetter.ReceivedAt)));

    /// <inheritdoc />
    public Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return database.ReadAsync(async c =>
        {
            await using var cmd = SqliteDatabase.Command(c, null,
                "SELECT id, topic, charger_id, reason, detail, payload, payload_bytes, received_at FROM dead_letters ORDER BY id DESC LIMIT @limit",
                ("@limit", limit));
            return await ReadAllAsync(cmd, r => new DeadLetter(
                r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetInt32(6), Time(r.GetInt64(7)))
            {
                Id = r.GetInt64(0),
            }, cancellationToken);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<ChargerView?> GetChargerAsync(string chargerId, CancellationToken cancellationToken)
    {
        var rows = await database.ReadAsync(async c =>
        {
            await using var cmd = SqliteDatabase.Command(c, null, $"SELECT {ChargerColumns} FROM chargers c WHERE c.charger_id = @c", ("@c", chargerId));
            return await ReadAllAsync(cmd, ReadCharger, cancellationToken);
        }, cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ChargerView>> ListChargersAsync(CancellationToken cancellationToken) =>
        database.ReadAsync(async c =>
        {
            await using var cmd = SqliteDatabase.Command(c, null, $"SELECT {ChargerColumns} FROM chargers c ORDER BY c.charger_id");
            return await ReadAllAsync(cmd, ReadCharger, cancellationToken);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredEvent>> QueryEventsAsync(EventQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        return database.ReadAsync(async c =>
        {
            var sql = new StringBuilder("SELECT charger_id, seq, event_id, type, ts, received_at, data FROM events WHERE charger_id = @c AND seq > @after");
            if (query.Type is not null)
            {
                sql.Append(" AND type = @type");
            }

            if (query.From is not null)
            {
                sql.Append(" AND ts >= @from");
            }

            if (query.To is not null)
            {
                sql.Append(" AND ts < @to");
            }

            sql.Append(" ORDER BY seq LIMIT @limit");
            await using var cmd = SqliteDatabase.Command(c, null, sql.ToString(),
                ("@c", query.ChargerId), ("@after", query.AfterSeq), ("@type", query.Type),
                ("@from", query.From is { } from ? Ms(from) : null), ("@to", query.To is { } to ? Ms(to) : null), ("@limit", query.Limit));
            return await ReadAllAsync(cmd, ReadEvent, cancellationToken);
        }, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>SQLite serialises every write through the one writer connection (and, between processes, its write lock),
    /// so <paramref name="chargerIds"/> needs no lock of its own here.</remarks>
    public Task<T> InTransactionAsync<T>(IReadOnlyCollection<string> chargerIds, Func<IEventStoreTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        return database.WriteAsync((c, tx) => work(new Transaction(c, tx)), cancellationToken);
    }

    /// <summary>One batch on the writer connection: statements run one by one inside the transaction (in process, no round trips).</summary>
    private sealed class Transaction(SqliteConnection c, SqliteTransaction tx) : IEventStoreTransaction
    {
        private readonly FeedNumbering _feed = new();

        public async Task<IReadOnlyDictionary<string, SequenceState>> GetSequenceStatesAsync(IReadOnlyCollection<string> chargerIds, CancellationToken cancellationToken)
        {
            var states = new Dictionary<string, SequenceState>(StringComparer.Ordinal);
            await using var cmd = SqliteDatabase.Command(c, tx,
                """
                SELECT (SELECT applied_seq FROM chargers WHERE charger_id = @c),
                       (SELECT MAX(seq) FROM events WHERE charger_id = @c)
                """, ("@c", string.Empty));
            foreach (var chargerId in chargerIds)
            {
                cmd.Parameters["@c"].Value = chargerId;
                await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
                await r.ReadAsync(cancellationToken);
                states[chargerId] = new SequenceState(r.IsDBNull(0) ? 0 : r.GetInt64(0), r.IsDBNull(1) ? 0 : r.GetInt64(1));
            }

            return states;
        }

        public async Task<IReadOnlyList<AppendResult>> AppendAsync(IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
        {
            var results = new AppendResult[events.Count];
            await using var insert = SqliteDatabase.Command(c, tx, InsertEvent,
                ("@c", null), ("@s", null), ("@id", null), ("@type", null), ("@ts", null), ("@rx", null), ("@data", null));
            for (var i = 0; i < events.Count; i++)
            {
                results[i] = await AppendOneAsync(c, tx, events[i], insert, cancellationToken);
            }

            return results;
        }

        public async Task RecordGapsAsync(IReadOnlyList<SeqGap> gaps, CancellationToken cancellationToken)
        {
            foreach (var gap in gaps)
            {
                await RecordGapCoreAsync(c, tx, gap, cancellationToken);
            }
        }

        public Task ApplyAsync(IReadOnlyList<ProjectionChange> changes, CancellationToken cancellationToken) => ApplyChangesAsync(c, tx, changes, _feed, cancellationToken);

        public Task SkipLostAsync(string chargerId, long fromSeq, long toSeq, DateTimeOffset at, CancellationToken cancellationToken) =>
            SkipLostCoreAsync(c, tx, chargerId, fromSeq, toSeq, at, cancellationToken);

        public async Task<IReadOnlyList<StoredEvent>> QueryEventsAsync(string chargerId, long afterSeq, int limit, CancellationToken cancellationToken)
        {
            await using var cmd = SqliteDatabase.Command(c, tx,
                "SELECT charger_id, seq, event_id, type, ts, received_at, data FROM events WHERE charger_id = @c AND seq > @after ORDER BY seq LIMIT @limit",
                ("@c", chargerId), ("@after", afterSeq), ("@limit", limit));
            return await ReadAllAsync(cmd, ReadEvent, cancellationToken);
        }

        public async Task<IReadOnlyList<SeqGap>> CloseGapsAsync(IReadOnlyList<(string ChargerId, long AppliedSeq)> chargers, DateTimeOffset closedAt, CancellationToken cancellationToken)
        {
            var closed = new List<SeqGap>();
            foreach (var (chargerId, appliedSeq) in chargers)
            {
                closed.AddRange(await CloseGapsCoreAsync(c, tx, chargerId, appliedSeq, closedAt, cancellationToken));
            }

            return closed;
        }

        public async Task TouchAsync(IReadOnlyCollection<string> chargerIds, DateTimeOffset seenAt, CancellationToken cancellationToken)
        {
            foreach (var chargerId in chargerIds)
            {
                await SqliteDatabase.ExecuteAsync(c, tx, TouchSql, cancellationToken, ("@c", chargerId), ("@at", Ms(seenAt)));
            }
        }

        public async Task AddDeadLettersAsync(IReadOnlyList<DeadLetter> deadLetters, CancellationToken cancellationToken)
        {
            foreach (var deadLetter in deadLetters)
            {
                await AddDeadLetterCoreAsync(c, tx, deadLetter, cancellationToken);
            }
        }
    }

    /// <inheritdoc />
    public Task CheckHealthAsync(CancellationToken cancellationToken) => database.GetSchemaVersionAsync(cancellationToken);

    private static ChargerView ReadCharger(SqliteDataReader r) => new()
    {
        ChargerId = r.GetString(0),
        State = r.IsDBNull(1) ? null : Enum.TryParse<DiagnosticState>(r.GetString(1), out var s) ? s : null,
        Online = r.GetInt64(2) != 0,
        LastSeen = NullableTime(r, 3),
        AgentVersion = NullableString(r, 4),
        FirmwareVersion = NullableString(r, 5),
        Model = NullableString(r, 6),
        Serial = NullableString(r, 7),
        BootReason = NullableString(r, 8),
        LastBootAt = NullableTime(r, 9),
        AppliedSeq = r.GetInt64(10),
        LastEventAt = NullableTime(r, 11),
        MaxStoredSeq = r.IsDBNull(12) ? 0 : r.GetInt64(12),
        OpenGapCount = r.GetInt32(13),
    };

    /// <inheritdoc />
    public Task<IReadOnlyList<FeedEvent>> ReadAsync(FeedPosition after, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);

        // SQLite commits one writer at a time, in the order of apply_tx: whatever a reader sees is a prefix of the feed.
        return database.ReadAsync(async c =>
        {
            await using var cmd = SqliteDatabase.Command(c, null,
                """
                SELECT charger_id, seq, event_id, type, ts, received_at, data, apply_tx, apply_idx
                  FROM events
                 WHERE apply_tx IS NOT NULL AND (apply_tx, apply_idx) > (@tx, @idx)
                 ORDER BY apply_tx, apply_idx
                 LIMIT @limit
                """, ("@tx", after.Tx), ("@idx", after.Index), ("@limit", limit));
            return await ReadAllAsync(cmd, r => new FeedEvent(new FeedPosition(r.GetInt64(7), r.GetInt64(8)), ReadEvent(r)), cancellationToken);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<FeedPosition> ReadHeadAsync(CancellationToken cancellationToken) =>
        database.ReadAsync(async c =>
        {
            await using var cmd = SqliteDatabase.Command(c, null,
                "SELECT apply_tx, apply_idx FROM events WHERE apply_tx IS NOT NULL ORDER BY apply_tx DESC, apply_idx DESC LIMIT 1");
            var head = await ReadAllAsync(cmd, r => new FeedPosition(r.GetInt64(0), r.GetInt64(1)), cancellationToken);
            return head.Count == 0 ? FeedPosition.Start : head[0];
        }, cancellationToken);

    /// <summary>The feed position a transaction gives the events it applies.</summary>
    private sealed class FeedNumbering
    {
        public long? Tx { get; set; }

        public long Index { get; set; }
    }

    private static StoredEvent ReadEvent(SqliteDataReader r) =>
        new(r.GetString(0), r.GetInt64(1), Guid.Parse(r.GetString(2)), r.GetString(3), Time(r.GetInt64(4)), Time(r.GetInt64(5)), r.GetString(6));

    private static SeqGap ReadGap(SqliteDataReader r) =>
        new(r.GetString(0), r.GetInt64(1), r.GetInt64(2), Time(r.GetInt64(3)), NullableTime(r, 4), r.GetInt64(5) != 0);

    private static async Task<IReadOnlyList<T>> ReadAllAsync<T>(SqliteCommand cmd, Func<SqliteDataReader, T> read, CancellationToken ct)
    {
        var list = new List<T>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            list.Add(read(r));
        }

        return list;
    }

    private static string? NullableString(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static DateTimeOffset? NullableTime(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : Time(r.GetInt64(i));

    internal static long Ms(DateTimeOffset t) => t.ToUnixTimeMilliseconds();

    internal static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private static string Id(Guid id) => id.ToString("D", CultureInfo.InvariantCulture);
}
