using System.Text.Json.Serialization;
using Charger.Cloud.FieldService.Data;
using Charger.Cloud.FieldService.Facts;
using Charger.Cloud.FieldService.Sla;
using Charger.Cloud.FieldService.WorkOrders;
using Charger.Protocol;

namespace Charger.Cloud.FieldService.Api;

/// <summary>An alarm.</summary>
public sealed record AlarmDto(
    long Id, string ChargerId, string Code, string Severity, string Status, string? Component, string? Message, bool BlocksCharging,
    DateTimeOffset RaisedAt, DateTimeOffset LastRaisedAt, int RaiseCount, DateTimeOffset? ClearedAt,
    DateTimeOffset? AcknowledgedAt, string? AcknowledgedBy, string? AssignedTo, DateTimeOffset? AssignedAt, string? WorkOrder)
{
    public static AlarmDto From(Alarm a) => new(
        a.Id, a.ChargerId, a.Code, a.Severity.ToWire(), Wire.Name(a.Status), a.Component, a.Message, a.BlocksCharging, a.RaisedAt, a.LastRaisedAt, a.RaiseCount,
        a.ClearedAt, a.AcknowledgedAt, a.AcknowledgedBy, a.AssignedTo, a.AssignedAt, a.WorkOrderId is { } w ? WorkOrderReference.Format(w) : null);
}

/// <summary>One entry of an alarm's history.</summary>
public sealed record AlarmHistoryDto(DateTimeOffset At, string Action, string ActorId, string ActorName, string? Reason, long? Seq)
{
    public static AlarmHistoryDto From(AlarmHistoryEntry h) => new(h.At, Wire.Name(h.Action), h.ActorId, h.ActorName, h.Reason, h.Seq);
}

/// <summary>An alarm with its history.</summary>
public sealed record AlarmDetailDto(AlarmDto Alarm, IReadOnlyList<AlarmHistoryDto> History);

/// <summary>Acknowledge an alarm.</summary>
public sealed record AcknowledgeAlarmRequest(string? Reason);

/// <summary>Assign an alarm to a user.</summary>
public sealed record AssignAlarmRequest(string? UserId, string? Reason);

/// <summary>The SLA of a work order, computed at the time of the answer.</summary>
public sealed record SlaDto(
    long ResponseTargetMinutes, long ResolutionTargetMinutes, DateTimeOffset? ResponseDueAt, DateTimeOffset? ResolutionDueAt,
    bool ResponseBreached, bool ResolutionBreached, bool Paused, double ResolutionElapsedMinutes, bool WorkingHours)
{
    public static SlaDto From(WorkOrderRow w, SlaStatus s) => new(
        w.ResponseTargetMinutes, w.ResolutionTargetMinutes, s.ResponseDueAt, s.ResolutionDueAt, s.ResponseBreached, s.ResolutionBreached, s.Paused,
        Math.Round(s.ResolutionElapsed.TotalMinutes, 3), w.CalendarJson is not null);
}

/// <summary>A work order.</summary>
public sealed record WorkOrderDto(
    string Id, string Kind, string State, string Priority, string Channel, string? ChargerId, string? CustomerId, string Tier, string Description,
    string? FaultCode, long? AlarmId, string CreatedBy, DateTimeOffset CreatedAt, string? RemoteChecks, string? EngineerId, string? Team,
    DateTimeOffset? AgreedArrivalAt, string? EscalationReason, string? Decision, DateTimeOffset? RespondedAt, DateTimeOffset? ResolvedAt,
    string? Resolution, DateTimeOffset? ConfirmedAt, DateTimeOffset? ClosedAt, DateTimeOffset? CancelledAt, string? CancelReason,
    bool? FixedFirstTime, SlaDto Sla, IReadOnlyList<string> AllowedActions)
{
    public static WorkOrderDto From(WorkOrderRow w, DateTimeOffset now, TimeSpan reopenWindow) => new(
        w.Reference, FieldServiceFacts.Kind(w.Kind), Wire.Name(w.State), Wire.Name(w.Priority), Wire.Name(w.Channel), w.ChargerId, w.CustomerId, Wire.Name(w.Tier),
        w.Description, w.FaultCode, w.AlarmId, w.CreatedBy, w.CreatedAt, w.RemoteChecks, w.EngineerId, w.Team, w.AgreedArrivalAt, w.EscalationReason,
        w.Decision is { } d ? Wire.Name(d) : null, w.RespondedAt, w.ResolvedAt, w.Resolution, w.ConfirmedAt, w.ClosedAt, w.CancelledAt, w.CancelReason,
        w.ResolvedAt is null ? null : !w.NotFixedFirstTime, SlaDto.From(w, SlaPolicies.Evaluate(w, now)),
        new WorkOrder(w, reopenWindow).PermittedTriggers.Select(Wire.Name).ToList());
}

