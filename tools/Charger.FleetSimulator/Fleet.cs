using Charger.Agent;
using Charger.Agent.Board;
using Charger.Agent.EngineerConsole;
using Charger.Agent.Core.Diagnostics;
using Charger.Agent.Core.Journal;
using Charger.Agent.Mqtt;
using Microsoft.Extensions.Logging;

namespace Charger.FleetSimulator;

/// <summary>N real agents, each on its own simulated board with its own journal, in one process.</summary>
public sealed class Fleet : IAsyncDisposable
{
    private readonly List<(AgentRuntime Runtime, SimulatedCharger Board, ConsoleServer? Console)> _members = [];

    private Fleet()
    {
    }

    public IReadOnlyList<AgentRuntime> Agents => _members.Select(m => m.Runtime).ToList();

    public IReadOnlyList<SimulatedCharger> Boards => _members.Select(m => m.Board).ToList();

    public static Fleet Create(FleetOptions options, IReadOnlyList<(string ChargerId, string Secret)> chargers, TimeProvider time, ILoggerFactory loggers)
    {
        var scenarios = options.ScenarioDirectory is null
            ? []
            : Directory.GetFiles(options.ScenarioDirectory, "*.json").Order(StringComparer.Ordinal).ToArray();
        var fleet = new Fleet();
        for (var i = 0; i < chargers.Count; i++)
        {
            var (id, secret) = chargers[i];
            var scenario = scenarios.Length == 0 ? null : scenarios[Math.Min(i, scenarios.Length - 1)];
            var board = new SimulatedCharger(new BoardOptions { Serial = $"SIM-{i + 1:D5}", Model = "EVB-1-SIM" }, scenario, time, loggers, seed: i);
            var dataDirectory = Path.Combine(options.DataDirectory, id);
            var diagnostics = new DiagnosticsOptions { PollInterval = options.PollInterval, CountersInterval = options.CountersInterval };
            var runtime = AgentRuntime.Create(
                new AgentOptions { ChargerId = id, DataDirectory = dataDirectory, Simulate = true, TelemetryInterval = TimeSpan.FromSeconds(30) },
                diagnostics,
                new JournalOptions(),
                new MqttPublisherOptions { Host = options.BrokerHost, Port = options.BrokerPort, Password = secret, ReconnectMaxDelay = TimeSpan.FromSeconds(10) },
                board.Board, time, loggers);
            CacheDocuments(options.DocsDirectory, dataDirectory);
            // Each charger serves its own console socket: <data-dir>/<id>/agent.sock (agentctl --charger <id>).
            var console = RuntimeConsoleAgent.StartServer(runtime,
                new ConsoleOptions { EngineersFile = options.EngineersFile is null ? "engineers.json" : Path.GetFullPath(options.EngineersFile) },
                dataDirectory, diagnostics, board.Simulator, time, loggers);
            fleet._members.Add((runtime, board, console));
        }

        return fleet;
    }

    /// <summary>Copies the per-model documents (<c>source/&lt;model&gt;/*</c>) into the charger's <c>docs/</c> (Console:DocumentsDirectory).</summary>
    private static void CacheDocuments(string? source, string dataDirectory)
    {
        if (source is null || !Directory.Exists(source))
        {
            return;
        }

        foreach (var model in Directory.GetDirectories(source))
        {
            var target = Path.Combine(dataDirectory, "docs", Path.GetFileName(model));
            Directory.CreateDirectory(target);
            foreach (var file in Directory.GetFiles(model))
            {
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
            }
        }
    }

    /// <summary>Runs every agent and plays every scenario until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var runs = _members.Select(m =>
        {
            m.Board.StartScenario();
            return Task.Run(() => m.Runtime.RunAsync(cancellationToken), CancellationToken.None);
        }).ToList();
        await Task.WhenAll(runs).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (runtime, board, console) in _members)
        {
            if (console is not null)
            {
                await console.DisposeAsync().ConfigureAwait(false);
            }

            await runtime.DisposeAsync().ConfigureAwait(false);
            board.Dispose();
        }
    }
}
