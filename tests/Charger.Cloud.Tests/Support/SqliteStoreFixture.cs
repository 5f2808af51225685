using Charger.Cloud.Store;
using Charger.Cloud.Store.Sqlite;

namespace Charger.Cloud.Tests.Support;

/// <summary>A real SQLite database file in a temp directory, with its event and credential stores.</summary>
public sealed class SqliteStoreFixture : IDisposable
{
    private readonly TempDirectory _dir = new();

    public SqliteStoreFixture(TimeProvider? time = null)
    {
        Database = new SqliteDatabase(_dir.File("cloud.db"));
        Events = new EventStore(Database);
        Credentials = new ChargerCredentialStore(Database, time ?? TimeProvider.System);
    }

    public string DirectoryPath => _dir.Path;

    public SqliteDatabase Database { get; }

    public EventStore Events { get; }

    public ChargerCredentialStore Credentials { get; }

    public void Dispose()
    {
        Database.Dispose();
        _dir.Dispose();
    }
}
