using Charger.Agent.Core.Board;
using Charger.Protocol;

namespace Charger.Agent.Core.Diagnostics;

/// <summary>What one rule sees in one snapshot.</summary>
/// <param name="Present">True: the fault condition holds; false: it is gone; null: cannot tell (input unreadable).</param>
internal readonly record struct Observation(bool? Present, double? Value = null, string? Unit = null, string? Message = null)
{
    public static readonly Observation Unknown = new(null);
}

/// <summary>A fault condition the engine watches: one code on one component.</summary>
internal abstract class FaultRule(string code, string component)
{
    public string Code { get; } = code;
    public string Component { get; } = component;
    public FaultDefinition Definition { get; } = FaultCatalogue.Get(code);

    public abstract Observation Observe(BoardSnapshot snapshot);
}

/// <summary>A sensor value against a limit with hysteresis.</summary>
internal sealed class ThresholdRule(string code, string component, string sensor, Threshold threshold, bool above) : FaultRule(code, component)
{
    private bool _beyond;

    public override Observation Observe(BoardSnapshot snapshot)
    {
        if (!snapshot.Sensors.TryGetValue(sensor, out var reading) || reading.Value is not { } v)
        {
            return Observation.Unknown;
        }

        // Hysteresis: once beyond Raise, the condition holds until the value is back past Clear.
        _beyond = above
            ? (_beyond ? v > threshold.Clear : v > threshold.Raise)
            : (_beyond ? v < threshold.Clear : v < threshold.Raise);
        return new Observation(_beyond, v, reading.Unit, $"{sensor} {v:0.##} {reading.Unit} (limit {threshold.Raise} {reading.Unit})");
    }
}

/// <summary>A digital input that signals the fault while true.</summary>
internal sealed class InputRule(string code, string component, Func<DigitalInputs, bool> predicate, string message) : FaultRule(code, component)
{
    public override Observation Observe(BoardSnapshot snapshot) =>
        snapshot.Inputs is { } inputs ? new Observation(predicate(inputs), Message: message) : Observation.Unknown;
}

/// <summary>The contactor feedback stays closed while it is commanded open: welded contacts.</summary>
internal sealed class ContactorWeldRule() : FaultRule(FaultCatalogue.PowerSwitchFailure, "contactor")
{
    public override Observation Observe(BoardSnapshot snapshot) =>
        snapshot.Inputs is { } inputs
            ? new Observation(!snapshot.ContactorCommandClosed && inputs.ContactorFeedbackClosed, Message: "contactor feedback closed while commanded open (welded)")
            : Observation.Unknown;
}

/// <summary>With the contactor closed, the S0 pulse count stops moving for longer than allowed.</summary>
internal sealed class MeterSilentRule(TimeSpan silentAfter) : FaultRule(FaultCatalogue.PowerMeterFailure, "energy-meter")
{
    private long _lastPulses = -1;
    private DateTimeOffset _lastChange;

    public override Observation Observe(BoardSnapshot snapshot)
    {
        if (snapshot.EnergyPulses != _lastPulses || !snapshot.ContactorCommandClosed)
        {
            _lastPulses = snapshot.EnergyPulses;
            _lastChange = snapshot.Timestamp;
            return new Observation(false);
        }

        var silent = snapshot.Timestamp - _lastChange;
        return new Observation(silent >= silentAfter, silent.TotalSeconds, "s", $"no S0 pulse for {silent.TotalSeconds:0} s with the contactor closed");
    }
}

/// <summary>A sensor that fails to read, or returns exactly the same value for too long (stuck).</summary>
internal sealed class SensorHealthRule(string sensor, int frozenSamples) : FaultRule(FaultCatalogue.SensorFailure, sensor)
{
    private int _same;
    private double? _last;

    public override Observation Observe(BoardSnapshot snapshot)
    {
        if (!snapshot.Sensors.TryGetValue(Component, out var reading) || !reading.IsHealthy)
        {
            _same = 0;
            _last = null;
            return new Observation(true, Message: $"{Component} does not answer: {reading?.Error ?? "no reading"}");
        }

        var v = reading.Value!.Value;
        _same = _last is { } l && l.Equals(v) ? _same + 1 : 0;
        _last = v;
        return _same + 1 >= frozenSamples
            ? new Observation(true, v, reading.Unit, $"{Component} frozen at {v} {reading.Unit} for {_same + 1} samples")
            : new Observation(false, v, reading.Unit);
    }
}
