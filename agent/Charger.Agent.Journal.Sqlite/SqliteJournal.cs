using System.Globalization;
using System.Text.Json;
using Charger.Agent.Core.Journal;
using Charger.Protocol;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Charger.Agent.Journal.Sqlite;

/// <summary>
/// The durable journal: one SQLite file in WAL mode with synchronous=FULL, so an event is on disk before
/// <see cref="AppendAsync"/> returns. The stream's seq survives the loss of the file: a reserved high-water mark is kept
/// in a sidecar file, and a journal recreated after corruption continues above it (the cloud then sees, and reports,
/// the gap of what was lost).
/// </summary>
public sealed partial class SqliteJournal : IJournal
{
    private const int SeqReservationBlock = 10_000;
    private const int SqliteFull = 13;
    private const int SqliteCorrupt = 11;
    private const int SqliteNotADb = 26;

    private readonly Lock _gate = new();
    private readonly string _path;
    private readonly string _chargerId;
    private readonly JournalOptions _options;
    private readonly ILogger _logger;
    private readonly SqliteConnection _db;
    private long _lastSeq;
    private long _ackedUpTo;
    private long _reservedSeq;
    private int _telemetryCount;
    private long _telemetryDropped;
    private long _routineRefused;
    private bool _disposed;

    private SqliteJournal(string path, string chargerId, JournalOptions options, ILogger logger, SqliteConnection db, string? recoveredFrom)
    {
        _path = path;
        _chargerId = chargerId;
        _options = options;
        _logger = logger;
        _db = db;
        RecoveredFrom = recoveredFrom;
    }

    /// <summary>When the journal file was corrupt at open: where the damaged file was moved. Null otherwise.</summary>
    public string? RecoveredFrom { get; }

