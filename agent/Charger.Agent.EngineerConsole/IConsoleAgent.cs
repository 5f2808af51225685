using System.Text.Json.Nodes;
using Charger.Agent.Core;
using Charger.Agent.Core.Board;
using Charger.Agent.Core.Diagnostics;
using Charger.Agent.Core.Journal;

namespace Charger.Agent.EngineerConsole;

/// <summary>
/// What the console server needs of one running agent. The host adapts its <c>AgentRuntime</c> to it; every use of the
/// diagnostics engine and the board goes through <see cref="PostAsync{T}"/>, which runs on the agent's one loop.
/// </summary>
public interface IConsoleAgent
{
    string ChargerId { get; }

    /// <summary>The agent's version.</summary>
    string AgentVersion { get; }

    /// <summary>When the agent process started.</summary>
    DateTimeOffset StartedAt { get; }

    /// <summary>Thresholds the diagnostics use (the limits shown by <c>sensors</c> and checked by <c>selftest</c>).</summary>
    DiagnosticsOptions Diagnostics { get; }

    /// <summary>The board (read it only inside <see cref="PostAsync{T}"/>).</summary>
    IBoard Board { get; }

    /// <summary>The journal (thread-safe).</summary>
    IJournal Journal { get; }

    /// <summary>Records events (thread-safe; used inside <see cref="PostAsync{T}"/> to keep the agent's order).</summary>
    EventRecorder Recorder { get; }

    /// <summary>Connected to the broker now.</summary>
    bool Connected { get; }

    /// <summary>The simulated board's control surface; null unless the agent runs with --simulate.</summary>
    ISimulationControl? Simulation { get; }

    /// <summary>
    /// The settings the agent runs with, by configuration section (<c>{"Agent":{...},"Mqtt":{...}}</c>), secrets
    /// included: the console redacts them before they leave the agent (<c>export</c>).
    /// </summary>
    JsonObject Settings();

    /// <summary>The diagnostics state machine's graph as a markdown document (as committed in the agent's docs).</summary>
    string StateMachineMarkdown();

    /// <summary>
    /// Persists that the charger is commissioned and leaves Commissioning. Call only on the agent's loop (inside
    /// <see cref="PostAsync{T}"/>) with the engine it was given.
    /// </summary>
    Task AcceptCommissioningAsync(DiagnosticsEngine engine, string reason, CancellationToken cancellationToken);

    /// <summary>Runs <paramref name="work"/> on the agent's diagnostics loop and returns its result.</summary>
    Task<T> PostAsync<T>(Func<DiagnosticsEngine, Task<T>> work, CancellationToken cancellationToken);
}
