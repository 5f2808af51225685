using System.Globalization;
using System.Text;
using Charger.Cloud.Core;
using Charger.Protocol;
using Npgsql;

namespace Charger.Cloud.Store.Postgres;

/// <summary>
/// The <see cref="IEventStore"/> on a <see cref="PostgresDatabase"/>, with the semantics of the SQLite store (both run
/// the same contract tests). Several receivers may share the database: appends are idempotent through the unique keys
/// (a racing insert waits for the other transaction, then does nothing), and every move of a charger's applied seq is a
/// conditional <c>UPDATE ... WHERE applied_seq = seq - 1</c> that re-checks the row after waiting for its lock, so the
/// loser of a race throws <see cref="ConcurrentApplyException"/> and changes nothing.
/// </summary>
/// <remarks>
/// The batched write path (<see cref="IEventBatchStore"/>) runs a whole ingest batch in one transaction that first takes an
/// exclusive advisory lock per charger of the batch (in the order of the lock keys, so two receivers' batches cannot
/// deadlock on them): transactions on the same charger then run one after the other and each sees what the other
/// committed. Its statements work on many rows at once: <c>INSERT ... SELECT FROM unnest(...) ON CONFLICT DO NOTHING
/// RETURNING</c> for the events, and the applies in one <see cref="NpgsqlBatch"/> (one round trip).
/// </remarks>
public sealed class PostgresEventStore(PostgresDatabase database) : IEventStore, IEventBatchStore, IEventFeed
{
    private const string ChargerColumns = """
        c.charger_id, c.state, c.online, c.last_seen, c.agent_version, c.firmware_version, c.model, c.serial,
        c.boot_reason, c.last_boot_at, c.applied_seq, c.last_event_at,
        (SELECT MAX(e.seq) FROM events e WHERE e.charger_id = c.charger_id) AS max_seq,
        (SELECT COUNT(*) FROM seq_gaps g WHERE g.charger_id = c.charger_id AND g.closed_at IS NULL)::integer AS open_gaps
        """;


    private const string GapColumns = "charger_id, from_seq, to_seq, detected_at, closed_at, lost";

    /// <summary>
    /// First key of the per-charger advisory locks (the second is <c>hashtext(charger_id)</c>): appends hold it shared,
    /// <see cref="SkipLostAsync"/> exclusive, so no event of a range can be stored between the check that none is and the
    /// range being declared lost (SQLite gets the same from its single writer).
    /// </summary>
    internal const int ChargerLockSpace = 0x43484731; // "CHG1"

    private const string EnsureCharger =
        "INSERT INTO chargers (charger_id, first_seen, online, applied_seq) VALUES (@c, @now, false, 0) ON CONFLICT (charger_id) DO NOTHING";

