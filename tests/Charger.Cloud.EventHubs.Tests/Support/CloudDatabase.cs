using Charger.Cloud.Store;
using Charger.Cloud.Core;
using Charger.Cloud.Store.Postgres;
using Charger.Cloud.Store.Sqlite;
using Microsoft.Data.Sqlite;

namespace Charger.Cloud.EventHubs.Tests.Support;

/// <summary>
/// One real cloud database (a SQLite file, or a fresh schema on the PostgreSQL test server) and its stores. Several
/// "receivers" share it by asking <see cref="CheckpointStore"/> for stores of their own (own connections, own clock).
/// </summary>
public abstract class CloudDatabase : IAsyncDisposable
{
    /// <summary>An event store on this database.</summary>
    public abstract EventStore Events { get; }

    /// <summary>A checkpoint store on this database as a receiver with clock <paramref name="time"/> would have it.</summary>
    public abstract IEventHubsCheckpointStore CheckpointStore(TimeProvider? time = null);

    /// <summary>The settings that make a host's store this database.</summary>
    public abstract IDictionary<string, string?> HostSettings { get; }

    /// <summary>Runs one SQL statement on the database (to break or repair it under a running receiver).</summary>
    public abstract Task ExecuteAsync(string sql);

    /// <summary>Registers this database's store adapter in a host.</summary>
    public abstract void AddStore(Microsoft.Extensions.DependencyInjection.IServiceCollection services);

    public abstract ValueTask DisposeAsync();

    public static CloudDatabase Sqlite() => new SqliteCloudDatabase();

    public static async Task<CloudDatabase> PostgresAsync()
    {
        var (schema, connectionString) = await PostgresTestServer.CreateSchemaAsync();
        return new PostgresCloudDatabase(schema, connectionString);
    }

    private sealed class SqliteCloudDatabase : CloudDatabase
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("charger-eh-").FullName;
        private readonly List<SqliteDatabase> _opened = [];
        private readonly SqliteDatabase _database;

        public SqliteCloudDatabase()
        {
            _database = Open();
            Events = new EventStore(_database);
        }

        private string Path => System.IO.Path.Combine(_directory, "cloud.db");

        public override EventStore Events { get; }

        public override IDictionary<string, string?> HostSettings => new Dictionary<string, string?> { ["Cloud:Sqlite:Path"] = Path };

        public override void AddStore(Microsoft.Extensions.DependencyInjection.IServiceCollection services) => services.AddSqliteCloudStore();

        // A receiver process of its own has its own connection to the file.
        public override IEventHubsCheckpointStore CheckpointStore(TimeProvider? time = null) => new EventHubsCheckpointStore(Open(), time ?? TimeProvider.System);

        public override async Task ExecuteAsync(string sql)
        {
            await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false, DefaultTimeout = 10 }.ToString());
            await connection.OpenAsync();
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = sql;
            await cmd.ExecuteNonQueryAsync();
        }

        public override ValueTask DisposeAsync()
        {
            foreach (var database in _opened)
            {
                database.Dispose();
            }

            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
            }

            return ValueTask.CompletedTask;
        }

        private SqliteDatabase Open()
        {
            var database = new SqliteDatabase(Path);
            _opened.Add(database);
            return database;
        }
    }

    private sealed class PostgresCloudDatabase : CloudDatabase
    {
        private readonly string _schema;
        private readonly string _connectionString;
        private readonly List<PostgresDatabase> _opened = [];

        public PostgresCloudDatabase(string schema, string connectionString)
        {
            _schema = schema;
            _connectionString = connectionString;
            Events = new EventStore(Open());
        }

        public override EventStore Events { get; }

        public override IDictionary<string, string?> HostSettings => new Dictionary<string, string?>
        {
            ["Cloud:Postgres:ConnectionString"] = _connectionString,
        };

        public override void AddStore(Microsoft.Extensions.DependencyInjection.IServiceCollection services) => services.AddPostgresCloudStore();

        public override IEventHubsCheckpointStore CheckpointStore(TimeProvider? time = null) => new EventHubsCheckpointStore(Open(), time ?? TimeProvider.System);

        public override async Task ExecuteAsync(string sql)
        {
            await using var connection = new Npgsql.NpgsqlConnection(new Npgsql.NpgsqlConnectionStringBuilder(_connectionString) { Pooling = false }.ConnectionString);
            await connection.OpenAsync();
            await using var cmd = new Npgsql.NpgsqlCommand(sql, connection);
            await cmd.ExecuteNonQueryAsync();
        }

        public override async ValueTask DisposeAsync()
        {
            foreach (var database in _opened)
            {
                await database.DisposeAsync();
            }

            await PostgresTestServer.DropSchemaAsync(_schema);
        }

        private PostgresDatabase Open()
        {
            var database = new PostgresDatabase(_connectionString);
            _opened.Add(database);
            return database;
        }
    }
}

/// <summary>A clock standing still at <paramref name="now"/>.</summary>
public sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
