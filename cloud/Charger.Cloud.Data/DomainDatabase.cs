using Microsoft.Data.Sqlite;
using Npgsql;

namespace Charger.Cloud.Data;

/// <summary>Which database engine holds the after-sales domain.</summary>
public enum DomainDbProvider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// The database the after-sales domain lives in: the same one as the event store (the SQLite file under the data
/// directory, or the PostgreSQL database of <c>Cloud:Postgres:ConnectionString</c>), chosen by <c>Cloud:Store</c>.
/// The host registers one as a singleton; each area of the domain (access, service, customer care) has its own
/// <see cref="DomainDbContext"/> and migrations on it.
/// </summary>
/// <param name="Provider">The engine.</param>
/// <param name="ConnectionString">A Microsoft.Data.Sqlite or Npgsql connection string.</param>
public sealed record DomainDatabase(DomainDbProvider Provider, string ConnectionString)
{
    /// <summary>The SQLite file at <paramref name="path"/>; a busy database is waited on for <paramref name="busyTimeoutMs"/>.</summary>
    public static DomainDatabase Sqlite(string path, int busyTimeoutMs)
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(busyTimeoutMs / 1000.0)),
        };
        return new DomainDatabase(DomainDbProvider.Sqlite, builder.ToString());
    }

    /// <summary>The PostgreSQL database of an Npgsql connection string.</summary>
    public static DomainDatabase Postgres(string connectionString) =>
        new(DomainDbProvider.Postgres, new NpgsqlConnectionStringBuilder(connectionString).ConnectionString);

    /// <summary>Redacts the password, for logs.</summary>
    public override string ToString() => Provider switch
    {
        DomainDbProvider.Postgres => $"postgres {new NpgsqlConnectionStringBuilder(ConnectionString) { Password = null }.ConnectionString}",
        _ => $"sqlite {new SqliteConnectionStringBuilder(ConnectionString).DataSource}",
    };
}
