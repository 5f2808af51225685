using System.Data.Common;
using System.Globalization;
using System.Text;
using Charger.Cloud.Core;
using Charger.Protocol;

namespace Charger.Cloud.Store;

/// <summary>
/// The cloud's event store on SQLite or PostgreSQL: the fleet's reads (<see cref="IEventStore"/>), the ingest write path
/// (<see cref="IEventBatchStore"/>: a whole batch in one transaction, one commit) and the applied-event feed
/// (<see cref="IEventFeed"/>). Every statement is written once; what the two databases say differently is the
/// <see cref="SqlDialect"/> of the <see cref="StoreDatabase"/>.
/// </summary>
/// <remarks>
/// Several receivers may share a PostgreSQL database: a batch first takes an exclusive lock per charger it touches (in
/// one global order, so two batches cannot deadlock on them), so batches on the same charger run one after the other and
/// each sees what the other committed; appends are idempotent through the unique keys, and every move of a charger's
/// applied seq is a conditional <c>UPDATE ... WHERE applied_seq = first - 1</c>, so the loser of a race throws
/// <see cref="ConcurrentApplyException"/> and changes nothing. SQLite has one writer at a time. Rows are written with
/// multi-row statements and the applies as one batch (one round trip on PostgreSQL).
/// </remarks>
public sealed class EventStore(StoreDatabase database) : IEventStore, IEventBatchStore, IEventFeed
{
    private const string ChargerColumns = """
        c.charger_id, c.state, c.online, c.last_seen, c.agent_version, c.firmware_version, c.model, c.serial,
        c.boot_reason, c.last_boot_at, c.applied_seq, c.last_event_at,
        (SELECT MAX(e.seq) FROM events e WHERE e.charger_id = c.charger_id) AS max_seq,
        (SELECT COUNT(*) FROM seq_gaps g WHERE g.charger_id = c.charger_id AND g.closed_at IS NULL) AS open_gaps
        """;

    private const string EventColumns = "charger_id, seq, event_id, type, ts, received_at, data";

    private const string GapColumns = "charger_id, from_seq, to_seq, detected_at, closed_at, lost";

    private const string KeepLaterLastSeen =
        "last_seen = CASE WHEN chargers.last_seen IS NULL OR chargers.last_seen < excluded.last_seen THEN excluded.last_seen ELSE chargers.last_seen END";

    private SqlDialect Dialect => database.Dialect;

