namespace Charger.Protocol;

/// <summary>One entry of the fault-code catalogue.</summary>
/// <param name="Code">The code on the wire (OCPP 1.6 name where one fits).</param>
/// <param name="Ocpp16">The OCPP 1.6 <c>ChargePointErrorCode</c> to report for this fault.</param>
/// <param name="ChargeXMrec">The ChargeX Minimum Required Error Code, where one exists (e.g. <c>MREC2</c>).</param>
/// <param name="DefaultSeverity">Severity when the detector does not say otherwise.</param>
/// <param name="BlocksCharging">While active, the charger must not charge (state Faulted).</param>
/// <param name="Latching">Stays active after its cause is gone, until an engineer resets it.</param>
/// <param name="Description">What it means, for operators.</param>
public sealed record FaultDefinition(
    string Code,
    string Ocpp16,
    string? ChargeXMrec,
    Severity DefaultSeverity,
    bool BlocksCharging,
    bool Latching,
    string Description);

/// <summary>The fault codes of v1 (DESIGN.md, fault codes).</summary>
public static class FaultCatalogue
{
    public const string HighTemperature = nameof(HighTemperature);
    public const string GroundFailure = nameof(GroundFailure);
    public const string OverCurrentFailure = nameof(OverCurrentFailure);
    public const string OverVoltage = nameof(OverVoltage);
    public const string UnderVoltage = nameof(UnderVoltage);
    public const string PowerMeterFailure = nameof(PowerMeterFailure);
    public const string PowerSwitchFailure = nameof(PowerSwitchFailure);
    public const string ConnectorLockFailure = nameof(ConnectorLockFailure);
    public const string ReaderFailure = nameof(ReaderFailure);
    public const string WeakSignal = nameof(WeakSignal);
    public const string InternalError = nameof(InternalError);
    public const string OtherError = nameof(OtherError);
    public const string EmergencyStop = nameof(EmergencyStop);
    public const string EnclosureOpen = nameof(EnclosureOpen);
    public const string HighHumidity = nameof(HighHumidity);
    public const string FanFailure = nameof(FanFailure);
    public const string SensorFailure = nameof(SensorFailure);
    public const string StorageFailure = nameof(StorageFailure);
    public const string SurgeProtectionTripped = nameof(SurgeProtectionTripped);
    public const string RcdSelfTestFailed = nameof(RcdSelfTestFailed);

    private static readonly FaultDefinition[] Entries =
    [
        new(HighTemperature, "HighTemperature", "MREC3", Severity.Major, true, false, "Temperature inside the charger or at the connector is above its limit."),
        new(GroundFailure, "GroundFailure", "MREC2", Severity.Critical, true, true, "The residual-current device tripped or residual current is above its limit."),
        new(OverCurrentFailure, "OverCurrentFailure", "MREC4", Severity.Critical, true, true, "Current above the limit; the over-current protection tripped."),
        new(OverVoltage, "OverVoltage", "MREC5", Severity.Major, true, false, "Supply voltage above its limit."),
        new(UnderVoltage, "UnderVoltage", "MREC6", Severity.Major, true, false, "Supply voltage below its limit."),
        new(PowerMeterFailure, "PowerMeterFailure", null, Severity.Major, true, false, "The energy meter cannot be read or has stopped reporting while energy flows."),
        new(PowerSwitchFailure, "PowerSwitchFailure", "MREC17", Severity.Critical, true, true, "The contactor does not follow its command (welded or not closing)."),
        new(ConnectorLockFailure, "ConnectorLockFailure", "MREC1", Severity.Major, true, false, "The connector lock fails to lock or unlock."),
        new(ReaderFailure, "ReaderFailure", null, Severity.Minor, false, false, "The RFID reader does not respond."),
        new(WeakSignal, "WeakSignal", null, Severity.Warning, false, false, "The wireless uplink is weak."),
        new(InternalError, "InternalError", null, Severity.Major, true, false, "An internal hardware or software error."),
        new(OtherError, "OtherError", null, Severity.Minor, false, false, "Another error; see the message."),
        new(EmergencyStop, "OtherError", "MREC8", Severity.Critical, true, true, "The emergency stop was pressed."),
        new(EnclosureOpen, "OtherError", null, Severity.Major, true, false, "The enclosure door is open (tamper)."),
        new(HighHumidity, "OtherError", null, Severity.Warning, false, false, "Humidity inside the enclosure is above its limit."),
        new(FanFailure, "OtherError", null, Severity.Minor, false, false, "The cooling fan does not turn."),
        new(SensorFailure, "InternalError", null, Severity.Minor, false, false, "A sensor does not answer or its value is frozen."),
        new(StorageFailure, "InternalError", null, Severity.Major, false, false, "The local journal cannot be written (disk full or corrupted)."),
        new(SurgeProtectionTripped, "OtherError", null, Severity.Major, true, true, "The surge protection device has tripped and must be replaced."),
        new(RcdSelfTestFailed, "GroundFailure", "MREC2", Severity.Critical, true, true, "The residual-current device failed its self-test."),
    ];

    private static readonly Dictionary<string, FaultDefinition> ByCode = Entries.ToDictionary(e => e.Code, StringComparer.Ordinal);

    /// <summary>Every entry, in catalogue order.</summary>
    public static IReadOnlyList<FaultDefinition> All => Entries;

    /// <summary>Looks up a code; false for a code the catalogue does not know.</summary>
    public static bool TryGet(string code, out FaultDefinition definition) => ByCode.TryGetValue(code, out definition!);

    /// <summary>The entry for a known code; throws <see cref="KeyNotFoundException"/> otherwise.</summary>
    public static FaultDefinition Get(string code) =>
        ByCode.TryGetValue(code, out var d) ? d : throw new KeyNotFoundException($"Unknown fault code '{code}'.");
}
