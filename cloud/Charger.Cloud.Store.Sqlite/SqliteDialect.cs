using System.Data.Common;

namespace Charger.Cloud.Store.Sqlite;

/// <summary>
/// How SQLite says what the store needs: times as Unix milliseconds, ids as text, booleans 0/1. One writer at a time
/// (the process's single writer connection and, between processes, the file's write lock), so no migration or charger
/// locks, and a transaction's feed number is the next after the highest.
/// </summary>
public sealed class SqliteDialect : SqlDialect
{
    /// <summary>The one instance.</summary>
    public static SqliteDialect Instance { get; } = new();

    private SqliteDialect()
    {
    }

    /// <inheritdoc />
    public override string CreateVersionTable => SqliteSchema.CreateVersionTable;

    /// <inheritdoc />
    public override IReadOnlyList<string> Migrations => SqliteSchema.Migrations;

    /// <inheritdoc />
    public override string? MigrationLockSql => null;

    /// <summary>Microsoft.Data.Sqlite binds each parameter by name in linear time: one prepared statement per row, in process, is cheaper than a statement of thousands of parameters.</summary>
    public override bool ManyRowsPerStatement => false;

    /// <inheritdoc />
    public override object Time(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    /// <inheritdoc />
    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    /// <inheritdoc />
    public override object Id(Guid id) => id.ToString("D");

    /// <inheritdoc />
    public override string FeedTransactionSql => "SELECT COALESCE(MAX(apply_tx), 0) + 1 FROM events WHERE apply_tx IS NOT NULL";

    /// <summary>SQLite commits one writer at a time, in the order of <c>apply_tx</c>: whatever a reader sees is a prefix of the feed.</summary>
    public override string FeedVisibleSql => string.Empty;

    /// <inheritdoc />
    public override Task LockChargersAsync(DbConnection connection, DbTransaction transaction, IReadOnlyCollection<string> chargerIds, CancellationToken cancellationToken) =>
        Task.CompletedTask;
}