    /// <summary>Opens (or creates) the journal at <see cref="JournalOptions.Path"/>. A corrupt file is moved aside and a new one started.</summary>
    /// <param name="maxPageCount">Test hook: caps the database size in pages, to provoke a real SQLITE_FULL.</param>
    public static SqliteJournal Open(string chargerId, JournalOptions options, ILogger<SqliteJournal>? logger = null, long maxPageCount = 0)
    {
        ChargerId.Require(chargerId);
        ILogger log = logger ?? (ILogger)NullLogger.Instance;
        var path = Path.GetFullPath(options.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string? recoveredFrom = null;
        SqliteConnection db;
        try
        {
            db = OpenAndCheck(path);
        }
        catch (Exception ex) when (IsCorruption(ex))
        {
            SqliteConnection.ClearAllPools();
            recoveredFrom = path + ".corrupt-" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
            MoveAside(path, recoveredFrom);
            LogCorruptJournal(log, path, recoveredFrom, ex.Message);
            db = OpenAndCheck(path);
        }

        var journal = new SqliteJournal(path, chargerId, options, log, db, recoveredFrom);
        journal.Initialise(maxPageCount);
        return journal;
    }

    private static SqliteConnection OpenAndCheck(string path)
    {
        var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        try
        {
            db.Open();
            Exec(db, "PRAGMA journal_mode=WAL;");
            Exec(db, "PRAGMA synchronous=FULL;");
            Exec(db, "PRAGMA busy_timeout=5000;");
            using (var check = db.CreateCommand())
            {
                check.CommandText = "PRAGMA quick_check;";
                var result = check.ExecuteScalar() as string;
                if (!string.Equals(result, "ok", StringComparison.Ordinal))
                {
                    throw new SqliteException($"quick_check: {result}", SqliteCorrupt);
                }
            }

            Exec(db, """
                CREATE TABLE IF NOT EXISTS events(
                  seq INTEGER PRIMARY KEY,
                  id TEXT NOT NULL UNIQUE,
                  type TEXT NOT NULL,
                  ts TEXT NOT NULL,
                  body BLOB NOT NULL);
                CREATE INDEX IF NOT EXISTS events_type_seq ON events(type, seq);
                CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS telemetry(id INTEGER PRIMARY KEY AUTOINCREMENT, ts TEXT NOT NULL, body BLOB NOT NULL);
                """);
            return db;
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    private void Initialise(long maxPageCount)
    {
        if (maxPageCount > 0)
        {
            Exec(_db, $"PRAGMA max_page_count={maxPageCount};");
        }

        var storedCharger = GetMeta("charger_id");
        if (storedCharger is null)
        {
            SetMeta("charger_id", _chargerId);
        }
        else if (!string.Equals(storedCharger, _chargerId, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The journal at {_path} belongs to charger '{storedCharger}', not '{_chargerId}'.");
        }

        _lastSeq = long.Parse(GetMeta("last_seq") ?? "0", CultureInfo.InvariantCulture);
        _ackedUpTo = long.Parse(GetMeta("acked_up_to") ?? "0", CultureInfo.InvariantCulture);
        var reserved = ReadReservation();
        if (reserved > _lastSeq && RecoveredFrom is not null)
        {
            // The journal was lost: continue above everything that may have been used before.
            _lastSeq = reserved;
            _ackedUpTo = reserved;
            SetMeta("last_seq", _lastSeq.ToString(CultureInfo.InvariantCulture));
            SetMeta("acked_up_to", _ackedUpTo.ToString(CultureInfo.InvariantCulture));
        }

        _reservedSeq = Math.Max(reserved, _lastSeq);
        using var count = _db.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM telemetry;";
        _telemetryCount = Convert.ToInt32(count.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    public JournalStats Stats
    {
        get
        {
            lock (_gate)
            {
                DateTimeOffset? oldest = null;
                if (_lastSeq > _ackedUpTo)
                {
                    using var cmd = _db.CreateCommand();
                    cmd.CommandText = "SELECT ts FROM events WHERE seq > $a ORDER BY seq LIMIT 1;";
                    cmd.Parameters.AddWithValue("$a", _ackedUpTo);
                    if (cmd.ExecuteScalar() is string ts)
                    {
                        oldest = DateTimeOffset.Parse(ts, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
                    }
                }

                return new JournalStats(_lastSeq, _ackedUpTo, _lastSeq - _ackedUpTo, oldest, _telemetryCount, _telemetryDropped, _routineRefused);
            }
        }
    }

    public ValueTask<Envelope?> AppendAsync(string type, JsonElement data, DateTimeOffset timestamp, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!EventTypes.IsCritical(type) && _lastSeq - _ackedUpTo >= _options.MaxPendingEvents)
            {
                _routineRefused++;
                return ValueTask.FromResult<Envelope?>(null);
            }

            var seq = _lastSeq + 1;
            if (seq > _reservedSeq)
            {
                WriteReservation(seq + SeqReservationBlock);
            }

            var envelope = new Envelope
            {
                Id = Guid.NewGuid(),
                ChargerId = _chargerId,
                Seq = seq,
                Ts = timestamp.ToUniversalTime(),
                Type = type,
                Data = data,
            };
            var body = envelope.ToUtf8Json();
            Write(() =>
            {
                using var tx = _db.BeginTransaction();
                using (var cmd = _db.CreateCommand())
                {
                    cmd.Transaction = tx;
                    cmd.CommandText = "INSERT INTO events(seq, id, type, ts, body) VALUES($s, $i, $t, $ts, $b); INSERT INTO meta(key, value) VALUES('last_seq', $s) ON CONFLICT(key) DO UPDATE SET value = excluded.value;";
                    cmd.Parameters.AddWithValue("$s", seq);
                    cmd.Parameters.AddWithValue("$i", envelope.Id.ToString());
                    cmd.Parameters.AddWithValue("$t", type);
                    cmd.Parameters.AddWithValue("$ts", FormatTs(envelope.Ts));
                    cmd.Parameters.AddWithValue("$b", body);
                    cmd.ExecuteNonQuery();
                }

                tx.Commit();
            });
            _lastSeq = seq;
            return ValueTask.FromResult<Envelope?>(envelope);
        }
    }

    public ValueTask<IReadOnlyList<Envelope>> ReadPendingAsync(long afterSeq, int max, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "SELECT body FROM events WHERE seq > $a ORDER BY seq LIMIT $m;";
            cmd.Parameters.AddWithValue("$a", Math.Max(afterSeq, _ackedUpTo));
            cmd.Parameters.AddWithValue("$m", max);
            return ValueTask.FromResult(ReadEnvelopes(cmd));
        }
    }

    public ValueTask AcknowledgeAsync(long upTo, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var acked = Math.Min(upTo, _lastSeq);
            if (acked <= _ackedUpTo)
            {
                return ValueTask.CompletedTask;
            }

            Write(() =>
            {
                using var tx = _db.BeginTransaction();
                using var cmd = _db.CreateCommand();
                cmd.Transaction = tx;
                cmd.CommandText = "INSERT INTO meta(key, value) VALUES('acked_up_to', $a) ON CONFLICT(key) DO UPDATE SET value = excluded.value; DELETE FROM events WHERE seq <= $p;";
                cmd.Parameters.AddWithValue("$a", acked);
                cmd.Parameters.AddWithValue("$p", acked - _options.MaxHistoryEvents);
                cmd.ExecuteNonQuery();
                tx.Commit();
            });
            _ackedUpTo = acked;
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask AppendTelemetryAsync(ReadOnlyMemory<byte> payload, DateTimeOffset timestamp, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var dropped = Math.Max(0, _telemetryCount + 1 - _options.MaxTelemetry);
            Write(() =>
            {
                using var tx = _db.BeginTransaction();
                using var cmd = _db.CreateCommand();
                cmd.Transaction = tx;
                cmd.CommandText = "INSERT INTO telemetry(ts, body) VALUES($ts, $b); DELETE FROM telemetry WHERE id IN (SELECT id FROM telemetry ORDER BY id LIMIT $d);";
                cmd.Parameters.AddWithValue("$ts", FormatTs(timestamp));
                cmd.Parameters.AddWithValue("$b", payload.ToArray());
                cmd.Parameters.AddWithValue("$d", dropped);
                cmd.ExecuteNonQuery();
                tx.Commit();
            });
            _telemetryCount = _telemetryCount + 1 - dropped;
            _telemetryDropped += dropped;
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<byte[]>> TakeTelemetryAsync(int max, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var list = new List<byte[]>();
            long lastId = 0;
            using (var cmd = _db.CreateCommand())
            {
                cmd.CommandText = "SELECT id, body FROM telemetry ORDER BY id LIMIT $m;";
                cmd.Parameters.AddWithValue("$m", max);
                using var r = cmd.ExecuteReader();
                while (r.Read())
                {
                    lastId = r.GetInt64(0);
                    list.Add((byte[])r[1]);
                }
            }

            if (list.Count > 0)
            {
                Write(() =>
                {
                    using var del = _db.CreateCommand();
                    del.CommandText = "DELETE FROM telemetry WHERE id <= $id;";
                    del.Parameters.AddWithValue("$id", lastId);
                    del.ExecuteNonQuery();
                });
                _telemetryCount -= list.Count;
            }

            return ValueTask.FromResult<IReadOnlyList<byte[]>>(list);
        }
    }

    public ValueTask<IReadOnlyList<Envelope>> QueryAsync(JournalQuery query, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var cmd = _db.CreateCommand();
            cmd.CommandText = """
                SELECT body FROM (
                  SELECT seq, body FROM events
                  WHERE ($t IS NULL OR type = $t) AND ($s IS NULL OR ts >= $s) AND ($a IS NULL OR seq > $a)
                  ORDER BY seq DESC LIMIT $l)
                ORDER BY seq;
                """;
            cmd.Parameters.AddWithValue("$t", (object?)query.Type ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$s", query.Since is { } s ? FormatTs(s) : DBNull.Value);
            cmd.Parameters.AddWithValue("$a", (object?)query.AfterSeq ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$l", query.Limit);
            return ValueTask.FromResult(ReadEnvelopes(cmd));
        }
    }

    public ValueTask<string?> GetStateAsync(string key, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return ValueTask.FromResult(GetMeta("state:" + key));
        }
    }

    public ValueTask SetStateAsync(string key, string value, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Write(() => SetMeta("state:" + key, value));
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                _disposed = true;
                _db.Dispose();
            }
        }

        return ValueTask.CompletedTask;
    }

    private static IReadOnlyList<Envelope> ReadEnvelopes(SqliteCommand cmd)
    {
        var list = new List<Envelope>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            list.Add(Envelope.FromUtf8Json((byte[])r[0]));
        }

        return list;
    }

    private void Write(Action action)
    {
        try
        {
            action();
        }
        catch (SqliteException ex)
        {
            var full = ex.SqliteErrorCode == SqliteFull;
            LogWriteFailed(_logger, _path, ex.SqliteErrorCode, ex.Message);
            throw new JournalStorageException($"The journal at {_path} cannot be written: {ex.Message}", ex) { DiskFull = full };
        }
        catch (IOException ex)
        {
            LogWriteFailed(_logger, _path, 0, ex.Message);
            throw new JournalStorageException($"The journal at {_path} cannot be written: {ex.Message}", ex) { DiskFull = ex.HResult == 28 };
        }
    }

    private string? GetMeta(string key)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = "SELECT value FROM meta WHERE key = $k;";
        cmd.Parameters.AddWithValue("$k", key);
        return cmd.ExecuteScalar() as string;
    }

    private void SetMeta(string key, string value)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = "INSERT INTO meta(key, value) VALUES($k, $v) ON CONFLICT(key) DO UPDATE SET value = excluded.value;";
        cmd.Parameters.AddWithValue("$k", key);
        cmd.Parameters.AddWithValue("$v", value);
        cmd.ExecuteNonQuery();
    }

