using Charger.Agent.Board.Simulated;
using Charger.Agent.EngineerConsole;
using Charger.Agent.Core;
using Charger.Agent.Core.Board;
using Charger.Agent.Core.Diagnostics;
using Charger.Agent.Core.Journal;
using Microsoft.Extensions.Logging;

namespace Charger.Agent;

/// <summary>Presents an <see cref="AgentRuntime"/> to the console server.</summary>
public sealed class RuntimeConsoleAgent(AgentRuntime runtime, DiagnosticsOptions diagnostics, ISimulationControl? simulation, DateTimeOffset startedAt) : IConsoleAgent
{
    public string ChargerId => runtime.ChargerId;
    public string AgentVersion => AgentRuntime.Version;
    public DateTimeOffset StartedAt => startedAt;
    public DiagnosticsOptions Diagnostics => diagnostics;
    public IBoard Board => runtime.Board;
    public IJournal Journal => runtime.Journal;
    public EventRecorder Recorder => runtime.Recorder;
    public bool Connected => runtime.Publisher.IsConnected;
    public ISimulationControl? Simulation => simulation;

    public System.Text.Json.Nodes.JsonObject Settings() => runtime.Settings();

    public string StateMachineMarkdown() => AgentCommands.StateMachineMarkdown();

    public Task AcceptCommissioningAsync(DiagnosticsEngine engine, string reason, CancellationToken cancellationToken) =>
        runtime.AcceptCommissioningAsync(engine, reason, cancellationToken);

    public Task<T> PostAsync<T>(Func<DiagnosticsEngine, Task<T>> work, CancellationToken cancellationToken) => runtime.PostAsync(work, cancellationToken);

    /// <summary>Builds and starts the console server of <paramref name="runtime"/>; null when the console is disabled.</summary>
    public static ConsoleServer? StartServer(AgentRuntime runtime, ConsoleOptions options, string dataDirectory, DiagnosticsOptions diagnostics,
        ISimulationControl? simulation, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return null;
        }

        var server = new ConsoleServer(options, dataDirectory, new RuntimeConsoleAgent(runtime, diagnostics, simulation, time.GetUtcNow()), time,
            loggers.CreateLogger<ConsoleServer>());
        server.Start();
        return server;
    }
}
