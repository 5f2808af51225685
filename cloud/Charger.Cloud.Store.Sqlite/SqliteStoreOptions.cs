using System.ComponentModel.DataAnnotations;

namespace Charger.Cloud.Store.Sqlite;

/// <summary>Settings of the SQLite store (section <c>Cloud:Sqlite</c>).</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Cloud:Sqlite";

    /// <summary>The database file. The host resolves a relative path against its data directory.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Path { get; set; } = "cloud.db";

    /// <summary>How long a connection waits for a lock held by another connection or process, in milliseconds.</summary>
    [Range(0, 600_000)]
    public int BusyTimeoutMs { get; set; } = 5000;
}
