using Microsoft.Extensions.Logging;

namespace Charger.Cloud.Store.Sqlite;

/// <summary>Log messages of the SQLite store: event ids 2200-2299.</summary>
internal static partial class SqliteLog
{
    [LoggerMessage(EventId = 2200, Level = LogLevel.Information, Message = "Opened the cloud database {Path} (schema version {Version})")]
    public static partial void Opened(ILogger logger, string path, int version);

    [LoggerMessage(EventId = 2201, Level = LogLevel.Information, Message = "Migrated the cloud database {Path} to schema version {Version}")]
    public static partial void Migrated(ILogger logger, string path, int version);
}
