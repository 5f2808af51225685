using Charger.Agent.Board;
using Charger.Agent.Board.Simulated;
using Charger.Agent.Core.Board;
using Microsoft.Extensions.Logging;

namespace Charger.Agent;

/// <summary>
/// A simulated board: the register-level chips and GPIO lines, the real <see cref="IotBoard"/> drivers over them, the
/// control surface, and optionally a scenario playing against it. Used by <c>--simulate</c> and the fleet simulator.
/// </summary>
public sealed class SimulatedCharger : IDisposable
{
    private readonly SimulatedBoardHardware _hardware;
    private readonly ScenarioRunner? _runner;

    public SimulatedCharger(BoardOptions options, string? scenarioPath, TimeProvider time, ILoggerFactory loggers, int? seed = null)
    {
        _hardware = new SimulatedBoardHardware(options);
        Simulator = new BoardSimulator(_hardware, time, seed);
        Board = new IotBoard(options, _hardware, loggers.CreateLogger<IotBoard>(), time);
        if (scenarioPath is not null)
        {
            Scenario = Charger.Agent.Board.Simulated.Scenario.Load(scenarioPath);
            _runner = new ScenarioRunner(Scenario, Simulator, time);
        }
    }

    /// <summary>The board the agent reads (real drivers over simulated chips).</summary>
    public IBoard Board { get; }

    /// <summary>Set, ramp, freeze, fail... the simulated values.</summary>
    public BoardSimulator Simulator { get; }

    /// <summary>The scenario being played, if any.</summary>
    public Charger.Agent.Board.Simulated.Scenario? Scenario { get; }

    /// <summary>Completes when the scenario has played its last step (never when there is none).</summary>
    public Task ScenarioCompletion => _runner?.Completion ?? Task.Delay(Timeout.Infinite);

    /// <summary>Starts playing the scenario, relative to now.</summary>
    public void StartScenario() => _runner?.Start();

    public void Dispose()
    {
        _runner?.Dispose();
        Simulator.Dispose();
        Board.Dispose();
        _hardware.Dispose();
    }
}
