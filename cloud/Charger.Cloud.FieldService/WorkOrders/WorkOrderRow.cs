using Charger.Cloud.AfterSales;

namespace Charger.Cloud.FieldService.WorkOrders;

/// <summary>What a work order is for.</summary>
public enum WorkOrderKind
{
    Repair,
    Installation,
    Maintenance,
    Inspection,
    ComplaintFollowUp,
}

/// <summary>How urgent a work order is; with the customer's tier it selects the SLA policy.</summary>
public enum WorkOrderPriority
{
    Low,
    Normal,
    High,
    Urgent,
}

/// <summary>Where a work order came from.</summary>
public enum WorkOrderChannel
{
    /// <summary>Opened by the cloud from a blocking fault's alarm.</summary>
    Alarm,
    Phone,
    Email,
    Online,
}

/// <summary>The states of a work order (docs/work-order-states.md).</summary>
public enum WorkOrderState
{
    Open,
    Triaged,
    Assigned,
    EnRoute,
    OnSite,
    WaitingForParts,
    WaitingForCustomer,
    Escalated,
    Resolved,
    Confirmed,
    Closed,
    Cancelled,
}

/// <summary>What moves a work order from one state to another.</summary>
public enum WorkOrderTrigger
{
    Triage,
    Assign,
    SetOff,
    Arrive,
    Resolve,
    Confirm,
    Close,
    Reopen,
    ReopenToAssigned,
    Cancel,
    WaitForParts,
    WaitForCustomer,
    Resume,
    Escalate,
    DecideReplace,
    DecideTakeOutOfService,
    DecideContinue,
}

/// <summary>A supervisor's decision on an escalated work order.</summary>
public enum SupervisorDecision
{
    ReplaceCharger,
    TakeOutOfService,
    ContinueRepair,
}

/// <summary>The persisted form of a work order (table <c>work_orders</c>); behaviour lives in <see cref="WorkOrder"/>.</summary>
public sealed class WorkOrderRow
{
    public long Id { get; set; }
    public WorkOrderKind Kind { get; set; }
    public WorkOrderState State { get; set; }
    public WorkOrderPriority Priority { get; set; }
    public WorkOrderChannel Channel { get; set; }
    public string? ChargerId { get; set; }
    public string? CustomerId { get; set; }
    public CustomerTier Tier { get; set; }
    public string Description { get; set; } = string.Empty;
    public string? FaultCode { get; set; }
    public long? AlarmId { get; set; }

    /// <summary>Unique when set (e.g. <c>alarm:42</c>): what opened it automatically, so it is opened once.</summary>
    public string? SourceKey { get; set; }
    public string CreatedBy { get; set; } = string.Empty;
    public DateTimeOffset CreatedAt { get; set; }
    public string? RemoteChecks { get; set; }
    public string? EngineerId { get; set; }
    public string? Team { get; set; }
    public DateTimeOffset? AgreedArrivalAt { get; set; }

    /// <summary>Where Resume (after waiting) or a decision to continue (after escalation) returns to.</summary>
    public WorkOrderState? ReturnState { get; set; }
    public string? EscalationReason { get; set; }
    public SupervisorDecision? Decision { get; set; }

    /// <summary>First assignment: the response of the SLA.</summary>
    public DateTimeOffset? RespondedAt { get; set; }
    public DateTimeOffset? EnRouteAt { get; set; }
    public DateTimeOffset? OnSiteAt { get; set; }

    /// <summary>First resolution (KPIs, SLA); kept when reopened.</summary>
    public DateTimeOffset? ResolvedAt { get; set; }

    /// <summary>Latest resolution (the reopen window counts from it).</summary>
    public DateTimeOffset? LastResolvedAt { get; set; }
    public string? Resolution { get; set; }
    public DateTimeOffset? ConfirmedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public DateTimeOffset? CancelledAt { get; set; }
    public string? CancelReason { get; set; }

    /// <summary>SLA targets and calendar, fixed when the order is opened (a later policy change does not move its goalposts).</summary>
    public long ResponseTargetMinutes { get; set; }
    public long ResolutionTargetMinutes { get; set; }
    public string? CalendarJson { get; set; }
    public DateTimeOffset? ResponseBreachedAt { get; set; }
    public DateTimeOffset? ResolutionBreachedAt { get; set; }

    /// <summary>Set when a repeat repair for the same fault on the same charger followed within the window.</summary>
    public bool NotFixedFirstTime { get; set; }
    public long? RepeatWorkOrderId { get; set; }

    public int Version { get; set; }

    public List<WorkOrderTransitionRow> Transitions { get; set; } = [];
    public List<WorkOrderPauseRow> Pauses { get; set; } = [];

    /// <summary>The reference engineers write on their records: <c>WO-{id}</c>.</summary>
    public string Reference => WorkOrderReference.Format(Id);
}

/// <summary>One entry of a work order's history: a transition (from/to state), or an event such as an SLA breach.</summary>
public sealed class WorkOrderTransitionRow
{
    public long Id { get; set; }
    public long WorkOrderId { get; set; }
    public DateTimeOffset At { get; set; }

    /// <summary>The trigger's name, or <c>created</c>, <c>sla-response-breached</c>, <c>sla-resolution-breached</c>, <c>service-record</c>, <c>not-fixed-first-time</c>.</summary>
    public string Action { get; set; } = string.Empty;
    public WorkOrderState? FromState { get; set; }
    public WorkOrderState? ToState { get; set; }
    public string ActorId { get; set; } = string.Empty;
    public string ActorName { get; set; } = string.Empty;
    public string ActorRole { get; set; } = string.Empty;
    public string? Reason { get; set; }
}

/// <summary>A period the SLA clock stood still (waiting for parts or for the customer).</summary>
public sealed class WorkOrderPauseRow
{
    public long Id { get; set; }
    public long WorkOrderId { get; set; }
    public WorkOrderState Waiting { get; set; }
    public DateTimeOffset From { get; set; }
    public DateTimeOffset? To { get; set; }
}

/// <summary>The <c>WO-{id}</c> references of work orders.</summary>
public static class WorkOrderReference
{
    public static string Format(long id) => "WO-" + id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Reads <c>WO-12</c>, <c>wo-12</c> or <c>12</c>.</summary>
    public static bool TryParse(string? text, out long id)
    {
        id = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim();
        if (s.StartsWith("WO-", StringComparison.OrdinalIgnoreCase))
        {
            s = s[3..];
        }

        return long.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out id) && id > 0;
    }
}