/// <summary>One entry of a work order's history.</summary>
public sealed record WorkOrderTransitionDto(DateTimeOffset At, string Action, string? FromState, string? ToState, string ActorId, string ActorName, string ActorRole, string? Reason)
{
    public static WorkOrderTransitionDto From(WorkOrderTransitionRow t) => new(
        t.At, t.Action, t.FromState is { } f ? Wire.Name(f) : null, t.ToState is { } s ? Wire.Name(s) : null, t.ActorId, t.ActorName, t.ActorRole, t.Reason);
}

/// <summary>A period the SLA clock stood still.</summary>
public sealed record WorkOrderPauseDto(string Waiting, DateTimeOffset From, DateTimeOffset? To);

/// <summary>A service record attached to a work order.</summary>
public sealed record AttachedRecordDto(string ChargerId, long Seq, DateTimeOffset Ts, string Kind, string EngineerId, string Match, bool CustomerConfirmed);

/// <summary>A work order with its history, pauses and service records.</summary>
public sealed record WorkOrderDetailDto(
    WorkOrderDto WorkOrder, IReadOnlyList<WorkOrderTransitionDto> History, IReadOnlyList<WorkOrderPauseDto> Pauses, IReadOnlyList<AttachedRecordDto> ServiceRecords);

/// <summary>Open a work order from a customer's call, e-mail or online message.</summary>
public sealed record CreateWorkOrderRequest(string? Kind, string? Channel, string? CustomerId, string? ChargerId, string? Description, string? Priority, string? FaultCode);

/// <summary>Arguments of a work-order action; which ones matter depends on the action.</summary>
public sealed record WorkOrderActionRequest(string? Reason, string? EngineerId, string? RemoteChecks, DateTimeOffset? ArrivalAt, bool? ToAssigned, string? Decision);

/// <summary>An SLA policy.</summary>
public sealed record SlaPolicyDto(string Tier, string Priority, long ResponseMinutes, long ResolutionMinutes, WorkingCalendar? Calendar, bool BuiltIn)
{
    public static SlaPolicyDto From(SlaPolicy p) => new(
        Wire.Name(p.Tier), Wire.Name(p.Priority), (long)p.Response.TotalMinutes, (long)p.Resolution.TotalMinutes, p.Calendar, p.BuiltIn);
}

/// <summary>Set the policy of a tier and priority.</summary>
public sealed record SlaPolicyRequest(long? ResponseMinutes, long? ResolutionMinutes, WorkingCalendar? Calendar);

/// <summary>The service view of a charger: blocked or not, its active alarms and unfinished work orders.</summary>
public sealed record ChargerServiceDto(string ChargerId, bool Blocked, DateTimeOffset? BlockedAt, string? BlockedBy, string? BlockReason, string? BlockWorkOrder,
    IReadOnlyList<AlarmDto> ActiveAlarms, IReadOnlyList<WorkOrderDto> OpenWorkOrders);

/// <summary>Lift a charger's block.</summary>
public sealed record UnblockRequest(string? Reason);

/// <summary>The area's JSON (source-generated); registered into the host's HTTP JSON options.</summary>
[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(AlarmDto))]
[JsonSerializable(typeof(AlarmDetailDto))]
[JsonSerializable(typeof(Charger.Cloud.Http.Page<AlarmDto>))]
[JsonSerializable(typeof(AcknowledgeAlarmRequest))]
[JsonSerializable(typeof(AssignAlarmRequest))]
[JsonSerializable(typeof(WorkOrderDto))]
[JsonSerializable(typeof(WorkOrderDetailDto))]
[JsonSerializable(typeof(Charger.Cloud.Http.Page<WorkOrderDto>))]
[JsonSerializable(typeof(List<WorkOrderDto>))]
[JsonSerializable(typeof(CreateWorkOrderRequest))]
[JsonSerializable(typeof(WorkOrderActionRequest))]
[JsonSerializable(typeof(SlaPolicyDto))]
[JsonSerializable(typeof(List<SlaPolicyDto>))]
[JsonSerializable(typeof(SlaPolicyRequest))]
[JsonSerializable(typeof(WorkingCalendar))]
[JsonSerializable(typeof(ChargerServiceDto))]
[JsonSerializable(typeof(UnblockRequest))]
public sealed partial class FieldServiceJsonContext : JsonSerializerContext;

/// <summary>Enum names on the wire: kebab-case (<c>en-route</c>, <c>waiting-for-parts</c>).</summary>
public static class Wire
{
    public static string Name<T>(T value)
        where T : struct, Enum
    {
        var name = value.ToString();
        var sb = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                sb.Append('-');
            }

            sb.Append(char.ToLowerInvariant(name[i]));
        }

        return sb.ToString();
    }

    public static bool TryParse<T>(string? text, out T value)
        where T : struct, Enum
    {
        foreach (var v in Enum.GetValues<T>())
        {
            if (string.Equals(Name(v), text, StringComparison.OrdinalIgnoreCase) || string.Equals(v.ToString(), text, StringComparison.OrdinalIgnoreCase))
            {
                value = v;
                return true;
            }
        }

        value = default;
        return false;
    }

    public static string All<T>()
        where T : struct, Enum => string.Join(", ", Enum.GetValues<T>().Select(Name));
}
