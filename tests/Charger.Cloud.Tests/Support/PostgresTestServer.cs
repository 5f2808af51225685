using Charger.Cloud.Store;
using Charger.Cloud.Store.Postgres;
using Charger.Testing;

namespace Charger.Cloud.Tests.Support;

/// <summary>A fresh schema on the test server with the PostgreSQL event and credential stores on it; dropped at the end.</summary>
public sealed class PostgresStoreFixture : IAsyncDisposable
{
    private PostgresStoreFixture(string schema, string connectionString, TimeProvider time)
    {
        Schema = schema;
        ConnectionString = connectionString;
        Database = new PostgresDatabase(connectionString);
        Events = new EventStore(Database);
        Credentials = new ChargerCredentialStore(Database, time);
    }

    public string Schema { get; }

    /// <summary>The connection string of this fixture's schema (search path set).</summary>
    public string ConnectionString { get; }

    public PostgresDatabase Database { get; }

    public EventStore Events { get; }

    public ChargerCredentialStore Credentials { get; }

    public static async Task<PostgresStoreFixture> CreateAsync(TimeProvider? time = null)
    {
        var (schema, connectionString) = await PostgresTestServer.CreateSchemaAsync();
        return new PostgresStoreFixture(schema, connectionString, time ?? TimeProvider.System);
    }

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        await PostgresTestServer.DropSchemaAsync(Schema);
    }
}