    /// <inheritdoc />
    public Task<IReadOnlyList<SeqGap>> ListGapsAsync(string? chargerId, bool openOnly, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<SeqGap>>(async c =>
        {
            var sql = new StringBuilder($"SELECT {GapColumns} FROM seq_gaps WHERE 1 = 1");
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
            return await Sql.QueryAsync(c, null, sql.ToString(), ReadGap, cancellationToken, [.. parameters]);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return database.ReadAsync<IReadOnlyList<DeadLetter>>(async c => await Sql.QueryAsync(c, null,
            "SELECT id, topic, charger_id, reason, detail, payload, payload_bytes, received_at FROM dead_letters ORDER BY id DESC LIMIT @limit",
            r => new DeadLetter(r.GetString(1), NullableString(r, 2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetInt32(6), Dialect.ReadTime(r, 7))
            {
                Id = r.GetInt64(0),
            }, cancellationToken, ("@limit", limit)), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<ChargerView?> GetChargerAsync(string chargerId, CancellationToken cancellationToken)
    {
        var rows = await database.ReadAsync(c =>
            Sql.QueryAsync(c, null, $"SELECT {ChargerColumns} FROM chargers c WHERE c.charger_id = @c", ReadCharger, cancellationToken, ("@c", chargerId)),
            cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ChargerView>> ListChargersAsync(CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<ChargerView>>(async c =>
            await Sql.QueryAsync(c, null, $"SELECT {ChargerColumns} FROM chargers c ORDER BY c.charger_id", ReadCharger, cancellationToken),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredEvent>> QueryEventsAsync(EventQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        return database.ReadAsync<IReadOnlyList<StoredEvent>>(async c =>
        {
            var sql = new StringBuilder($"SELECT {EventColumns} FROM events WHERE charger_id = @c AND seq > @after");
            var parameters = new List<(string, object?)> { ("@c", query.ChargerId), ("@after", query.AfterSeq), ("@limit", query.Limit) };
            if (query.Type is not null)
            {
                sql.Append(" AND type = @type");
                parameters.Add(("@type", query.Type));
            }

            if (query.From is { } from)
            {
                sql.Append(" AND ts >= @from");
                parameters.Add(("@from", Dialect.Time(from)));
            }

            if (query.To is { } to)
            {
                sql.Append(" AND ts < @to");
                parameters.Add(("@to", Dialect.Time(to)));
            }

            sql.Append(" ORDER BY seq LIMIT @limit");
            return await Sql.QueryAsync(c, null, sql.ToString(), ReadEvent, cancellationToken, [.. parameters]);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task CheckHealthAsync(CancellationToken cancellationToken) => database.GetSchemaVersionAsync(cancellationToken);

    /// <inheritdoc />
    public Task SetStatusAsync(string chargerId, bool online, DateTimeOffset at, CancellationToken cancellationToken) =>
        database.WriteAsync((c, tx) => Sql.ExecuteAsync(c, tx,
            $"""
            INSERT INTO chargers (charger_id, first_seen, online, applied_seq, status_at, last_seen) VALUES (@c, @at, @online, 0, @at, @at)
            ON CONFLICT (charger_id) DO UPDATE SET
                online = excluded.online,
                status_at = excluded.status_at,
                {KeepLaterLastSeen}
            WHERE chargers.status_at IS NULL OR chargers.status_at <= excluded.status_at
            """, cancellationToken, ("@c", chargerId), ("@at", Dialect.Time(at)), ("@online", online)), cancellationToken);

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
                    await Dialect.LockChargersAsync(c, tx, chargerIds, cancellationToken);
                }

                return await work(new Transaction(this, c, tx));
            }, cancellationToken);
        }
        catch (Exception ex) when (Dialect.TranslateRace(ex) is { } race)
        {
            throw race;
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<FeedEvent>> ReadAsync(FeedPosition after, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return database.ReadAsync<IReadOnlyList<FeedEvent>>(async c => await Sql.QueryAsync(c, null,
            $"""
            SELECT {EventColumns}, apply_tx, apply_idx
              FROM events
             WHERE apply_tx IS NOT NULL AND (apply_tx, apply_idx) > (@tx, @idx) {Dialect.FeedVisibleSql}
             ORDER BY apply_tx, apply_idx
             LIMIT @limit
            """,
            r => new FeedEvent(new FeedPosition(r.GetInt64(7), r.GetInt64(8)), ReadEvent(r)), cancellationToken,
            ("@tx", after.Tx), ("@idx", after.Index), ("@limit", limit)), cancellationToken);
    }

    /// <inheritdoc />
    public Task<FeedPosition> ReadHeadAsync(CancellationToken cancellationToken) =>
        database.ReadAsync(async c =>
        {
            var head = await Sql.QueryAsync(c, null,
                "SELECT apply_tx, apply_idx FROM events WHERE apply_tx IS NOT NULL ORDER BY apply_tx DESC, apply_idx DESC LIMIT 1",
                r => new FeedPosition(r.GetInt64(0), r.GetInt64(1)), cancellationToken);
            return head.Count == 0 ? FeedPosition.Start : head[0];
        }, cancellationToken);

    /// <summary>One ingest batch on one connection and transaction.</summary>
    private sealed class Transaction(EventStore store, DbConnection c, DbTransaction tx) : IEventStoreTransaction
    {
        private long? _feedTx;
        private long _feedIndex;

        private SqlDialect Dialect => store.Dialect;

        /// <summary>One correlated lookup per charger, so each <c>MAX(seq)</c> is one index probe (a <c>GROUP BY</c> over an <c>IN</c> list reads every stored event of the chargers).</summary>
        public async Task<IReadOnlyDictionary<string, SequenceState>> GetSequenceStatesAsync(IReadOnlyCollection<string> chargerIds, CancellationToken cancellationToken)
        {
            var states = new Dictionary<string, SequenceState>(StringComparer.Ordinal);
            foreach (var chunk in chargerIds.Distinct(StringComparer.Ordinal).Chunk(Sql.RowsPerStatement))
            {
                var (values, parameters) = Sql.Values(chunk, id => [id]);
                foreach (var (id, state) in await Sql.QueryAsync(c, tx,
                    $"""
                    SELECT k.column1,
                           (SELECT ch.applied_seq FROM chargers ch WHERE ch.charger_id = k.column1),
                           (SELECT MAX(e.seq) FROM events e WHERE e.charger_id = k.column1)
                      FROM (VALUES {values}) AS k
                    """,
                    r => (r.GetString(0), new SequenceState(r.IsDBNull(1) ? 0 : r.GetInt64(1), r.IsDBNull(2) ? 0 : r.GetInt64(2))), cancellationToken, parameters))
                {
                    states[id] = state;
                }
            }

            return states;
        }

        public async Task<IReadOnlyList<AppendResult>> AppendAsync(IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
        {
            var results = new AppendResult[events.Count];
            var inserted = (await Sql.InsertRowsAsync(c, tx, Dialect, $"INSERT INTO events ({EventColumns})", "ON CONFLICT DO NOTHING RETURNING charger_id, seq", events,
                e => [e.ChargerId, e.Seq, Dialect.Id(e.Id), e.Type, Dialect.Time(e.Ts), Dialect.Time(e.ReceivedAt), e.DataJson],
                r => (r.GetString(0), r.GetInt64(1)), cancellationToken)).ToHashSet();

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

            if (others.Count > 0)
            {
                await ExplainNotInsertedAsync(events, others, results, cancellationToken);
            }

            return results;
        }

        /// <summary>An event not inserted is the same event again (duplicate), or collides with another at its seq or with its id (conflict).</summary>
        private async Task ExplainNotInsertedAsync(IReadOnlyList<StoredEvent> events, List<int> others, AppendResult[] results, CancellationToken cancellationToken)
        {
            var bySeq = new Dictionary<(string, long), Guid>();
            var byId = new Dictionary<Guid, (string ChargerId, long Seq)>();
            foreach (var chunk in others.Chunk(Sql.RowsPerStatement))
            {
                var (keys, parameters) = Sql.Values(chunk, i => [events[i].ChargerId, events[i].Seq]);
                foreach (var (key, id) in await Sql.QueryAsync(c, tx,
                    $"SELECT e.charger_id, e.seq, e.event_id FROM (VALUES {keys}) AS k JOIN events e ON e.charger_id = k.column1 AND e.seq = k.column2",
                    r => ((r.GetString(0), r.GetInt64(1)), r.GetGuid(2)), cancellationToken, parameters))
                {
                    bySeq[key] = id;
                }

                var (list, ids) = Sql.In(chunk.Select(i => Dialect.Id(events[i].Id)).ToList());
                foreach (var (id, at) in await Sql.QueryAsync(c, tx, $"SELECT event_id, charger_id, seq FROM events WHERE event_id IN {list}",
                    r => (r.GetGuid(0), (r.GetString(1), r.GetInt64(2))), cancellationToken, ids))
                {
                    byId[id] = at;
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
        }

        public Task RecordGapsAsync(IReadOnlyList<SeqGap> gaps, CancellationToken cancellationToken) =>
            Sql.InsertRowsAsync<SeqGap, bool>(c, tx, Dialect, "INSERT INTO seq_gaps (charger_id, from_seq, to_seq, detected_at, closed_at)",
                "ON CONFLICT (charger_id, from_seq) DO NOTHING", gaps,
                g => [g.ChargerId, g.FromSeq, g.ToSeq, Dialect.Time(g.DetectedAt), Dialect.Time(g.ClosedAt)], null, cancellationToken);

        /// <summary>
        /// Each run of consecutive seqs of one charger is one conditional move of its applied seq (to the run's last seq,
        /// from the seq before its first), its events' feed positions, and its projection changes in seq order; all runs
        /// go as one batch, then every move must have found its charger where it expected it.
        /// </summary>
        public async Task ApplyAsync(IReadOnlyList<ProjectionChange> changes, CancellationToken cancellationToken)
        {
            if (changes.Count == 0)
            {
                return;
            }

            // Into the feed, in seq order: this transaction's number and the next indexes inside it.
            _feedTx ??= await Sql.ScalarInt64Async(c, tx, Dialect.FeedTransactionSql, cancellationToken);
            var statements = new List<SqlStatement>();
            var moves = new List<(int Statement, ProjectionChange First)>();
            foreach (var run in ProjectionRuns.Split(changes))
            {
                var first = run[0];
                var last = run[^1];
                var now = Dialect.Time(run.Max(r => r.AppliedAt));
                statements.Add(new(
                    "INSERT INTO chargers (charger_id, first_seen, online, applied_seq) VALUES (@c, @now, false, 0) ON CONFLICT (charger_id) DO NOTHING",
                    ("@c", first.ChargerId), ("@now", now)));
                moves.Add((statements.Count, first));
                statements.Add(new(
                    """
                    UPDATE chargers
                       SET applied_seq = @seq,
                           last_event_at = @ts,
                           last_seen = CASE WHEN last_seen IS NULL OR last_seen < @now THEN @now ELSE last_seen END
                     WHERE charger_id = @c AND applied_seq = @prev
                    """,
                    ("@c", first.ChargerId), ("@seq", last.Seq), ("@prev", first.Seq - 1), ("@ts", Dialect.Time(last.EventTs)), ("@now", now)));
                statements.Add(new(
                    "UPDATE events SET apply_tx = @tx, apply_idx = @base + (seq - @first) WHERE charger_id = @c AND seq BETWEEN @first AND @last",
                    ("@tx", _feedTx.Value), ("@base", _feedIndex + 1), ("@c", first.ChargerId), ("@first", first.Seq), ("@last", last.Seq)));
                _feedIndex += last.Seq - first.Seq + 1;
                foreach (var change in run)
                {
                    AddProjection(statements, change);
                }
            }

            var affected = await Sql.ExecuteBatchAsync(c, tx, statements, cancellationToken);
            foreach (var (statement, first) in moves)
            {
                if (affected[statement] != 1)
                {
                    throw new ConcurrentApplyException($"Cannot apply seq {first.Seq} of {first.ChargerId}: its applied seq is not {first.Seq - 1}.");
                }
            }
        }

        private void AddProjection(List<SqlStatement> statements, ProjectionChange change)
        {
            if (change.Boot is { } boot)
            {
                statements.Add(new(
                    """
                    UPDATE chargers
                       SET agent_version = @av, firmware_version = @fw, model = COALESCE(@model, model), serial = COALESCE(@serial, serial),
                           boot_reason = @reason, last_boot_at = @ts, state = @state
                     WHERE charger_id = @c
                    """,
                    ("@c", change.ChargerId), ("@av", boot.AgentVersion), ("@fw", boot.FirmwareVersion), ("@model", boot.Model),
                    ("@serial", boot.Serial), ("@reason", boot.Reason), ("@ts", Dialect.Time(change.EventTs)), ("@state", nameof(DiagnosticState.Booting))));
            }

            if (change.State is { } state)
            {
                statements.Add(new("UPDATE chargers SET state = @state WHERE charger_id = @c", ("@c", change.ChargerId), ("@state", state.ToString())));
            }
        }

        public async Task SkipLostAsync(string chargerId, long fromSeq, long toSeq, DateTimeOffset at, CancellationToken cancellationToken)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(fromSeq, 1);
            ArgumentOutOfRangeException.ThrowIfLessThan(toSeq, fromSeq);
            if (await Sql.ScalarInt64Async(c, tx, "SELECT COUNT(*) FROM events WHERE charger_id = @c AND seq BETWEEN @from AND @to", cancellationToken,
                ("@c", chargerId), ("@from", fromSeq), ("@to", toSeq)) != 0)
            {
                throw new InvalidOperationException($"Cannot declare {chargerId} seq {fromSeq}..{toSeq} lost: some of them are stored.");
            }

            var moved = await Sql.ExecuteAsync(c, tx, "UPDATE chargers SET applied_seq = @to WHERE charger_id = @c AND applied_seq = @prev", cancellationToken,
                ("@c", chargerId), ("@to", toSeq), ("@prev", fromSeq - 1));
            if (moved != 1)
            {
                throw new ConcurrentApplyException($"Cannot declare {chargerId} seq {fromSeq}..{toSeq} lost: its applied seq is not {fromSeq - 1}.");
            }

            var closed = await Sql.ExecuteAsync(c, tx,
                "UPDATE seq_gaps SET closed_at = @at, lost = true WHERE charger_id = @c AND closed_at IS NULL AND from_seq >= @from AND to_seq <= @to", cancellationToken,
                ("@c", chargerId), ("@from", fromSeq), ("@to", toSeq), ("@at", Dialect.Time(at)));
            if (closed == 0)
            {
                await Sql.ExecuteAsync(c, tx,
                    """
                    INSERT INTO seq_gaps (charger_id, from_seq, to_seq, detected_at, closed_at, lost) VALUES (@c, @from, @to, @at, @at, true)
                    ON CONFLICT (charger_id, from_seq) DO UPDATE SET to_seq = excluded.to_seq, closed_at = excluded.closed_at, lost = true
                    """, cancellationToken,
                    ("@c", chargerId), ("@from", fromSeq), ("@to", toSeq), ("@at", Dialect.Time(at)));
            }
        }

        public async Task<IReadOnlyList<StoredEvent>> QueryEventsAsync(string chargerId, long afterSeq, int limit, CancellationToken cancellationToken) =>
            await Sql.QueryAsync(c, tx, $"SELECT {EventColumns} FROM events WHERE charger_id = @c AND seq > @after ORDER BY seq LIMIT @limit",
                store.ReadEvent, cancellationToken, ("@c", chargerId), ("@after", afterSeq), ("@limit", limit));

        /// <summary>Reads the chargers' open gaps (usually none), then closes those that end at or below the charger's applied seq.</summary>
        public async Task<IReadOnlyList<SeqGap>> CloseGapsAsync(IReadOnlyList<(string ChargerId, long AppliedSeq)> chargers, DateTimeOffset closedAt, CancellationToken cancellationToken)
        {
            var applied = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var (chargerId, appliedSeq) in chargers)
            {
                applied[chargerId] = Math.Max(appliedSeq, applied.GetValueOrDefault(chargerId));
            }

            var closing = new List<SeqGap>();
            foreach (var chunk in applied.Keys.Chunk(Sql.RowsPerStatement))
            {
                var (list, keys) = Sql.In(chunk);
                var open = await Sql.QueryAsync(c, tx, $"SELECT {GapColumns} FROM seq_gaps WHERE closed_at IS NULL AND charger_id IN {list}",
                    store.ReadGap, cancellationToken, keys);
                closing.AddRange(open.Where(g => g.ToSeq <= applied[g.ChargerId]));
            }

            await Sql.ExecuteBatchAsync(c, tx,
                closing.Select(g => new SqlStatement("UPDATE seq_gaps SET closed_at = @at WHERE charger_id = @c AND from_seq = @from",
                    ("@c", g.ChargerId), ("@from", g.FromSeq), ("@at", Dialect.Time(closedAt)))).ToList(),
                cancellationToken);
            var at = SqlDialect.AsStored(closedAt);
            return closing.OrderBy(g => g.ChargerId, StringComparer.Ordinal).ThenBy(g => g.FromSeq).Select(g => g with { ClosedAt = at }).ToList();
        }

        public Task TouchAsync(IReadOnlyCollection<string> chargerIds, DateTimeOffset seenAt, CancellationToken cancellationToken)
        {
            var at = Dialect.Time(seenAt);
            return Sql.InsertRowsAsync<string, bool>(c, tx, Dialect, "INSERT INTO chargers (charger_id, first_seen, last_seen, online, applied_seq)",
                $"ON CONFLICT (charger_id) DO UPDATE SET {KeepLaterLastSeen}", chargerIds.Distinct(StringComparer.Ordinal).ToList(),
                id => [id, at, at, false, 0L], null, cancellationToken);
        }

        public Task AddDeadLettersAsync(IReadOnlyList<DeadLetter> deadLetters, CancellationToken cancellationToken) =>
            Sql.InsertRowsAsync<DeadLetter, bool>(c, tx, Dialect, "INSERT INTO dead_letters (topic, charger_id, reason, detail, payload, payload_bytes, received_at)",
                string.Empty, deadLetters,
                d => [Dialect.Text(d.Topic), d.ChargerId, d.Reason, Dialect.Text(d.Detail), Dialect.Text(d.Payload), d.PayloadBytes, Dialect.Time(d.ReceivedAt)],
                null, cancellationToken);
    }

    private ChargerView ReadCharger(DbDataReader r) => new()
    {
        ChargerId = r.GetString(0),
        State = r.IsDBNull(1) ? null : Enum.TryParse<DiagnosticState>(r.GetString(1), out var s) ? s : null,
        Online = r.GetBoolean(2),
        LastSeen = Dialect.ReadNullableTime(r, 3),
        AgentVersion = NullableString(r, 4),
        FirmwareVersion = NullableString(r, 5),
        Model = NullableString(r, 6),
        Serial = NullableString(r, 7),
        BootReason = NullableString(r, 8),
        LastBootAt = Dialect.ReadNullableTime(r, 9),
        AppliedSeq = r.GetInt64(10),
        LastEventAt = Dialect.ReadNullableTime(r, 11),
        MaxStoredSeq = r.IsDBNull(12) ? 0 : r.GetInt64(12),
        OpenGapCount = (int)r.GetInt64(13),
    };

    private StoredEvent ReadEvent(DbDataReader r) =>
        new(r.GetString(0), r.GetInt64(1), r.GetGuid(2), r.GetString(3), Dialect.ReadTime(r, 4), Dialect.ReadTime(r, 5), r.GetString(6));

    private SeqGap ReadGap(DbDataReader r) =>
        new(r.GetString(0), r.GetInt64(1), r.GetInt64(2), Dialect.ReadTime(r, 3), Dialect.ReadNullableTime(r, 4), r.GetBoolean(5));

    private static string? NullableString(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static string Id(Guid id) => id.ToString("D", CultureInfo.InvariantCulture);
}