    private string ReservationPath => _path + ".seq";

    private long ReadReservation()
    {
        try
        {
            return File.Exists(ReservationPath) && long.TryParse(File.ReadAllText(ReservationPath).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private void WriteReservation(long value)
    {
        var tmp = ReservationPath + ".tmp";
        try
        {
            using (var f = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                f.Write(System.Text.Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture)));
                f.Flush(flushToDisk: true);
            }

            File.Move(tmp, ReservationPath, overwrite: true);
            _reservedSeq = value;
        }
        catch (IOException ex)
        {
            LogWriteFailed(_logger, ReservationPath, 0, ex.Message);
            throw new JournalStorageException($"The seq reservation at {ReservationPath} cannot be written: {ex.Message}", ex) { DiskFull = ex.HResult == 28 };
        }
    }

    private static bool IsCorruption(Exception ex) =>
        ex is SqliteException { SqliteErrorCode: SqliteCorrupt or SqliteNotADb };

    private static void MoveAside(string path, string target)
    {
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            if (File.Exists(path + suffix))
            {
                File.Move(path + suffix, target + suffix, overwrite: true);
            }
        }
    }

    private static string FormatTs(DateTimeOffset ts) =>
        ts.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static void Exec(SqliteConnection db, string sql)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Error, Message = "Journal {Path} is corrupt ({Error}); moved aside to {MovedTo} and started a new one")]
    private static partial void LogCorruptJournal(ILogger logger, string path, string movedTo, string error);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Error, Message = "Journal {Path} write failed (SQLite code {Code}): {Error}")]
    private static partial void LogWriteFailed(ILogger logger, string path, int code, string error);
}
