using Charger.Cloud.Data;
using Npgsql;

namespace Charger.Testing;

/// <summary>
/// A fresh, empty database for one test of an after-sales area: a SQLite file in a temporary directory, or a new schema
/// on the PostgreSQL test server of <see cref="PostgresTestServer"/> (without it the PostgreSQL tests fail with a message,
/// never skip). Deleted on dispose. In Charger.Testing, which the test projects reference.
/// </summary>
public sealed class TestDomainDatabase : IAsyncDisposable
{
    private readonly string? _directory;
    private readonly string? _schema;

    private TestDomainDatabase(DomainDatabase database, string? directory, string? schema)
    {
        Database = database;
        _directory = directory;
        _schema = schema;
    }

    /// <summary>The database to build the area's factory on.</summary>
    public DomainDatabase Database { get; }

    public DomainDbProvider Provider => Database.Provider;

    /// <summary>The SQLite file, for tests that read it raw (null on PostgreSQL).</summary>
    public string? SqlitePath => _directory is null ? null : Path.Combine(_directory, "cloud.db");

    public static async Task<TestDomainDatabase> CreateAsync(DomainDbProvider provider)
    {
        if (provider == DomainDbProvider.Sqlite)
        {
            var directory = Path.Combine(Path.GetTempPath(), $"charger-domain-{Guid.NewGuid():N}");
            Directory.CreateDirectory(directory);
            return new TestDomainDatabase(DomainDatabase.Sqlite(Path.Combine(directory, "cloud.db"), 5000), directory, null);
        }

        var (schema, connectionString) = await PostgresTestServer.CreateSchemaAsync();
        return new TestDomainDatabase(DomainDatabase.Postgres(connectionString), null, schema);
    }

    public async ValueTask DisposeAsync()
    {
        if (_schema is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await PostgresTestServer.DropSchemaAsync(_schema);
        }

        if (_directory is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // A file still open by a pooled connection of another test; the temp directory is cleaned by the OS.
            }
        }
    }
}
