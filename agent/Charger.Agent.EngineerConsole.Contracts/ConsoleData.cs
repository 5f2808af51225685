using Charger.Protocol;

namespace Charger.Agent.EngineerConsole.Contracts;

/// <summary>Result of <c>login</c>.</summary>
public sealed record LoginData(string Session, string Engineer, string? Name, DateTimeOffset ExpiresAt);

/// <summary>Result of <c>logout</c>.</summary>
public sealed record LogoutData(string? Engineer);

/// <summary>A fault active now.</summary>
public sealed record ActiveFaultData(
    string Code,
    string Component,
    Severity Severity,
    bool BlocksCharging,
    bool Latching,
    DateTimeOffset RaisedAt,
    double? Value,
    string? Unit,
    bool CausePresent);

/// <summary>Outbox figures: what waits for the cloud's ack.</summary>
public sealed record OutboxData(long Pending, DateTimeOffset? OldestPending, long LastSeq, long AckedUpTo, int TelemetryQueued);

/// <summary>Versions of what runs on this charger.</summary>
public sealed record VersionsData(string Agent, int Protocol, string? Firmware, string? Model, string? Serial);

/// <summary>Result of <c>status</c>.</summary>
public sealed record StatusData
{
    public required string ChargerId { get; init; }
    public required DiagnosticState State { get; init; }
    public bool ChargingPermitted { get; init; }
    public required IReadOnlyList<ActiveFaultData> ActiveFaults { get; init; }
    /// <summary>Connected to the broker now.</summary>
    public bool Connected { get; init; }
    public required OutboxData Outbox { get; init; }
    public required VersionsData Versions { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public double UptimeSeconds { get; init; }
    public required CountersData Counters { get; init; }
    /// <summary>The agent runs on the simulated board (sim commands work).</summary>
    public bool Simulated { get; init; }
    /// <summary>Engineer of the caller's session, when the request carried a valid one.</summary>
    public string? Engineer { get; init; }
}

/// <summary>One sensor reading with its limits and health.</summary>
/// <param name="Health">ok, error (does not answer), frozen, beyond-limit.</param>
public sealed record SensorData(string Name, double? Value, string Unit, double? Min, double? Max, string Health, string? Detail);

/// <summary>One digital input.</summary>
/// <param name="Active">The condition is present (pressed, open, tripped, closed); null when the GPIO cannot be read.</param>
/// <param name="Normal">The value expected in service.</param>
public sealed record InputData(string Name, bool? Active, bool Normal, string Health);

/// <summary>Result of <c>sensors</c>.</summary>
public sealed record SensorsData(DateTimeOffset? Timestamp, IReadOnlyList<SensorData> Sensors, IReadOnlyList<InputData> Inputs, long EnergyPulses, bool ContactorClosed);

/// <summary>One entry of the fault history (a fault.raised or fault.cleared event of the journal).</summary>
public sealed record FaultEventData(long Seq, DateTimeOffset Ts, string Event, string Code, string Component, Severity? Severity, double? Value, string? Unit, string? Detail);

/// <summary>Result of <c>faults</c>.</summary>
public sealed record FaultsData(IReadOnlyList<ActiveFaultData> Active, IReadOnlyList<FaultEventData> History);

/// <summary>One self-test step (also sent as a progress line while the test runs).</summary>
public sealed record SelfTestStepData(int Index, int Of, string Name, bool Pass, string Seen, string Expected);

/// <summary>Result of <c>selftest</c>: every step, and the seq of the journaled <c>service.record</c>.</summary>
public sealed record SelfTestData(bool Pass, DateTimeOffset At, string Engineer, IReadOnlyList<SelfTestStepData> Steps, long? RecordSeq);

/// <summary>Result of <c>maintenance</c> and <c>fault.reset</c>: the diagnostic state afterwards.</summary>
public sealed record StateData(DiagnosticState State, string Detail);

/// <summary>Result of <c>sim</c>.</summary>
public sealed record SimData(string Action, string? Target, double? Value, string Detail);

/// <summary>Result of <c>record</c> and <c>commission</c>: the journaled record and its seq.</summary>
public sealed record RecordData(long? Seq, DateTimeOffset At, ServiceRecordData Record, DiagnosticState State);

/// <summary>A progress line of <c>export</c>: one piece of the bundle, base64.</summary>
public sealed record ExportChunkData(int Index, string Base64);

/// <summary>One entry of the diagnostics bundle.</summary>
public sealed record ExportEntryData(string Name, long Bytes);

/// <summary>Result of <c>export</c>; the bundle itself came as <see cref="ExportChunkData"/> progress lines.</summary>
public sealed record ExportData(string FileName, long Bytes, string Sha256, int Chunks, IReadOnlyList<ExportEntryData> Entries, int Events, bool Truncated);

/// <summary>One cached technical document.</summary>
public sealed record DocumentInfoData(string Name, string? Title, long Bytes, DateTimeOffset Modified, string MediaType);

/// <summary>Result of <c>docs</c> <c>list</c>.</summary>
public sealed record DocsListData(string Model, string Directory, IReadOnlyList<DocumentInfoData> Documents);

/// <summary>Result of <c>docs</c> <c>get</c>: the document's bytes, base64.</summary>
public sealed record DocumentData(DocumentInfoData Info, string ContentBase64);
