using Charger.Cloud.AfterSales;
using Charger.Protocol;
using Charger.Cloud.FieldService.Projection;

namespace Charger.Cloud.FieldService.Data;

/// <summary>Where an alarm stands as the device reports it.</summary>
public enum AlarmStatus
{
    Active,
    Cleared,
}

/// <summary>What happened to an alarm (one row of <c>alarm_history</c>).</summary>
public enum AlarmAction
{
    Raised,
    ReRaised,
    Cleared,
    Acknowledged,
    Assigned,
    WorkOrderLinked,
}

/// <summary>
/// An alarm: a fault (or the charger's silence) as the service organisation manages it, and the one model of a
/// charger's faults: the fleet's view of active faults (<see cref="Alarms.FleetFaults"/>) reads these rows. At most one active alarm per
/// (charger, code): <see cref="ActiveKey"/> is unique and set only while active.
/// </summary>
public sealed class Alarm
{
    /// <summary>The code of the alarm raised for a charger that has not been heard from (<c>Service:OfflineAfter</c>).</summary>
    public const string OfflineCode = "Offline";

    public long Id { get; set; }
    public string ChargerId { get; set; } = string.Empty;
    public string Code { get; set; } = string.Empty;
    public Severity Severity { get; set; }
    public string? Component { get; set; }
    public string? Message { get; set; }
    public bool BlocksCharging { get; set; }

    /// <summary>The measured value of the last raise (e.g. 85.2), when the charger sent one.</summary>
    public double? Value { get; set; }
    public string? Unit { get; set; }

    /// <summary>The id of the root event when the last raise followed from another.</summary>
    public Guid? Cause { get; set; }

    /// <summary>The fault stays until an engineer resets it on site.</summary>
    public bool Latching { get; set; }
    public AlarmStatus Status { get; set; }

    /// <summary><c>charger\ncode</c> while active, null once cleared: the unique index keeps one active alarm per (charger, code).</summary>
    public string? ActiveKey { get; set; }

    /// <summary>The charger's time of the first raise (for offline alarms: the last time it was heard from).</summary>
    public DateTimeOffset RaisedAt { get; set; }
    public long? RaisedSeq { get; set; }
    public DateTimeOffset LastRaisedAt { get; set; }

    /// <summary>The seq and event id of the last <c>fault.raised</c> (null for offline alarms, and for alarms raised before
    /// release 6 until <see cref="FieldServiceProjector.CompleteEarlierRowsAsync"/> fills them).</summary>
    public long? LastRaisedSeq { get; set; }
    public Guid? LastRaisedEventId { get; set; }
    public int RaiseCount { get; set; }
    public DateTimeOffset? ClearedAt { get; set; }
    public long? ClearedSeq { get; set; }
    public DateTimeOffset? AcknowledgedAt { get; set; }
    public string? AcknowledgedBy { get; set; }
    public string? AssignedTo { get; set; }
    public DateTimeOffset? AssignedAt { get; set; }
    public long? WorkOrderId { get; set; }

    /// <summary>Optimistic concurrency: people and the projector change the same rows.</summary>
    public int Version { get; set; }

    public List<AlarmHistoryEntry> History { get; set; } = [];

    public static string KeyOf(string chargerId, string code) => chargerId + "\n" + code;
}

/// <summary>One entry of an alarm's history: who did what, when, why.</summary>
public sealed class AlarmHistoryEntry
{
    public long Id { get; set; }
    public long AlarmId { get; set; }
    public DateTimeOffset At { get; set; }
    public AlarmAction Action { get; set; }
    public string ActorId { get; set; } = string.Empty;
    public string ActorName { get; set; } = string.Empty;
    public string? Reason { get; set; }

    /// <summary>The charger event behind it (raise, clear), when there is one.</summary>
    public long? Seq { get; set; }
}

/// <summary>How far the projector has applied one charger's events (updated in the transaction that applies them).</summary>
public sealed class ProjectorCursor
{
    public string ChargerId { get; set; } = string.Empty;
    public long Seq { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A charger taken out of service by a supervisor's decision: shown with the charger until unblocked.</summary>
public sealed class BlockedCharger
{
    public string ChargerId { get; set; } = string.Empty;
    public DateTimeOffset BlockedAt { get; set; }
    public string BlockedBy { get; set; } = string.Empty;
    public long? WorkOrderId { get; set; }
    public string Reason { get; set; } = string.Empty;
}

/// <summary>
/// One record of the fleet's maintenance log (table <c>maintenance_log</c>): a <c>service.record</c> of an agent, whole,
/// and the work order it was attached to (or not). The one model of service records: the fleet's log
/// (<see cref="Records.FleetRecords"/>) and the work orders read these rows.
/// </summary>
public sealed class ServiceRecordRow
{
    public string ChargerId { get; set; } = string.Empty;
    public long Seq { get; set; }
    public Guid EventId { get; set; }
    public DateTimeOffset Ts { get; set; }
    public string Kind { get; set; } = string.Empty;
    public string EngineerId { get; set; } = string.Empty;
    public string? WorkOrderRef { get; set; }
    public long? WorkOrderId { get; set; }

    /// <summary>reference, time-window or none.</summary>
    public string Match { get; set; } = string.Empty;
    public bool CustomerConfirmed { get; set; }

    /// <summary>The whole record as the engineer saved it (the event's <c>data</c>, JSON); null only for rows of release
    /// 5 until <see cref="FieldServiceProjector.CompleteEarlierRowsAsync"/> fills it.</summary>
    public string? Data { get; set; }
}

/// <summary>An SLA policy row: targets for one customer tier and priority, optionally counted in working time.</summary>
public sealed class SlaPolicyRow
{
    public long Id { get; set; }
    public CustomerTier Tier { get; set; }
    public WorkOrders.WorkOrderPriority Priority { get; set; }
    public long ResponseMinutes { get; set; }
    public long ResolutionMinutes { get; set; }

    /// <summary>The <see cref="Sla.WorkingCalendar"/> as JSON; null: around the clock.</summary>
    public string? CalendarJson { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string UpdatedBy { get; set; } = string.Empty;
}
