using Microsoft.Extensions.Logging;

namespace Charger.Cloud.Store.Postgres;

/// <summary>Log messages of the PostgreSQL store: event ids 2300-2399.</summary>
internal static partial class PostgresLog
{
    [LoggerMessage(EventId = 2300, Level = LogLevel.Information, Message = "Opened the cloud database {Database} on {Host} (schema version {Version})")]
    public static partial void Opened(ILogger logger, string? database, string? host, int version);

    [LoggerMessage(EventId = 2301, Level = LogLevel.Information, Message = "Migrated the cloud database {Database} on {Host} from schema version {From} to {Version}")]
    public static partial void Migrated(ILogger logger, string? database, string? host, int from, int version);
}