    /// <inheritdoc />
    public Task<AppendResult> AppendAsync(StoredEvent storedEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storedEvent);
        return database.WriteAsync(async (c, tx) =>
        {
            var inserted = await PostgresDatabase.ExecuteAsync(c, tx,
                """
                INSERT INTO events (charger_id, seq, event_id, type, ts, received_at, data)
                SELECT @c, @s, @id, @type, @ts, @rx, @data FROM (SELECT pg_advisory_xact_lock_shared(@space, hashtext(@c))) AS charger_lock
                ON CONFLICT DO NOTHING
                """, cancellationToken,
                ("@space", ChargerLockSpace), ("@c", storedEvent.ChargerId), ("@s", storedEvent.Seq), ("@id", storedEvent.Id), ("@type", storedEvent.Type),
                ("@ts", Ms(storedEvent.Ts)), ("@rx", Ms(storedEvent.ReceivedAt)), ("@data", storedEvent.DataJson));
            if (inserted == 1)
            {
                return AppendResult.Stored;
            }

            var id = Id(storedEvent.Id);
            await using (var bySeq = PostgresDatabase.Command(c, tx, "SELECT event_id FROM events WHERE charger_id = @c AND seq = @s",
                ("@c", storedEvent.ChargerId), ("@s", storedEvent.Seq)))
            {
                if (await bySeq.ExecuteScalarAsync(cancellationToken) is Guid existing)
                {
                    return existing == storedEvent.Id
                        ? AppendResult.Duplicate
                        : AppendResult.Conflict($"seq {storedEvent.Seq} of {storedEvent.ChargerId} is already stored as event {Id(existing)}, not {id}");
                }
            }

            await using var byId = PostgresDatabase.Command(c, tx, "SELECT charger_id, seq FROM events WHERE event_id = @id", ("@id", storedEvent.Id));
            await using var reader = await byId.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken)
                ? AppendResult.Conflict($"event {id} is already stored as {reader.GetString(0)} seq {reader.GetInt64(1)}, not {storedEvent.ChargerId} seq {storedEvent.Seq}")
                : throw new InvalidOperationException($"Event {id} was neither inserted nor found.");
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<SequenceState> GetSequenceStateAsync(string chargerId, CancellationToken cancellationToken) =>
        database.ReadAsync(async c =>
        {
            await using var cmd = PostgresDatabase.Command(c, null,
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
    /// seq, from the seq before its first) and the projection changes of the run in seq order, all in one round trip
    /// (<see cref="NpgsqlBatch"/>); then checks that every move found its charger where it expected it.
    /// </summary>
    private static async Task ApplyChangesAsync(NpgsqlConnection c, NpgsqlTransaction tx, IReadOnlyList<ProjectionChange> changes, FeedNumbering feed, CancellationToken ct)
    {
        if (changes.Count == 0)
        {
            return;
        }

        await using var batch = new NpgsqlBatch(c, tx);
        var moves = new List<(NpgsqlBatchCommand Command, ProjectionChange First)>();
        foreach (var run in ProjectionRuns.Split(changes))
        {
            var first = run[0];
            var last = run[^1];
            var now = Ms(run.Max(r => r.AppliedAt));
            Add(batch, EnsureCharger, ("@c", first.ChargerId), ("@now", now));
            moves.Add((Add(batch,
                """
                UPDATE chargers
                   SET applied_seq = @seq,
                       last_event_at = @ts,
                       last_seen = CASE WHEN last_seen IS NULL OR last_seen < @now THEN @now ELSE last_seen END
                 WHERE charger_id = @c AND applied_seq = @prev
                """,
                ("@c", first.ChargerId), ("@seq", last.Seq), ("@prev", first.Seq - 1), ("@ts", Ms(last.EventTs)), ("@now", now)), first));

            // Into the feed, in seq order: this transaction's id and the next indexes inside it.
            Add(batch,
                "UPDATE events SET apply_tx = pg_current_xact_id()::text::bigint, apply_idx = @base + (seq - @first) WHERE charger_id = @c AND seq BETWEEN @first AND @last",
                ("@base", feed.Index + 1), ("@c", first.ChargerId), ("@first", first.Seq), ("@last", last.Seq));
            feed.Index += last.Seq - first.Seq + 1;
            foreach (var change in run)
            {
                AddProjection(batch, change);
            }
        }

        await batch.ExecuteNonQueryAsync(ct);
        foreach (var (command, first) in moves)
        {
            if (command.RecordsAffected != 1)
            {
                throw new ConcurrentApplyException($"Cannot apply seq {first.Seq} of {first.ChargerId}: its applied seq is not {first.Seq - 1}.");
            }
        }
    }

    private static NpgsqlBatchCommand Add(NpgsqlBatch batch, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        batch.BatchCommands.Add(command);
        return command;
    }

    private static void AddProjection(NpgsqlBatch batch, ProjectionChange change)
    {
        if (change.Boot is { } boot)
        {
            Add(batch,
                """
                UPDATE chargers
                   SET agent_version = @av, firmware_version = @fw, model = COALESCE(@model, model), serial = COALESCE(@serial, serial),
                       boot_reason = @reason, last_boot_at = @ts, state = @state
                 WHERE charger_id = @c
                """,
                ("@c", change.ChargerId), ("@av", boot.AgentVersion), ("@fw", boot.FirmwareVersion), ("@model", boot.Model),
                ("@serial", boot.Serial), ("@reason", boot.Reason), ("@ts", Ms(change.EventTs)), ("@state", nameof(DiagnosticState.Booting)));
        }

        if (change.State is { } state)
        {
            Add(batch, "UPDATE chargers SET state = @state WHERE charger_id = @c", ("@c", change.ChargerId), ("@state", state.ToString()));
        }

    }

    /// <inheritdoc />
    public Task TouchAsync(string chargerId, DateTimeOffset seenAt, CancellationToken cancellationToken) =>
        database.WriteAsync((c, tx) => PostgresDatabase.ExecuteAsync(c, tx,
            """
            INSERT INTO chargers (charger_id, first_seen, online, applied_seq, last_seen) VALUES (@c, @at, false, 0, @at)
            ON CONFLICT (charger_id) DO UPDATE SET
                last_seen = CASE WHEN chargers.last_seen IS NULL OR chargers.last_seen < excluded.last_seen THEN excluded.last_seen ELSE chargers.last_seen END
            """, cancellationToken, ("@c", chargerId), ("@at", Ms(seenAt))), cancellationToken);

    /// <inheritdoc />
    public Task SetStatusAsync(string chargerId, bool online, DateTimeOffset at, CancellationToken cancellationToken) =>
        database.WriteAsync((c, tx) => PostgresDatabase.ExecuteAsync(c, tx,
            """
            INSERT INTO chargers (charger_id, first_seen, online, applied_seq, status_at, last_seen) VALUES (@c, @at, @online, 0, @at, @at)
            ON CONFLICT (charger_id) DO UPDATE SET
                online = excluded.online,
                status_at = excluded.status_at,
                last_seen = CASE WHEN chargers.last_seen IS NULL OR chargers.last_seen < excluded.last_seen THEN excluded.last_seen ELSE chargers.last_seen END
            WHERE chargers.status_at IS NULL OR chargers.status_at <= excluded.status_at
            """, cancellationToken, ("@c", chargerId), ("@at", Ms(at)), ("@online", online)), cancellationToken);

    /// <inheritdoc />
    public Task RecordGapAsync(SeqGap gap, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(gap);
        return database.WriteAsync((c, tx) => PostgresDatabase.ExecuteAsync(c, tx,
            """
            INSERT INTO seq_gaps (charger_id, from_seq, to_seq, detected_at, closed_at) VALUES (@c, @from, @to, @at, @closed)
            ON CONFLICT (charger_id, from_seq) DO NOTHING
            """, cancellationToken,
            ("@c", gap.ChargerId), ("@from", gap.FromSeq), ("@to", gap.ToSeq), ("@at", Ms(gap.DetectedAt)),
            ("@closed", Time(gap.ClosedAt))), cancellationToken);
    }

    /// <inheritdoc />
    public Task SkipLostAsync(string chargerId, long fromSeq, long toSeq, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fromSeq, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(toSeq, fromSeq);
        return database.WriteAsync(async (c, tx) =>
        {
            await PostgresDatabase.ExecuteAsync(c, tx, "SELECT pg_advisory_xact_lock(@space, hashtext(@c))", cancellationToken,
                ("@space", ChargerLockSpace), ("@c", chargerId));
            return await SkipLostCoreAsync(c, tx, chargerId, fromSeq, toSeq, at, cancellationToken);
        }, cancellationToken);
    }

    /// <summary>The work of <see cref="SkipLostAsync"/>; the caller holds the charger's advisory lock exclusively.</summary>
    private static async Task<bool> SkipLostCoreAsync(NpgsqlConnection c, NpgsqlTransaction tx, string chargerId, long fromSeq, long toSeq, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using (var stored = PostgresDatabase.Command(c, tx,
            "SELECT COUNT(*) FROM events WHERE charger_id = @c AND seq BETWEEN @from AND @to", ("@c", chargerId), ("@from", fromSeq), ("@to", toSeq)))
        {
            if (Convert.ToInt64(await stored.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) != 0)
            {
                throw new InvalidOperationException($"Cannot declare {chargerId} seq {fromSeq}..{toSeq} lost: some of them are stored.");
            }
        }

        var moved = await PostgresDatabase.ExecuteAsync(c, tx,
            "UPDATE chargers SET applied_seq = @to WHERE charger_id = @c AND applied_seq = @prev", cancellationToken,
            ("@c", chargerId), ("@to", toSeq), ("@prev", fromSeq - 1));
        if (moved != 1)
        {
            throw new ConcurrentApplyException($"Cannot declare {chargerId} seq {fromSeq}..{toSeq} lost: its applied seq is not {fromSeq - 1}.");
        }

        var closed = await PostgresDatabase.ExecuteAsync(c, tx,
            "UPDATE seq_gaps SET closed_at = @at, lost = true WHERE charger_id = @c AND closed_at IS NULL AND from_seq >= @from AND to_seq <= @to", cancellationToken,
            ("@c", chargerId), ("@from", fromSeq), ("@to", toSeq), ("@at", Ms(at)));
        if (closed == 0)
        {
            await PostgresDatabase.ExecuteAsync(c, tx,
                """
                INSERT INTO seq_gaps (charger_id, from_seq, to_seq, detected_at, closed_at, lost) VALUES (@c, @from, @to, @at, @at, true)
                ON CONFLICT (charger_id, from_seq) DO UPDATE SET to_seq = excluded.to_seq, closed_at = excluded.closed_at, lost = true
                """, cancellationToken,
                ("@c", chargerId), ("@from", fromSeq), ("@to", toSeq), ("@at", Ms(at)));
        }

        return true;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SeqGap>> CloseGapsAsync(string chargerId, long appliedSeq, DateTimeOffset closedAt, CancellationToken cancellationToken) =>
        database.WriteAsync(async (c, tx) =>
        {
            await using var update = PostgresDatabase.Command(c, tx,
                $"UPDATE seq_gaps SET closed_at = @at WHERE charger_id = @c AND closed_at IS NULL AND to_seq <= @applied RETURNING {GapColumns}",
                ("@c", chargerId), ("@applied", appliedSeq), ("@at", Ms(closedAt)));
            var closed = await ReadAllAsync(update, ReadGap, cancellationToken);
            return (IReadOnlyList<SeqGap>)closed.OrderBy(g => g.FromSeq).ToList();
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<SeqGap>> ListGapsAsync(string? chargerId, bool openOnly, CancellationToken cancellationToken) =>
        database.ReadAsync(async c =>
        {
            var sql = new StringBuilder($"SELECT {GapColumns} FROM seq_gaps WHERE true");
            var parameters = new List<(string, object?)>();
            if (chargerId is not null)
            {
                sql.Append(" AND charger_id = @c");
                parameters.Add(("@c", chargerId));
            }

            if (openOnly)
            {
                sql.Append(" AND closed_at IS NULL");
            }

            sql.Append(" ORDER BY charger_id, from_seq");
            await using var cmd = PostgresDatabase.Command(c, null, sql.ToString(), [.. parameters]);
            return await ReadAllAsync(cmd, ReadGap, cancellationToken);
        }, cancellationToken);

    /// <inheritdoc />
    public Task AddDeadLetterAsync(DeadLetter deadLetter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deadLetter);
        return database.WriteAsync((c, tx) => PostgresDatabase.ExecuteAsync(c, tx,
            """
            INSERT INTO dead_letters (topic, charger_id, reason, detail, payload, payload_bytes, received_at)
            VALUES (@topic, @c, @reason, @detail, @payload, @bytes, @at)
            """, cancellationToken,
            ("@topic", StripNul(deadLetter.Topic)), ("@c", deadLetter.ChargerId), ("@reason", deadLetter.Reason), ("@detail", StripNul(deadLetter.Detail)),
            ("@payload", StripNul(deadLetter.Payload)), ("@bytes", deadLetter.PayloadBytes), ("@at", Ms(deadLetter.ReceivedAt))), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return database.ReadAsync(async c =>
        {
            await using var cmd = PostgresDatabase.Command(c, null,
                "SELECT id, topic, charger_id, reason, detail, payload, payload_bytes, received_at FROM dead_letters ORDER BY id DESC LIMIT @limit",
                ("@limit", limit));
            return await ReadAllAsync(cmd, r => new DeadLetter(
                r.GetString(1), NullableString(r, 2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetInt32(6), Time(r, 7))
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
            await using var cmd = PostgresDatabase.Command(c, null, $"SELECT {ChargerColumns} FROM chargers c WHERE c.charger_id = @c", ("@c", chargerId));
            return await ReadAllAsync(cmd, ReadCharger, cancellationToken);
        }, cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ChargerView>> ListChargersAsync(CancellationToken cancellationToken) =>
        database.ReadAsync(async c =>
        {
            await using var cmd = PostgresDatabase.Command(c, null, $"SELECT {ChargerColumns} FROM chargers c ORDER BY c.charger_id");
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
            var parameters = new List<(string, object?)> { ("@c", query.ChargerId), ("@after", query.AfterSeq), ("@limit", query.Limit) };
            if (query.Type is not null)
            {
                sql.Append(" AND type = @type");
                parameters.Add(("@type", query.Type));
            }

            if (query.From is { } from)
            {
                sql.Append(" AND ts >= @from");
                parameters.Add(("@from", Ms(from)));
            }

            if (query.To is { } to)
            {
                sql.Append(" AND ts < @to");
                parameters.Add(("@to", Ms(to)));
            }

            sql.Append(" ORDER BY seq LIMIT @limit");
            await using var cmd = PostgresDatabase.Command(c, null, sql.ToString(), [.. parameters]);
            return await ReadAllAsync(cmd, ReadEvent, cancellationToken);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<T> InTransactionAsync<T>(IReadOnlyCollection<string> chargerIds, Func<IEventStoreTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chargerIds);
        ArgumentNullException.ThrowIfNull(work);
        try
        {
            return await database.WriteAsync(async (c, tx) =>
            {
                if (chargerIds.Count > 0)
                {
                    // Exclusive per charger, in the order of the lock keys (volatile functions run after ORDER BY): a second
                    // receiver's batch on one of these chargers waits here for this one's commit, never in the middle.
                    await PostgresDatabase.ExecuteAsync(c, tx,
                        """
                        SELECT pg_advisory_xact_lock(@space, k.key)
                          FROM (SELECT DISTINCT hashtext(id) AS key FROM unnest(@ids::text[]) AS id) AS k
                         ORDER BY k.key
                        """, cancellationToken, ("@space", ChargerLockSpace), ("@ids", chargerIds.ToArray()));
                }

                return await work(new Transaction(c, tx));
            }, cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
        {
            throw new ConcurrentApplyException($"PostgreSQL aborted the batch in a race with another receiver ({ex.SqlState}: {ex.MessageText}).");
        }
    }

    /// <summary>One batch on one connection: every operation is one statement over all its rows (unnest) or one round trip.</summary>
    private sealed class Transaction(NpgsqlConnection c, NpgsqlTransaction tx) : IEventStoreTransaction
    {
        private readonly FeedNumbering _feed = new();

        public async Task<IReadOnlyDictionary<string, SequenceState>> GetSequenceStatesAsync(IReadOnlyCollection<string> chargerIds, CancellationToken cancellationToken)
        {
            var states = new Dictionary<string, SequenceState>(StringComparer.Ordinal);
            if (chargerIds.Count == 0)
            {
                return states;
            }

            await using var cmd = PostgresDatabase.Command(c, tx,
                """
                SELECT k.id, ch.applied_seq, (SELECT MAX(e.seq) FROM events e WHERE e.charger_id = k.id)
                  FROM unnest(@ids::text[]) AS k(id) LEFT JOIN chargers ch ON ch.charger_id = k.id
                """, ("@ids", chargerIds.ToArray()));
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
            {
                states[r.GetString(0)] = new SequenceState(r.IsDBNull(1) ? 0 : r.GetInt64(1), r.IsDBNull(2) ? 0 : r.GetInt64(2));
            }

            return states;
        }

        public async Task<IReadOnlyList<AppendResult>> AppendAsync(IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
        {
            var results = new AppendResult[events.Count];
            if (events.Count == 0)
            {
                return results;
            }

            var inserted = new HashSet<(string, long)>();
            await using (var insert = PostgresDatabase.Command(c, tx,
                """
                INSERT INTO events (charger_id, seq, event_id, type, ts, received_at, data)
                SELECT * FROM unnest(@c::text[], @s::bigint[], @id::uuid[], @type::text[], @ts::timestamptz[], @rx::timestamptz[], @data::text[])
                ON CONFLICT DO NOTHING
                RETURNING charger_id, seq
                """,
                ("@c", events.Select(e => e.ChargerId).ToArray()), ("@s", events.Select(e => e.Seq).ToArray()), ("@id", events.Select(e => e.Id).ToArray()),
                ("@type", events.Select(e => e.Type).ToArray()), ("@ts", events.Select(e => Ms(e.Ts)).ToArray()),
                ("@rx", events.Select(e => Ms(e.ReceivedAt)).ToArray()), ("@data", events.Select(e => e.DataJson).ToArray())))
            await using (var r = await insert.ExecuteReaderAsync(cancellationToken))
            {
                while (await r.ReadAsync(cancellationToken))
                {
                    inserted.Add((r.GetString(0), r.GetInt64(1)));
                }
            }

            var others = new List<int>();
            for (var i = 0; i < events.Count; i++)
            {
                if (inserted.Contains((events[i].ChargerId, events[i].Seq)))
                {
                    results[i] = AppendResult.Stored;
                }
                else
                {
                    others.Add(i);
                }
            }

            if (others.Count == 0)
            {
                return results;
            }

            // Not inserted: the same event again (duplicate), or another event at that seq or with that id (conflict).
            var bySeq = new Dictionary<(string, long), Guid>();
            await using (var query = PostgresDatabase.Command(c, tx,
                "SELECT e.charger_id, e.seq, e.event_id FROM events e JOIN unnest(@c::text[], @s::bigint[]) AS k(c, s) ON e.charger_id = k.c AND e.seq = k.s",
                ("@c", others.Select(i => events[i].ChargerId).ToArray()), ("@s", others.Select(i => events[i].Seq).ToArray())))
            await using (var r = await query.ExecuteReaderAsync(cancellationToken))
            {
                while (await r.ReadAsync(cancellationToken))
                {
                    bySeq[(r.GetString(0), r.GetInt64(1))] = r.GetGuid(2);
                }
            }

            var byId = new Dictionary<Guid, (string ChargerId, long Seq)>();
            var unknown = others.Where(i => !bySeq.ContainsKey((events[i].ChargerId, events[i].Seq))).ToList();
            if (unknown.Count > 0)
            {
                await using var query = PostgresDatabase.Command(c, tx, "SELECT event_id, charger_id, seq FROM events WHERE event_id = ANY(@ids)",
                    ("@ids", unknown.Select(i => events[i].Id).ToArray()));
                await using var r = await query.ExecuteReaderAsync(cancellationToken);
                while (await r.ReadAsync(cancellationToken))
                {
                    byId[r.GetGuid(0)] = (r.GetString(1), r.GetInt64(2));
                }
            }

            foreach (var i in others)
            {
                var e = events[i];
                var id = Id(e.Id);
                if (bySeq.TryGetValue((e.ChargerId, e.Seq), out var existing))
                {
                    results[i] = existing == e.Id
                        ? AppendResult.Duplicate
                        : AppendResult.Conflict($"seq {e.Seq} of {e.ChargerId} is already stored as event {Id(existing)}, not {id}");
                }
                else
                {
                    results[i] = byId.TryGetValue(e.Id, out var at)
                        ? AppendResult.Conflict($"event {id} is already stored as {at.ChargerId} seq {at.Seq}, not {e.ChargerId} seq {e.Seq}")
                        : throw new InvalidOperationException($"Event {id} was neither inserted nor found.");
                }
            }

            return results;
        }

        public async Task RecordGapsAsync(IReadOnlyList<SeqGap> gaps, CancellationToken cancellationToken)
        {
            if (gaps.Count == 0)
            {
                return;
            }

            await PostgresDatabase.ExecuteAsync(c, tx,
                """
                INSERT INTO seq_gaps (charger_id, from_seq, to_seq, detected_at, closed_at)
                SELECT * FROM unnest(@c::text[], @from::bigint[], @to::bigint[], @at::timestamptz[], @closed::timestamptz[])
                ON CONFLICT (charger_id, from_seq) DO NOTHING
                """, cancellationToken,
                ("@c", gaps.Select(g => g.ChargerId).ToArray()), ("@from", gaps.Select(g => g.FromSeq).ToArray()), ("@to", gaps.Select(g => g.ToSeq).ToArray()),
                ("@at", gaps.Select(g => Ms(g.DetectedAt)).ToArray()), ("@closed", gaps.Select(g => Time(g.ClosedAt)).ToArray()));
        }

        public Task ApplyAsync(IReadOnlyList<ProjectionChange> changes, CancellationToken cancellationToken) => ApplyChangesAsync(c, tx, changes, _feed, cancellationToken);

        public Task SkipLostAsync(string chargerId, long fromSeq, long toSeq, DateTimeOffset at, CancellationToken cancellationToken) =>
            SkipLostCoreAsync(c, tx, chargerId, fromSeq, toSeq, at, cancellationToken);

        public async Task<IReadOnlyList<StoredEvent>> QueryEventsAsync(string chargerId, long afterSeq, int limit, CancellationToken cancellationToken)
        {
            await using var cmd = PostgresDatabase.Command(c, tx,
                "SELECT charger_id, seq, event_id, type, ts, received_at, data FROM events WHERE charger_id = @c AND seq > @after ORDER BY seq LIMIT @limit",
                ("@c", chargerId), ("@after", afterSeq), ("@limit", limit));
            return await ReadAllAsync(cmd, ReadEvent, cancellationToken);
        }

        public async Task<IReadOnlyList<SeqGap>> CloseGapsAsync(IReadOnlyList<(string ChargerId, long AppliedSeq)> chargers, DateTimeOffset closedAt, CancellationToken cancellationToken)
        {
            if (chargers.Count == 0)
            {
                return [];
            }

            await using var update = PostgresDatabase.Command(c, tx,
                $"""
                UPDATE seq_gaps g SET closed_at = @at
                  FROM unnest(@c::text[], @applied::bigint[]) AS k(c, applied)
                 WHERE g.charger_id = k.c AND g.closed_at IS NULL AND g.to_seq <= k.applied
                RETURNING {string.Join(", ", GapColumns.Split(", ").Select(column => "g." + column))}
                """,
                ("@c", chargers.Select(x => x.ChargerId).ToArray()), ("@applied", chargers.Select(x => x.AppliedSeq).ToArray()), ("@at", Ms(closedAt)));
            var closed = await ReadAllAsync(update, ReadGap, cancellationToken);
            return closed.OrderBy(g => g.ChargerId, StringComparer.Ordinal).ThenBy(g => g.FromSeq).ToList();
        }

        public async Task TouchAsync(IReadOnlyCollection<string> chargerIds, DateTimeOffset seenAt, CancellationToken cancellationToken)
        {
            if (chargerIds.Count == 0)
            {
                return;
            }

            await PostgresDatabase.ExecuteAsync(c, tx,
                """
                INSERT INTO chargers (charger_id, first_seen, online, applied_seq, last_seen)
                SELECT id, @at, false, 0, @at FROM unnest(@ids::text[]) AS id
                ON CONFLICT (charger_id) DO UPDATE SET
                    last_seen = CASE WHEN chargers.last_seen IS NULL OR chargers.last_seen < excluded.last_seen THEN excluded.last_seen ELSE chargers.last_seen END
                """, cancellationToken, ("@ids", chargerIds.ToArray()), ("@at", Ms(seenAt)));
        }

        public async Task AddDeadLettersAsync(IReadOnlyList<DeadLetter> deadLetters, CancellationToken cancellationToken)
        {
            if (deadLetters.Count == 0)
            {
                return;
            }

            await PostgresDatabase.ExecuteAsync(c, tx,
                """
                INSERT INTO dead_letters (topic, charger_id, reason, detail, payload, payload_bytes, received_at)
                SELECT d.topic, d.charger_id, d.reason, d.detail, d.payload, d.payload_bytes, d.received_at
                  FROM unnest(@topic::text[], @c::text[], @reason::text[], @detail::text[], @payload::text[], @bytes::integer[], @at::timestamptz[])
                       WITH ORDINALITY AS d(topic, charger_id, reason, detail, payload, payload_bytes, received_at, n)
                 ORDER BY d.n
                """, cancellationToken,
                ("@topic", deadLetters.Select(d => StripNul(d.Topic)).ToArray()), ("@c", deadLetters.Select(d => d.ChargerId).ToArray()),
                ("@reason", deadLetters.Select(d => d.Reason).ToArray()), ("@detail", deadLetters.Select(d => StripNul(d.Detail)).ToArray()),
                ("@payload", deadLetters.Select(d => StripNul(d.Payload)).ToArray()), ("@bytes", deadLetters.Select(d => d.PayloadBytes).ToArray()),
                ("@at", deadLetters.Select(d => Ms(d.ReceivedAt)).ToArray()));
        }
    }

    /// <inheritdoc />
    public Task CheckHealthAsync(CancellationToken cancellationToken) => database.GetSchemaVersionAsync(cancellationToken);

    private static ChargerView ReadCharger(NpgsqlDataReader r) => new()
    {
        ChargerId = r.GetString(0),
        State = r.IsDBNull(1) ? null : Enum.TryParse<DiagnosticState>(r.GetString(1), out var s) ? s : null,
        Online = r.GetBoolean(2),
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

        // Transactions commit in any order, so only those below the oldest one still running are read: every transaction
        // that could still add events has a higher id than anything returned, and one charger's applying transactions
        // follow each other (its advisory lock is taken before the first write gives a transaction its id).
        return database.ReadAsync(async c =>
        {
            await using var cmd = PostgresDatabase.Command(c, null,
                """
                SELECT charger_id, seq, event_id, type, ts, received_at, data, apply_tx, apply_idx
                  FROM events
                 WHERE apply_tx IS NOT NULL AND (apply_tx, apply_idx) > (@tx, @idx)
                   AND apply_tx < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
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
            await using var cmd = PostgresDatabase.Command(c, null,
                "SELECT apply_tx, apply_idx FROM events WHERE apply_tx IS NOT NULL ORDER BY apply_tx DESC, apply_idx DESC LIMIT 1");
            var head = await ReadAllAsync(cmd, r => new FeedPosition(r.GetInt64(0), r.GetInt64(1)), cancellationToken);
            return head.Count == 0 ? FeedPosition.Start : head[0];
        }, cancellationToken);

    /// <summary>The feed indexes a transaction gives the events it applies (its id is the transaction's own).</summary>
    private sealed class FeedNumbering
    {
        public long Index { get; set; }
    }

    private static StoredEvent ReadEvent(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetInt64(1), r.GetGuid(2), r.GetString(3), Time(r, 4), Time(r, 5), r.GetString(6));

    private static SeqGap ReadGap(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetInt64(1), r.GetInt64(2), Time(r, 3), NullableTime(r, 4), r.GetBoolean(5));

    private static async Task<IReadOnlyList<T>> ReadAllAsync<T>(NpgsqlCommand cmd, Func<NpgsqlDataReader, T> read, CancellationToken ct)
    {
        var list = new List<T>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            list.Add(read(r));
        }

        return list;
    }

    private static string? NullableString(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static DateTimeOffset? NullableTime(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : Time(r, i);

    private static DateTimeOffset Time(NpgsqlDataReader r, int i) => r.GetFieldValue<DateTimeOffset>(i);

    /// <summary>A time as stored: UTC, at millisecond precision (as the SQLite store keeps it).</summary>
    internal static DateTimeOffset Ms(DateTimeOffset t) => DateTimeOffset.FromUnixTimeMilliseconds(t.ToUnixTimeMilliseconds());

    private static DateTimeOffset? Time(DateTimeOffset? t) => t is { } v ? Ms(v) : null;

    /// <summary>PostgreSQL text cannot hold U+0000, which a refused binary payload may contain; SQLite keeps it.</summary>
    private static string StripNul(string s) => s.Contains('\0', StringComparison.Ordinal) ? s.Replace("\0", "\uFFFD", StringComparison.Ordinal) : s;

    private static string Id(Guid id) => id.ToString("D", CultureInfo.InvariantCulture);
}
