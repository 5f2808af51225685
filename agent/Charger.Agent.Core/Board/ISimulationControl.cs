namespace Charger.Agent.Core.Board;

/// <summary>
/// What a scenario, the demo, a test or the engineer console can do to the simulated board (implemented by
/// Charger.Agent.Board.Simulated; here so the console and the agent need not reference the simulator).
/// Sensor names are <see cref="SensorNames"/>; input names are <see cref="InputNames"/>; chip names are the simulator's
/// <c>SimulatedBoardHardware.ChipNames</c>.
/// </summary>
public interface ISimulationControl
{
    /// <summary>Sets a sensor's physical value (in its unit) at once; cancels a ramp.</summary>
    void Set(string sensorName, double value);

    /// <summary>Moves a sensor linearly from its present value to <paramref name="target"/> over <paramref name="over"/>.</summary>
    void Ramp(string sensorName, double target, TimeSpan over);

    /// <summary>Sticks a sensor: its chip keeps returning exactly the same raw value.</summary>
    void Freeze(string sensorName);

    /// <summary>Un-sticks a frozen sensor.</summary>
    void Unfreeze(string sensorName);

    /// <summary>Makes a chip (by chip name, or the chip of a sensor name) fail every bus transfer.</summary>
    void Fail(string chipOrSensorName);

    /// <summary>Ends a <see cref="Fail"/>.</summary>
    void Restore(string chipOrSensorName);

    /// <summary>Sets a digital input active (e-stop pressed, door open, ...) or inactive.</summary>
    void SetInput(string inputName, bool active);

    /// <summary>Sets the power flowing through the energy meter [W]; S0 pulses follow at the matching rate.</summary>
    void SetPower(double watts);

    /// <summary>Welds the contactor: its feedback stays closed whatever the command.</summary>
    void Weld();

    /// <summary>Ends a weld: the feedback follows the command again.</summary>
    void Unweld();

    /// <summary>A sensor's present nominal value (without noise).</summary>
    double Get(string sensorName);
}
