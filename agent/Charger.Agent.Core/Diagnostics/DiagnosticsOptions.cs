using System.ComponentModel.DataAnnotations;

namespace Charger.Agent.Core.Diagnostics;

/// <summary>A limit with hysteresis: raised beyond <see cref="Raise"/>, cleared only back past <see cref="Clear"/>.</summary>
public sealed class Threshold
{
    public double Raise { get; set; }
    public double Clear { get; set; }
}

/// <summary>Thresholds, debounce and timing of the self-diagnostics (section <c>Diagnostics</c>).</summary>
public sealed class DiagnosticsOptions : IValidatableObject
{
    public const string Section = "Diagnostics";

    /// <summary>How often the board is read.</summary>
    [TimeSpanRange("00:00:00.010", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Consecutive samples a condition must hold before a fault is raised.</summary>
    [Range(1, 100)]
    public int RaiseSamples { get; set; } = 3;

    /// <summary>Consecutive samples a condition must be gone before a non-latching fault clears.</summary>
    [Range(1, 100)]
    public int ClearSamples { get; set; } = 3;

    /// <summary>Enclosure temperature [°C], above.</summary>
    public Threshold EnclosureTemperature { get; set; } = new() { Raise = 70, Clear = 65 };

    /// <summary>Connector temperature [°C], above.</summary>
    public Threshold ConnectorTemperature { get; set; } = new() { Raise = 90, Clear = 80 };

    /// <summary>Enclosure humidity [%RH], above.</summary>
    public Threshold EnclosureHumidity { get; set; } = new() { Raise = 90, Clear = 85 };

    /// <summary>Residual current [mA], above; GroundFailure latches.</summary>
    public Threshold ResidualCurrent { get; set; } = new() { Raise = 30, Clear = 15 };

    /// <summary>Supply over-voltage [V], above.</summary>
    public Threshold SupplyOverVoltage { get; set; } = new() { Raise = 253, Clear = 248 };

    /// <summary>Supply under-voltage [V], below.</summary>
    public Threshold SupplyUnderVoltage { get; set; } = new() { Raise = 196, Clear = 200 };

    /// <summary>Auxiliary rail over-current [A], above; latches.</summary>
    public Threshold AuxOverCurrent { get; set; } = new() { Raise = 5, Clear = 4 };

    /// <summary>Samples with the exact same value after which a sensor counts as frozen.</summary>
    [Range(3, 100_000)]
    public int FrozenSamples { get; set; } = 30;

    /// <summary>With the contactor closed, no S0 pulse for this long raises PowerMeterFailure.</summary>
    [TimeSpanRange("00:00:01", "01:00:00")]
    public TimeSpan MeterSilentAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A fault raised within this time of an active blocking fault names it as its cause.</summary>
    [TimeSpanRange("00:00:00", "01:00:00")]
    public TimeSpan CauseWindow { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the cumulative counters are journaled.</summary>
    [TimeSpanRange("00:00:01", "1.00:00:00")]
    public TimeSpan CountersInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>S0 pulses per kWh of the energy meter.</summary>
    [Range(1, 100_000)]
    public int EnergyPulsesPerKwh { get; set; } = 1000;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, t, above) in new[]
        {
            (nameof(EnclosureTemperature), EnclosureTemperature, true),
            (nameof(ConnectorTemperature), ConnectorTemperature, true),
            (nameof(EnclosureHumidity), EnclosureHumidity, true),
            (nameof(ResidualCurrent), ResidualCurrent, true),
            (nameof(SupplyOverVoltage), SupplyOverVoltage, true),
            (nameof(SupplyUnderVoltage), SupplyUnderVoltage, false),
            (nameof(AuxOverCurrent), AuxOverCurrent, true),
        })
        {
            if (t is null)
            {
                yield return new ValidationResult($"{Section}:{name} is required.", [name]);
            }
            else if (above ? t.Clear > t.Raise : t.Clear < t.Raise)
            {
                yield return new ValidationResult(
                    $"{Section}:{name}:Clear ({t.Clear}) must be {(above ? "at or below" : "at or above")} {Section}:{name}:Raise ({t.Raise}) to give hysteresis.",
                    [name]);
            }
        }
    }
}
