using Charger.Agent.Board.Simulated;
using Charger.Agent.Core.Board;

namespace Charger.Agent.Board.Tests;

public class ScenarioTests
{
    private static string ExampleFile => Path.Combine(AppContext.BaseDirectory, "scenarios", "over-temperature.json");

    [Fact]
    public void The_over_temperature_example_parses_into_steps_in_time_order()
    {
        Scenario scenario = Scenario.Load(ExampleFile);

        Assert.Equal("over-temperature", scenario.Name);
        Assert.Equal(8, scenario.Steps.Count);
        Assert.Equal(scenario.Steps.OrderBy(s => s.At).Select(s => s.At), scenario.Steps.Select(s => s.At));
        ScenarioStep ramp = scenario.Steps[1];
        Assert.Equal(ScenarioAction.Ramp, ramp.Action);
        Assert.Equal(SensorNames.EnclosureTemperature, ramp.Target);
        Assert.Equal(85, ramp.Value);
        Assert.Equal(TimeSpan.FromMinutes(1), ramp.Over);
        Assert.Equal(TimeSpan.FromSeconds(10), ramp.At);
    }

    [Theory]
    [InlineData("""{"steps":[{"at":"00:00:01","action":"set","target":"aux.voltage","value":11}, {"at":"00:00:02","action":"explode","target":"door"}]}""",
        "step 2 has unknown action \"explode\"")]
    [InlineData("""{"steps":[{"at":"00:00:01","action":"set","target":"enclosure.temp","value":50}]}""",
        "step 1 (set) has unknown target \"enclosure.temp\"")]
    [InlineData("""{"steps":[{"at":"00:00:01","action":"set","target":"enclosure.temperature"}]}""",
        "step 1 (set enclosure.temperature) is missing \"value\"")]
    [InlineData("""{"steps":[{"at":"00:00:01","action":"power"}]}""",
        "step 1 (power) is missing \"value\"")]
    [InlineData("""{"steps":[{"at":"00:00:01","action":"ramp","target":"supply.voltage","value":260}]}""",
        "step 1 (ramp supply.voltage) needs a positive \"over\"")]
    [InlineData("""{"steps":[{"action":"freeze","target":"supply.voltage"}]}""",
        "step 1 is missing \"at\"")]
    [InlineData("""{"steps":[{"at":"5 seconds","action":"freeze","target":"supply.voltage"}]}""",
        "step 1 has a bad \"at\" \"5 seconds\"")]
    [InlineData("""{"steps":[{"at":"00:00:00","action":"input","target":"estop","value":"yes"}]}""",
        "step 1 (input) has a \"value\" that is not true or false")]
    [InlineData("""{"steps":[{"at":"00:00:00","action":"input","target":"contactor"}]}""",
        "step 1 (input) has unknown target \"contactor\"")]
    [InlineData("""{"steps":[{"at":"00:00:00","action":"fail"}]}""",
        "step 1 (fail) is missing \"target\"")]
    [InlineData("""{"steps":[{"at":"00:00:00","action":"set","target":"aux.voltage","valeu":3}]}""",
        "not valid JSON")]
    [InlineData("""{"steps":[{"at":"00:00:00",}""", "not valid JSON")]
    [InlineData("""{"name":"x"}""", "no \"steps\" array")]
    public void A_bad_scenario_is_refused_with_a_message_naming_the_step(string json, string expected)
    {
        var ex = Assert.Throws<ScenarioFormatException>(() => Scenario.Parse(json));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_action_parses_with_its_target_and_value()
    {
        const string json = """
            {
              // comments and trailing commas are allowed
              "name": "all",
              "steps": [
                { "at": "00:00:00", "action": "fail", "target": "ina219" },
                { "at": "00:00:01", "action": "restore", "target": "aux.current" },
                { "at": "00:00:02", "action": "input", "target": "door", "value": true },
                { "at": "00:00:03", "action": "weld" },
                { "at": "00:00:04", "action": "weld", "value": false },
                { "at": "00:00:05", "action": "UNFREEZE", "target": "rcm.residualCurrent" },
              ]
            }
            """;

        Scenario scenario = Scenario.Parse(json);

        Assert.Equal(
            [ScenarioAction.Fail, ScenarioAction.Restore, ScenarioAction.Input, ScenarioAction.Weld, ScenarioAction.Weld, ScenarioAction.Unfreeze],
            scenario.Steps.Select(s => s.Action));
        Assert.Equal(1, scenario.Steps[2].Value);
        Assert.Null(scenario.Steps[3].Value);
        Assert.Equal(0, scenario.Steps[4].Value);
    }

    [Fact]
    public async Task A_scenario_runs_each_step_at_its_time_under_a_manual_clock()
    {
        using var t = new TestBoard();
        var scenario = Scenario.Parse("""
            {"steps":[
              {"at":"00:00:00","action":"power","value":3600},
              {"at":"00:00:05","action":"set","target":"enclosure.temperature","value":70},
              {"at":"00:00:05","action":"input","target":"door","value":true},
              {"at":"00:00:10","action":"fail","target":"ads1115"},
              {"at":"00:00:20","action":"ramp","target":"enclosure.temperature","value":30,"over":"00:00:20"}
            ]}
            """);
        using var runner = new ScenarioRunner(scenario, t.Simulator, t.Time);
        var applied = new List<int>();
        runner.StepApplied += (_, e) => applied.Add(e.Step.Number);

        runner.Start();
        Assert.Equal([1], applied);
        Assert.Equal(3600, t.Simulator.Power);

        t.Time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(1, runner.StepsApplied);

        t.Time.Advance(TimeSpan.FromSeconds(1));
        var at5s = await t.Board.ReadAsync(CancellationToken.None);
        Assert.Equal(70, at5s.Sensors[SensorNames.EnclosureTemperature].Value!.Value, 0.01);
        Assert.True(at5s.Inputs!.DoorOpen);
        Assert.True(at5s.Sensors[SensorNames.SupplyVoltage].IsHealthy);

        t.Time.Advance(TimeSpan.FromSeconds(5));
        var at10s = await t.Board.ReadAsync(CancellationToken.None);
        Assert.Null(at10s.Sensors[SensorNames.SupplyVoltage].Value);

        // FakeTimeProvider 10.0.0 moves the clock to the end of an Advance before it fires the timers, so a step
        // runs at the end of the jump that passes it: advance to the ramp's start, then through it.
        t.Time.Advance(TimeSpan.FromSeconds(10));
        t.Time.Advance(TimeSpan.FromSeconds(10));
        var at30s = await t.Board.ReadAsync(CancellationToken.None);
        await runner.Completion.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(50, at30s.Sensors[SensorNames.EnclosureTemperature].Value!.Value, 0.01); // halfway from 70 to 30
        Assert.Equal([1, 2, 3, 4, 5], applied);
        Assert.Equal(30, at30s.EnergyPulses); // 3.6 kW for 30 s = 0.03 kWh × 1000
    }

    [Fact]
    public async Task A_scenario_step_that_fails_at_run_time_faults_the_completion_with_the_step_named()
    {
        using var t = new TestBoard();
        var scenario = Scenario.Parse("""{"steps":[{"at":"00:00:01","action":"set","target":"aux.voltage","value":12}]}""");
        using var runner = new ScenarioRunner(scenario, new ThrowingControl(), t.Time);

        runner.Start();
        t.Time.Advance(TimeSpan.FromSeconds(1));

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => runner.Completion);
        Assert.Contains("step 1", ex.Message, StringComparison.Ordinal);
    }

    private sealed class ThrowingControl : ISimulationControl
    {
        public void Set(string sensorName, double value) => throw new InvalidOperationException("console is read-only");

        public void Ramp(string sensorName, double target, TimeSpan over) => throw new NotSupportedException();

        public void Freeze(string sensorName) => throw new NotSupportedException();

        public void Unfreeze(string sensorName) => throw new NotSupportedException();

        public void Fail(string chipOrSensorName) => throw new NotSupportedException();

        public void Restore(string chipOrSensorName) => throw new NotSupportedException();

        public void SetInput(string inputName, bool active) => throw new NotSupportedException();

        public void SetPower(double watts) => throw new NotSupportedException();

        public void Weld() => throw new NotSupportedException();

        public void Unweld() => throw new NotSupportedException();

        public double Get(string sensorName) => throw new NotSupportedException();
    }
}
