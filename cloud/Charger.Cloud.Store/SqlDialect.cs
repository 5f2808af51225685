using System.Data.Common;

namespace Charger.Cloud.Store;

/// <summary>
/// Everything the cloud store says differently on SQLite and on PostgreSQL, in one place: how a time, an id and a piece of
/// text are stored, the schema's migrations, and the three places where concurrency differs (a transaction's feed number,
/// which feed rows a reader may see, and per-charger locks). Every statement of the store is written once, in the SQL
/// both understand (<c>ON CONFLICT</c>, <c>RETURNING</c>, row values, <c>true</c>/<c>false</c>); the adapters
/// (<c>Charger.Cloud.Store.Sqlite</c>, <c>Charger.Cloud.Store.Postgres</c>) each supply one dialect.
/// </summary>
public abstract class SqlDialect
{
    /// <summary>The statement that creates the <c>schema_version</c> table when it is missing.</summary>
    public abstract string CreateVersionTable { get; }

    /// <summary>Migration n (1-based) is <c>Migrations[n - 1]</c>; released ones are never edited.</summary>
    public abstract IReadOnlyList<string> Migrations { get; }

    /// <summary>The schema version this build writes.</summary>
    public int LatestVersion => Migrations.Count;

    /// <summary>Run first in the migrating transaction so receivers starting together migrate one at a time; null when the database serialises writers itself.</summary>
    public abstract string? MigrationLockSql { get; }

    /// <summary>
    /// True when many rows are best written by one statement with a <c>VALUES</c> list of them all (a round trip saved per
    /// row); false when one prepared statement run once per row is cheaper (an in-process database whose driver binds
    /// parameters by name in linear time, so a statement of thousands of parameters costs quadratic time).
    /// </summary>
    public abstract bool ManyRowsPerStatement { get; }

    /// <summary>A time as a parameter value (UTC, millisecond precision on both).</summary>
    public abstract object Time(DateTimeOffset time);

    /// <summary>A time as both databases give it back: UTC, whole milliseconds.</summary>
    public static DateTimeOffset AsStored(DateTimeOffset time) => DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());

    /// <summary>A nullable time as a parameter value.</summary>
    public object? Time(DateTimeOffset? time) => time is { } t ? Time(t) : null;

    /// <summary>A time column.</summary>
    public abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    /// <summary>A nullable time column.</summary>
    public DateTimeOffset? ReadNullableTime(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : ReadTime(reader, ordinal);

    /// <summary>An event id as a parameter value.</summary>
    public abstract object Id(Guid id);

    /// <summary>Free text from outside (a refused payload, its topic) as the database can hold it.</summary>
    public virtual string Text(string text) => text;

    /// <summary>A scalar query giving the feed number of the current transaction (see <c>IEventFeed</c>); run after the transaction's charger locks.</summary>
    public abstract string FeedTransactionSql { get; }

    /// <summary>
    /// A condition (starting with <c>AND</c>, or empty) on the columns <c>apply_tx</c> of the feed that keeps a reader to
    /// the transactions that can no longer be followed by an earlier-numbered one.
    /// </summary>
    public abstract string FeedVisibleSql { get; }

    /// <summary>Takes exclusive per-charger locks for the rest of the transaction, in one global order, where several writers may share the database.</summary>
    public abstract Task LockChargersAsync(DbConnection connection, DbTransaction transaction, IReadOnlyCollection<string> chargerIds, CancellationToken cancellationToken);

    /// <summary>The exception to throw instead of <paramref name="exception"/> when it says a concurrent writer won a race (deadlock, serialisation failure); null otherwise.</summary>
    public virtual Exception? TranslateRace(Exception exception) => null;
}
