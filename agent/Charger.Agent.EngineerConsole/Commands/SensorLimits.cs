using Charger.Agent.Core.Board;
using Charger.Agent.Core.Diagnostics;

namespace Charger.Agent.EngineerConsole.Commands;

/// <summary>The limits of each sensor, taken from the diagnostics thresholds (the values at which a fault is raised).</summary>
public static class SensorLimits
{
    public static IReadOnlyDictionary<string, (double? Min, double? Max)> For(DiagnosticsOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        return new Dictionary<string, (double?, double?)>(StringComparer.Ordinal)
        {
            [SensorNames.EnclosureTemperature] = (null, o.EnclosureTemperature.Raise),
            [SensorNames.EnclosureHumidity] = (null, o.EnclosureHumidity.Raise),
            [SensorNames.AuxVoltage] = (null, null),
            [SensorNames.AuxCurrent] = (null, o.AuxOverCurrent.Raise),
            [SensorNames.ResidualCurrent] = (null, o.ResidualCurrent.Raise),
            [SensorNames.SupplyVoltage] = (o.SupplyUnderVoltage.Raise, o.SupplyOverVoltage.Raise),
            [SensorNames.ConnectorTemperature] = (null, o.ConnectorTemperature.Raise),
        };
    }

    /// <summary>True when <paramref name="value"/> is beyond a limit.</summary>
    public static bool Beyond(double value, (double? Min, double? Max) limit) => value < limit.Min || value > limit.Max;

    /// <summary>"≤ 70 °C", "196..253 V", "-" for none.</summary>
    public static string Describe((double? Min, double? Max) limit, string unit) => limit switch
    {
        ({ } min, { } max) => $"{min:0.##}..{max:0.##} {unit}",
        (null, { } max) => $"<= {max:0.##} {unit}",
        ({ } min, null) => $">= {min:0.##} {unit}",
        _ => "-",
    };
}
