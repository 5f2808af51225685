using Microsoft.Extensions.Logging;

namespace Charger.Agent.Board;

/// <summary>Log messages of the board adapter (event ids 1100-1199).</summary>
internal static partial class BoardLog
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Warning, Message = "Board chip {Chip} at 0x{Address:X2} failed: {Error}")]
    public static partial void ChipFailed(ILogger logger, string chip, int address, string error, Exception exception);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Board chip {Chip} at 0x{Address:X2} recovered")]
    public static partial void ChipRecovered(ILogger logger, string chip, int address);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Debug, Message = "Board chip {Chip} still failing: {Error}")]
    public static partial void ChipStillFailing(ILogger logger, string chip, string error);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Board GPIO failed: {Error}")]
    public static partial void GpioFailed(ILogger logger, string error, Exception exception);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Information, Message = "Board GPIO recovered")]
    public static partial void GpioRecovered(ILogger logger);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Error, Message = "Contactor output could not be set to {Closed}")]
    public static partial void ContactorWriteFailed(ILogger logger, bool closed, Exception exception);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Information, Message = "Board {Model} serial {Serial} opened on I2C bus {BusId}")]
    public static partial void Opened(ILogger logger, string model, string serial, int busId);
}
