using System.Data.Common;

namespace Charger.Cloud.Store;

/// <summary>
/// One cloud database as the store's classes see it: write transactions, reads, and the schema migrated on first use.
/// The adapters decide how connections are held (SQLite: one writer connection at a time; PostgreSQL: a pool, several
/// receivers sharing the database); the migration procedure and every statement are the same on both.
/// </summary>
public abstract class StoreDatabase
{
    /// <summary>What is said differently on this database.</summary>
    public abstract SqlDialect Dialect { get; }

    /// <summary>Where the data is, for messages (never a password).</summary>
    public abstract string Description { get; }

    /// <summary>Opens and migrates the database. Idempotent; called by every operation.</summary>
    public abstract Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>The schema version recorded in the database.</summary>
    public Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken) =>
        ReadAsync(async c => (int)await Sql.ScalarInt64Async(c, null, "SELECT COALESCE(MAX(version), 0) FROM schema_version", cancellationToken), cancellationToken);

    /// <summary>Runs <paramref name="work"/> in a write transaction and commits when it returns; when it throws, nothing of it is kept.</summary>
    public abstract Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken);

    /// <summary>Runs <paramref name="work"/> on a connection of its own, outside any explicit transaction.</summary>
    public abstract Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken);

    /// <summary>
    /// Applies the migrations the database lacks, in one transaction on <paramref name="connection"/> (under the
    /// dialect's migration lock), and says from which version to which. Refuses a database newer than this build.
    /// </summary>
    protected async Task<(int From, int To)> MigrateAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        if (Dialect.MigrationLockSql is { } lockSql)
        {
            await Sql.ExecuteAsync(connection, tx, lockSql, cancellationToken);
        }

        await Sql.ExecuteAsync(connection, tx, Dialect.CreateVersionTable, cancellationToken);
        var current = (int)await Sql.ScalarInt64Async(connection, tx, "SELECT COALESCE(MAX(version), 0) FROM schema_version", cancellationToken);
        if (current > Dialect.LatestVersion)
        {
            throw new InvalidOperationException(
                $"The {Description} has schema version {current}, newer than this build supports ({Dialect.LatestVersion}). Run a newer charger-cloud.");
        }

        for (var version = current + 1; version <= Dialect.LatestVersion; version++)
        {
            await Sql.ExecuteAsync(connection, tx, Dialect.Migrations[version - 1], cancellationToken);
            await Sql.ExecuteAsync(connection, tx, "INSERT INTO schema_version (version, applied_at) VALUES (@v, @at)", cancellationToken,
                ("@v", version), ("@at", Dialect.Time(DateTimeOffset.UtcNow)));
        }

        await tx.CommitAsync(cancellationToken);
        return (current, Dialect.LatestVersion);
    }
}
