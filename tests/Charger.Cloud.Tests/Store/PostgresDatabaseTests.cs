using Charger.Cloud.Store;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Charger.Cloud.Core;
using Charger.Cloud.Store.Postgres;
using Charger.Cloud.Tests.Support;

namespace Charger.Cloud.Tests.Store;

/// <summary>What only the PostgreSQL adapter has: migrations under an advisory lock, its options.</summary>
public sealed class PostgresDatabaseTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private string _schema = null!;
    private string _connectionString = null!;

    public async Task InitializeAsync() => (_schema, _connectionString) = await PostgresTestServer.CreateSchemaAsync();

    public Task DisposeAsync() => PostgresTestServer.DropSchemaAsync(_schema);

    private Task<long> CountAsync(string sql) =>
        PostgresTestServer.ScalarAsync(sql, _connectionString).ContinueWith(t => Convert.ToInt64(t.Result, CultureInfo.InvariantCulture), TaskScheduler.Default);

    [Fact]
    public async Task Receivers_starting_together_migrate_the_schema_once()
    {
        var databases = Enumerable.Range(0, 6).Select(_ => new PostgresDatabase(_connectionString)).ToList();
        try
        {
            await Task.WhenAll(databases.Select(d => Task.Run(() => d.InitializeAsync(Ct))));

            Assert.Equal(PostgresSchema.LatestVersion, await CountAsync("SELECT COUNT(*) FROM schema_version"));
            Assert.Equal(PostgresSchema.LatestVersion, await CountAsync("SELECT COUNT(DISTINCT version) FROM schema_version"));
            foreach (var database in databases)
            {
                Assert.Equal(PostgresSchema.LatestVersion, await database.GetSchemaVersionAsync(Ct));
            }
        }
        finally
        {
            foreach (var database in databases)
            {
                await database.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_version_2_database_migrates_keeping_its_gaps_and_its_applied_events_in_the_feed()
    {
        var record = """{"kind":"repair","engineerId":"eng-1","workOrderRef":"WO-1","customerConfirmed":true}""";
        await PostgresTestServer.ExecuteAsync(PostgresSchema.CreateVersionTable + PostgresSchema.Migrations[0] + PostgresSchema.Migrations[1] + $"""
            INSERT INTO schema_version (version, applied_at) VALUES (1, now()), (2, now());
            INSERT INTO chargers (charger_id, first_seen, online, applied_seq) VALUES ('CP-1', now(), false, 2);
            INSERT INTO events (charger_id, seq, event_id, type, ts, received_at, data) VALUES
                ('CP-1', 2, '{Guid.NewGuid()}', 'service.record', now(), now(), '{record}'),
                ('CP-1', 5, '{Guid.NewGuid()}', 'service.record', now(), now(), '{record}');
            INSERT INTO seq_gaps (charger_id, from_seq, to_seq, detected_at) VALUES ('CP-1', 3, 4, now());
            """, _connectionString);

        await using var db = new PostgresDatabase(_connectionString);
        await db.InitializeAsync(Ct);
        var store = new EventStore(db);

        Assert.Equal(PostgresSchema.LatestVersion, await db.GetSchemaVersionAsync(Ct));
        var gap = Assert.Single(await store.ListGapsAsync("CP-1", openOnly: true, Ct));
        Assert.False(gap.Lost);

        // Migration 5: the applied event enters the feed before every later transaction (tx 0); the waiting one does not.
        var feed = await store.ReadAsync(FeedPosition.Start, 10, Ct);
        Assert.Equal([(new FeedPosition(0, 1), "CP-1", 2L)], feed.Select(f => (f.Position, f.Event.ChargerId, f.Event.Seq)));
        Assert.Equal(record, Assert.Single(feed).Event.DataJson);
        Assert.Equal(new FeedPosition(0, 1), await store.ReadHeadAsync(Ct));

        // Migrations 6 and 7: the fleet's faults and maintenance log are the service area's; the ingest tables of them are gone.
        Assert.Equal(0L, await CountAsync("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name IN ('active_faults', 'service_records')"));
    }

    [Fact]
    public async Task Database_with_a_newer_schema_is_refused_with_a_clear_message()
    {
        await using (var db = new PostgresDatabase(_connectionString))
        {
            await db.InitializeAsync(Ct);
        }

        await PostgresTestServer.ExecuteAsync("INSERT INTO schema_version (version, applied_at) VALUES (99, now())", _connectionString);

        await using var again = new PostgresDatabase(_connectionString);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => again.InitializeAsync(Ct));
        Assert.Contains("schema version 99", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Event_data_is_kept_byte_for_byte()
    {
        await using var db = new PostgresDatabase(_connectionString);
        var store = new EventStore(db);
        const string data = """{ "z":1,  "a" : [1.50, "é"] ,"dup":1,"dup":2 }""";
        var e = new StoredEvent("CP-1", 1, Guid.NewGuid(), "counters", Events.T0, Events.T0, data);

        await store.AppendAsync(e, Ct);

        Assert.Equal(data, Assert.Single(await store.QueryEventsAsync(new EventQuery("CP-1"), Ct)).DataJson);
    }

    [Fact]
    public async Task Description_names_database_host_and_schema_but_never_the_password()
    {
        await using var db = new PostgresDatabase("Host=db.example;Port=5433;Database=fleet;Username=u;Password=s3cret-pw;Search Path=charger");

        Assert.Equal("PostgreSQL database 'fleet' on db.example:5433 (schema charger)", db.Description);
    }

    [Theory]
    [InlineData("", "Cloud:Postgres:ConnectionString is required")]
    [InlineData("Host=db;Nonsense Key=1", "Cloud:Postgres:ConnectionString is not a valid")]
    [InlineData("Database=fleet;Username=u", "Cloud:Postgres:ConnectionString names no Host")]
    public void Bad_connection_string_is_refused_naming_the_key(string connectionString, string message)
    {
        var options = new PostgresStoreOptions { ConnectionString = connectionString };
        var results = new List<ValidationResult>();

        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
        Assert.Contains(results, r => r.ErrorMessage!.StartsWith(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Options_have_no_default_connection_string_or_password()
    {
        Assert.Equal(string.Empty, new PostgresStoreOptions().ConnectionString);
    }
}

/// <summary>Races that only a shared server shows.</summary>
public sealed class PostgresEventStoreRaceTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private PostgresStoreFixture _db = null!;

    public async Task InitializeAsync() => _db = await PostgresStoreFixture.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task A_range_is_not_declared_lost_while_an_event_of_it_is_being_stored()
    {
        var store = _db.Events;
        var boot = Events.Boot("CP-1", 1);
        await store.AppendAsync(boot.Stored(), Ct);
        await store.ApplyAsync([boot.Change()], Ct);

        // Another receiver is storing seq 3 (its transaction holds the charger's append lock, not yet committed).
        await using var other = new Npgsql.NpgsqlConnection(PostgresTestServer.Unpooled(_db.ConnectionString));
        await other.OpenAsync();
        await using var tx = await other.BeginTransactionAsync();
        await using (var append = new Npgsql.NpgsqlCommand(
            "SELECT pg_advisory_xact_lock_shared(@space, hashtext('CP-1'))", other, tx))
        {
            append.Parameters.AddWithValue("space", PostgresDialect.ChargerLockSpace);
            await append.ExecuteNonQueryAsync();
        }

        var skip = store.SkipLostAsync("CP-1", 2, 9, Events.T0.AddHours(1), Ct);
        await WaitForAdvisoryLockWaiterAsync();
        Assert.False(skip.IsCompleted);

        await using (var insert = new Npgsql.NpgsqlCommand(
            $"INSERT INTO events (charger_id, seq, event_id, type, ts, received_at, data) VALUES ('CP-1', 3, '{Guid.NewGuid()}', 'counters', now(), now(), '{{}}')", other, tx))
        {
            await insert.ExecuteNonQueryAsync();
        }

        await tx.CommitAsync();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => skip);
        Assert.Contains("some of them are stored", ex.Message, StringComparison.Ordinal);
        Assert.Equal(new SequenceState(1, 3), await store.GetSequenceStateAsync("CP-1", Ct));
    }

    private async Task WaitForAdvisoryLockWaiterAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (Convert.ToInt64(await PostgresTestServer.ScalarAsync(
                   "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted", _db.ConnectionString), CultureInfo.InvariantCulture) == 0)
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
