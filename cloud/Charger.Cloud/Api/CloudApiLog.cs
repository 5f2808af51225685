using Microsoft.Extensions.Logging;

namespace Charger.Cloud.Api;

/// <summary>Log messages of the cloud's HTTP API: event ids 2400-2499.</summary>
internal static partial class CloudApiLog
{
    [LoggerMessage(EventId = 2400, Level = LogLevel.Error, Message = "Health check: the store cannot be read; /healthz answers 503 without the cause")]
    public static partial void StoreUnhealthy(ILogger logger, Exception exception);
}
