using Microsoft.Extensions.Logging;

namespace Charger.Cloud.FieldService;

/// <summary>The service area's log messages (event ids 1100-1299).</summary>
internal static partial class FieldServiceLog
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "Alarm {AlarmId} raised: {ChargerId} {Code} ({Severity})")]
    public static partial void AlarmRaised(ILogger logger, long alarmId, string chargerId, string code, Charger.Protocol.Severity severity);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Alarm {AlarmId} cleared: {ChargerId} {Code}")]
    public static partial void AlarmCleared(ILogger logger, long alarmId, string chargerId, string code);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Debug, Message = "Subscription {Name}: another receiver moved it from {Position} first; reading on from where it is")]
    public static partial void PositionRace(ILogger logger, string name, Charger.Cloud.Core.FeedPosition position);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Error, Message = "Projector pass failed; retrying at the next interval")]
    public static partial void ProjectorFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Warning, Message = "Event {ChargerId}#{Seq} ({Type}) could not be read and was skipped by the service projector: {Error}")]
    public static partial void UnreadableEvent(ILogger logger, string chargerId, long seq, string type, string error);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Information, Message = "Charger {ChargerId} offline since {LastSeen}: alarm {AlarmId}")]
    public static partial void Offline(ILogger logger, string chargerId, DateTimeOffset? lastSeen, long alarmId);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Error, Message = "The audit log refused an entry ({Action} {EntityId}) after the change was committed")]
    public static partial void AuditFailed(ILogger logger, Exception exception, string action, string entityId);

    [LoggerMessage(EventId = 1200, Level = LogLevel.Information, Message = "Work order {Reference} opened ({Kind}, {Priority}) by {Actor}")]
    public static partial void WorkOrderOpened(ILogger logger, string reference, WorkOrders.WorkOrderKind kind, WorkOrders.WorkOrderPriority priority, string actor);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Work order {Reference}: {Trigger} {From} -> {To} by {Actor}")]
    public static partial void WorkOrderTransition(ILogger logger, string reference, WorkOrders.WorkOrderTrigger trigger, WorkOrders.WorkOrderState from, WorkOrders.WorkOrderState to, string actor);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "Service record {ChargerId}#{Seq} ({Kind}) attached to {Reference} by {Match}")]
    public static partial void RecordAttached(ILogger logger, string chargerId, long seq, string kind, string reference, string match);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "Service record {ChargerId}#{Seq} ({Kind}) matches no work order")]
    public static partial void RecordUnmatched(ILogger logger, string chargerId, long seq, string kind);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Information, Message = "Work order {Reference}: record {ChargerId}#{Seq} could not move it: {Reason}")]
    public static partial void RecordTransitionRefused(ILogger logger, string reference, string chargerId, long seq, string reason);

    [LoggerMessage(EventId = 1205, Level = LogLevel.Warning, Message = "Work order {Reference}: SLA {Which} target breached")]
    public static partial void SlaBreached(ILogger logger, string reference, string which);

    [LoggerMessage(EventId = 1206, Level = LogLevel.Error, Message = "SLA check failed; retrying at the next interval")]
    public static partial void SlaCheckFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1207, Level = LogLevel.Information, Message = "Work order {Reference} not fixed first time: repeat repair {Repeat} for {Code} on {ChargerId}")]
    public static partial void NotFixedFirstTime(ILogger logger, string reference, string repeat, string code, string chargerId);

    [LoggerMessage(EventId = 1208, Level = LogLevel.Information, Message = "Upgrade: {Count} alarm(s) and service record(s) of release 5 completed from the stored events")]
    public static partial void EarlierRowsCompleted(ILogger logger, int count);
}
