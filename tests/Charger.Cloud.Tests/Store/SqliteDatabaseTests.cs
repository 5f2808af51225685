using Charger.Cloud.Store;
using Charger.Cloud.Core;
using Charger.Cloud.Store.Sqlite;
using Charger.Cloud.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Charger.Cloud.Tests.Store;

public sealed class SqliteDatabaseTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Database_is_created_in_WAL_mode_with_synchronous_full_and_a_busy_timeout()
    {
        using var db = new SqliteDatabase(_dir.File("sub/dir/cloud.db"), busyTimeoutMs: 1234);

        var (mode, synchronous, busy) = await db.WriteAsync(async (c, tx) =>
            (await Pragma(c, tx, "journal_mode"), await Pragma(c, tx, "synchronous"), await Pragma(c, tx, "busy_timeout")), Ct);

        Assert.True(File.Exists(_dir.File("sub/dir/cloud.db")));
        Assert.Equal("wal", mode);
        Assert.Equal("2", synchronous); // FULL
        Assert.Equal("1234", busy);
    }

    [Fact]
    public async Task Schema_version_is_recorded_and_reopening_migrates_nothing()
    {
        var path = _dir.File("cloud.db");
        using (var db = new SqliteDatabase(path))
        {
            await db.InitializeAsync(Ct);
            Assert.Equal(SqliteSchema.LatestVersion, await db.GetSchemaVersionAsync(Ct));
        }

        using var again = new SqliteDatabase(path);
        Assert.Equal(SqliteSchema.LatestVersion, await again.GetSchemaVersionAsync(Ct));
        var rows = await again.WriteAsync(async (c, tx) => await Pragma(c, tx, "user_version") + "/" + await Scalar(c, tx, "SELECT COUNT(*) FROM schema_version"), Ct);
        Assert.Equal($"0/{SqliteSchema.LatestVersion}", rows);
    }

    [Fact]
    public async Task A_version_1_database_migrates_keeping_its_gaps_and_its_applied_events_in_the_feed()
    {
        var path = _dir.File("v1.db");
        var record = """{"kind":"repair","engineerId":"eng-1","workOrderRef":"WO-1","customerConfirmed":true}""";
        await using (var c = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await c.OpenAsync();
            await using var cmd = c.CreateCommand();
            cmd.CommandText = SqliteSchema.CreateVersionTable + SqliteSchema.Migrations[0] + $"""
                INSERT INTO schema_version (version, applied_at) VALUES (1, 0);
                INSERT INTO chargers (charger_id, first_seen, online, applied_seq) VALUES ('CP-1', 0, 0, 2);
                INSERT INTO events (charger_id, seq, event_id, type, ts, received_at, data) VALUES
                    ('CP-1', 2, '{Guid.NewGuid()}', 'service.record', 1000, 1000, '{record}'),
                    ('CP-1', 5, '{Guid.NewGuid()}', 'service.record', 2000, 2000, '{record}');
                INSERT INTO seq_gaps (charger_id, from_seq, to_seq, detected_at) VALUES ('CP-1', 3, 4, 0);
                INSERT INTO active_faults (charger_id, code, component, severity, raised_at, raised_event_id, raised_seq, blocks_charging, latching)
                    VALUES ('CP-1', 'HighTemperature', 'connector', 'major', 0, '{Guid.NewGuid()}', 1, 0, 0);
                """;
            await cmd.ExecuteNonQueryAsync();
        }

        using var db = new SqliteDatabase(path);
        await db.InitializeAsync(Ct);
        var store = new EventStore(db);

        Assert.Equal(SqliteSchema.LatestVersion, await db.GetSchemaVersionAsync(Ct));
        var gap = Assert.Single(await store.ListGapsAsync("CP-1", openOnly: true, Ct));
        Assert.False(gap.Lost);

        // Migration 5: the applied event enters the feed before every later transaction (tx 0); the waiting one does not.
        var feed = await store.ReadAsync(FeedPosition.Start, 10, Ct);
        Assert.Equal([(new FeedPosition(0, 1), "CP-1", 2L)], feed.Select(f => (f.Position, f.Event.ChargerId, f.Event.Seq)));
        Assert.Equal(new FeedPosition(0, 1), await store.ReadHeadAsync(Ct));

        // Migrations 6 and 7: the fleet's faults and maintenance log are the service area's; the ingest tables of them are gone.
        Assert.Equal("0", await db.WriteAsync((c, tx) => Scalar(c, tx, "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('active_faults', 'service_records')"), Ct));
    }

    [Fact]
    public async Task Database_with_a_newer_schema_is_refused_with_a_clear_message()
    {
        var path = _dir.File("cloud.db");
        using (var db = new SqliteDatabase(path))
        {
            await db.WriteAsync((c, tx) => Scalar(c, tx, "INSERT INTO schema_version (version, applied_at) VALUES (99, 0)"), Ct);
        }

        using var newer = new SqliteDatabase(path);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => newer.InitializeAsync(Ct));
        Assert.Contains("schema version 99", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stored_events_survive_closing_and_reopening_the_file()
    {
        var path = _dir.File("cloud.db");
        var e = Events.Boot("CP-1", 1);
        using (var db = new SqliteDatabase(path))
        {
            await new EventStore(db).AppendAsync(e.Stored(), Ct);
        }

        using var reopened = new SqliteDatabase(path);
        var read = await new EventStore(reopened).QueryEventsAsync(new EventQuery("CP-1"), Ct);
        Assert.Equal(e.Id, Assert.Single(read).Id);
    }

    [Fact]
    public async Task Reads_run_while_a_write_transaction_is_open()
    {
        using var db = new SqliteDatabase(_dir.File("cloud.db"));
        var store = new EventStore(db);
        await store.AppendAsync(Events.Boot("CP-1", 1).Stored(), Ct);
        var inWrite = new TaskCompletionSource();
        var release = new TaskCompletionSource();

        var writer = db.WriteAsync(async (c, tx) =>
        {
            await Scalar(c, tx, "UPDATE events SET type = type");
            inWrite.SetResult();
            await release.Task;
            return 0;
        }, Ct);
        await inWrite.Task;

        var read = await store.QueryEventsAsync(new EventQuery("CP-1"), Ct);
        release.SetResult();
        await writer;
        Assert.Single(read);
    }

    private static Task<string> Pragma(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction? tx, string name) => Scalar(c, tx, $"PRAGMA {name}");

    private static async Task<string> Scalar(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction? tx, string sql)
    {
        await using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return Convert.ToString(await cmd.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
    }
}
