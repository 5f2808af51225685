using System.Data.Common;
using Charger.Cloud.Core;
using Npgsql;

namespace Charger.Cloud.Store.Postgres;

/// <summary>
/// How PostgreSQL says what the store needs: times as <c>timestamptz</c> (UTC, whole milliseconds, as on SQLite), ids as
/// <c>uuid</c>, no U+0000 in text. Several receivers may share the database, so migrations run under an advisory lock,
/// each batch takes an exclusive advisory lock per charger, a transaction's feed number is its own id, and feed readers
/// stop below the oldest transaction still running.
/// </summary>
public sealed class PostgresDialect : SqlDialect
{
    /// <summary>First key of the per-charger advisory locks (the second is <c>hashtext(charger_id)</c>).</summary>
    internal const int ChargerLockSpace = 0x43484731; // "CHG1"

    /// <summary>The one instance.</summary>
    public static PostgresDialect Instance { get; } = new();

    private PostgresDialect()
    {
    }

    /// <inheritdoc />
    public override string CreateVersionTable => PostgresSchema.CreateVersionTable;

    /// <inheritdoc />
    public override IReadOnlyList<string> Migrations => PostgresSchema.Migrations;

    /// <summary>A transaction-scoped advisory lock: receivers starting together queue on it, and each then sees the version the first one left.</summary>
    public override string? MigrationLockSql => $"SELECT pg_advisory_xact_lock({PostgresSchema.MigrationLockKey})";

    /// <summary>One statement for many rows saves a round trip per row.</summary>
    public override bool ManyRowsPerStatement => true;

    /// <inheritdoc />
    public override object Time(DateTimeOffset time) => AsStored(time);

    /// <inheritdoc />
    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    /// <inheritdoc />
    public override object Id(Guid id) => id;

    /// <summary>PostgreSQL text cannot hold U+0000, which a refused binary payload may contain; SQLite keeps it.</summary>
    public override string Text(string text) =>
        text.Contains('\0', StringComparison.Ordinal) ? text.Replace("\0", "\uFFFD", StringComparison.Ordinal) : text;

    /// <summary>The transaction's own id (assigned now if it has none yet; the charger locks are already held).</summary>
    public override string FeedTransactionSql => "SELECT pg_current_xact_id()::text::bigint";

    /// <summary>
    /// Transactions commit in any order, so only those below the oldest one still running are read: every transaction
    /// that could still add events has a higher id than anything returned, and one charger's applying transactions follow
    /// each other (its advisory lock is taken before the transaction gets its id).
    /// </summary>
    public override string FeedVisibleSql => "AND apply_tx < pg_snapshot_xmin(pg_current_snapshot())::text::bigint";

    /// <summary>
    /// Exclusive per charger, in the order of the lock keys (volatile functions run after ORDER BY): a second receiver's
    /// batch on one of these chargers waits here for this one's commit, never in the middle.
    /// </summary>
    public override async Task LockChargersAsync(DbConnection connection, DbTransaction transaction, IReadOnlyCollection<string> chargerIds, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT pg_advisory_xact_lock(@space, k.key)
              FROM (SELECT DISTINCT hashtext(id) AS key FROM unnest(@ids::text[]) AS id) AS k
             ORDER BY k.key
            """, (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        command.Parameters.AddWithValue("@space", ChargerLockSpace);
        command.Parameters.AddWithValue("@ids", chargerIds.ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public override Exception? TranslateRace(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure } ex
            ? new ConcurrentApplyException($"PostgreSQL aborted the batch in a race with another receiver ({ex.SqlState}: {ex.MessageText}).")
            : null;
}
