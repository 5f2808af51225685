using Microsoft.Extensions.Logging;

namespace Charger.Agent.EngineerConsole;

/// <summary>Log messages of the console server (event ids 1600-1699).</summary>
internal static partial class ConsoleLog
{
    [LoggerMessage(EventId = 1601, Level = LogLevel.Information, Message = "Console listening on {SocketPath} (mode {Mode}, engineers from {EngineersFile})")]
    public static partial void Listening(ILogger logger, string socketPath, string mode, string engineersFile);

    [LoggerMessage(EventId = 1602, Level = LogLevel.Warning, Message = "Console connection refused for {Origin} (gid {Gid}): not the agent's user or group")]
    public static partial void AccessRefused(ILogger logger, string origin, uint gid);

    [LoggerMessage(EventId = 1603, Level = LogLevel.Information, Message = "Console login accepted: {Engineer} from {Origin}")]
    public static partial void LoginAccepted(ILogger logger, string engineer, string origin);

    [LoggerMessage(EventId = 1604, Level = LogLevel.Warning, Message = "Console login failed: {Engineer} from {Origin}: {Why}")]
    public static partial void LoginFailed(ILogger logger, string engineer, string origin, string why);

    [LoggerMessage(EventId = 1605, Level = LogLevel.Information, Message = "Console: {Engineer} from {Origin}: {Action}")]
    public static partial void Action(ILogger logger, string engineer, string origin, string action);

    [LoggerMessage(EventId = 1611, Level = LogLevel.Information, Message = "Console: {Engineer} from {Origin} reset {Code}: {Reason}")]
    public static partial void FaultReset(ILogger logger, string engineer, string origin, string code, string reason);

    [LoggerMessage(EventId = 1612, Level = LogLevel.Information, Message = "Console: {Engineer} from {Origin} recorded a {Kind} record (work order {WorkOrder})")]
    public static partial void Recorded(ILogger logger, string engineer, string origin, string kind, string? workOrder);

    [LoggerMessage(EventId = 1613, Level = LogLevel.Information, Message = "Console: {Engineer} from {Origin} exported a diagnostics bundle of {Bytes} bytes ({Events} events)")]
    public static partial void Exported(ILogger logger, string engineer, string origin, int bytes, int events);

    [LoggerMessage(EventId = 1606, Level = LogLevel.Warning, Message = "Console: {Command} from {Origin} refused: {Why}")]
    public static partial void SessionRefused(ILogger logger, string command, string origin, string why);

    [LoggerMessage(EventId = 1607, Level = LogLevel.Error, Message = "Console command {Command} failed")]
    public static partial void CommandFailed(ILogger logger, Exception exception, string command);

    [LoggerMessage(EventId = 1608, Level = LogLevel.Information, Message = "Console: simulation {Action} {Target} {Value} from {Origin}")]
    public static partial void Simulation(ILogger logger, string action, string? target, double? value, string origin);

    [LoggerMessage(EventId = 1609, Level = LogLevel.Warning, Message = "Console connection from {Origin} dropped: {Why}")]
    public static partial void ConnectionDropped(ILogger logger, string origin, string why);

    [LoggerMessage(EventId = 1614, Level = LogLevel.Information, Message = "Console connection from {Origin} closed: no request for {IdleTimeout}")]
    public static partial void IdleConnectionClosed(ILogger logger, string origin, TimeSpan idleTimeout);

    [LoggerMessage(EventId = 1610, Level = LogLevel.Warning, Message = "Console: removed a stale socket file at {SocketPath}")]
    public static partial void StaleSocketRemoved(ILogger logger, string socketPath);
}
