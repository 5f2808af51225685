namespace Charger.Agent.Core.Board;

/// <summary>
/// The charger's board as the diagnostics see it: one call reads every sensor and input.
/// Implementations never throw for a failed sensor; they report it in <see cref="SensorReading.Error"/>.
/// </summary>
public interface IBoard : IDisposable
{
    /// <summary>Board model, serial and firmware as reported in <c>boot</c>.</summary>
    BoardIdentity Identity { get; }

    /// <summary>Reads every sensor and input once.</summary>
    ValueTask<BoardSnapshot> ReadAsync(CancellationToken cancellationToken);

    /// <summary>Commands the main contactor (closed = energised). The feedback input tells whether it followed.</summary>
    void SetContactor(bool closed);
}

/// <summary>Who the board is.</summary>
public sealed record BoardIdentity(string Model, string Serial, string FirmwareVersion);

/// <summary>One sensor value. <see cref="Value"/> is null when the read failed; <see cref="Error"/> then says why.</summary>
public sealed record SensorReading(string Name, double? Value, string Unit, string? Error = null)
{
    public bool IsHealthy => Value is not null && Error is null;
}

/// <summary>The digital inputs. True means the condition is present (e-stop pressed, door open, RCD tripped...).</summary>
public sealed record DigitalInputs(
    bool EmergencyStop,
    bool DoorOpen,
    bool RcdTripped,
    bool ContactorFeedbackClosed,
    bool SurgeProtectionTripped);

/// <summary>Everything read in one pass.</summary>
/// <param name="Timestamp">When the pass was taken.</param>
/// <param name="Sensors">Readings keyed by <see cref="SensorNames"/>.</param>
/// <param name="Inputs">Digital inputs; null when the GPIO controller failed.</param>
/// <param name="EnergyPulses">Cumulative S0 pulses counted since the board started.</param>
/// <param name="ContactorCommandClosed">What the contactor was last commanded to.</param>
public sealed record BoardSnapshot(
    DateTimeOffset Timestamp,
    IReadOnlyDictionary<string, SensorReading> Sensors,
    DigitalInputs? Inputs,
    long EnergyPulses,
    bool ContactorCommandClosed);

/// <summary>Well-known sensor names, units in brackets.</summary>
public static class SensorNames
{
    /// <summary>Enclosure air temperature [°C] (BME280).</summary>
    public const string EnclosureTemperature = "enclosure.temperature";
    /// <summary>Enclosure relative humidity [%RH] (BME280).</summary>
    public const string EnclosureHumidity = "enclosure.humidity";
    /// <summary>Auxiliary rail bus voltage [V] (INA219).</summary>
    public const string AuxVoltage = "aux.voltage";
    /// <summary>Auxiliary rail current [A] (INA219).</summary>
    public const string AuxCurrent = "aux.current";
    /// <summary>Residual current from the RCM analog output [mA] (ADS1115 channel 0).</summary>
    public const string ResidualCurrent = "rcm.residualCurrent";
    /// <summary>Mains supply voltage through the isolated divider [V] (ADS1115 channel 1).</summary>
    public const string SupplyVoltage = "supply.voltage";
    /// <summary>Connector temperature from the transducer [°C] (ADS1115 channel 2).</summary>
    public const string ConnectorTemperature = "connector.temperature";

    public static IReadOnlyList<string> All { get; } =
    [
        EnclosureTemperature, EnclosureHumidity, AuxVoltage, AuxCurrent, ResidualCurrent, SupplyVoltage, ConnectorTemperature,
    ];

    /// <summary>The unit of each well-known sensor.</summary>
    public static string UnitOf(string name) => name switch
    {
        EnclosureTemperature or ConnectorTemperature => "°C",
        EnclosureHumidity => "%RH",
        AuxVoltage or SupplyVoltage => "V",
        AuxCurrent => "A",
        ResidualCurrent => "mA",
        _ => string.Empty,
    };
}

/// <summary>Names of the digital inputs and outputs, as used in configuration and simulation commands.</summary>
public static class InputNames
{
    public const string EmergencyStop = "estop";
    public const string Door = "door";
    public const string RcdTrip = "rcd";
    public const string ContactorFeedback = "contactor-feedback";
    public const string SurgeProtection = "spd";
    public const string EnergyPulse = "s0";
    public const string ContactorCommand = "contactor";
}
