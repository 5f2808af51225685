using System.Text.Json.Serialization;

namespace Charger.Protocol;

/// <summary>States of the agent's diagnostics machine, as reported in <c>state.changed</c> and <c>boot</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DiagnosticState>))]
public enum DiagnosticState
{
    Booting,
    SelfTest,
    Operational,
    Degraded,
    Faulted,
    Maintenance,
    Commissioning,
}

/// <summary>Data of <c>boot</c>.</summary>
public sealed record BootData
{
    /// <summary>power-on, watchdog, restart, crash, update (from the board or the previous run's journal).</summary>
    public required string Reason { get; init; }
    public required string AgentVersion { get; init; }
    public string? FirmwareVersion { get; init; }
    public int ProtocolVersion { get; init; } = Envelope.CurrentVersion;
    public string? Model { get; init; }
    public string? Serial { get; init; }

    /// <summary>
    /// Set when the agent lost its journal (found corrupt and moved aside) and continues numbering above it: events with
    /// seq &lt;= this that the cloud has not received will never arrive. The cloud records the missing range as lost and
    /// applies what follows, instead of waiting for it forever.
    /// </summary>
    public long? LostUpToSeq { get; init; }
}

/// <summary>Data of <c>state.changed</c>.</summary>
public sealed record StateChangedData
{
    public required DiagnosticState From { get; init; }
    public required DiagnosticState To { get; init; }
    public required string Trigger { get; init; }
    public string? Reason { get; init; }
}

/// <summary>Data of <c>fault.raised</c>.</summary>
public sealed record FaultRaisedData
{
    public required string Code { get; init; }
    public required string Component { get; init; }
    public required Severity Severity { get; init; }
    public double? Value { get; init; }
    public string? Unit { get; init; }
    /// <summary>Id of the root event when this fault follows from another.</summary>
    public Guid? Cause { get; init; }
    public bool BlocksCharging { get; init; }
    public bool Latching { get; init; }
    public string? Message { get; init; }
}

/// <summary>Data of <c>fault.cleared</c>.</summary>
public sealed record FaultClearedData
{
    public required string Code { get; init; }
    public required string Component { get; init; }
    public double? Value { get; init; }
    public string? Unit { get; init; }
    /// <summary>Id of the <c>fault.raised</c> event this clears.</summary>
    public Guid? Raised { get; init; }
    /// <summary>condition-gone, engineer-reset, ...</summary>
    public string? Reason { get; init; }
}

/// <summary>Data of <c>counters</c>: cumulative since commissioning.</summary>
public sealed record CountersData
{
    public double EnergyWh { get; init; }
    public long ContactorCycles { get; init; }
    public double OperatingHours { get; init; }
    public double HoursAbove40C { get; init; }
    public double HumidityExposureHours { get; init; }
}

/// <summary>A replaced part in a service record.</summary>
public sealed record PartReplaced(string PartNumber, string? OldSerial, string? NewSerial);

/// <summary>Data of <c>service.record</c>: a repair, maintenance, inspection, installation or commissioning record.</summary>
public sealed record ServiceRecordData
{
    public required string Kind { get; init; }
    public required string EngineerId { get; init; }
    public string? WorkOrderRef { get; init; }
    public string? Findings { get; init; }
    public string? Cause { get; init; }
    public string? Actions { get; init; }
    public IReadOnlyList<PartReplaced>? Parts { get; init; }
    public IReadOnlyDictionary<string, bool>? Checklist { get; init; }
    public IReadOnlyDictionary<string, string>? TestResults { get; init; }
    public string? CustomerName { get; init; }
    public bool CustomerConfirmed { get; init; }
}

/// <summary>Data of <c>security.event</c>.</summary>
public sealed record SecurityEventData
{
    public required string Kind { get; init; }
    public string? User { get; init; }
    public string? Origin { get; init; }
    public string? Detail { get; init; }
}
