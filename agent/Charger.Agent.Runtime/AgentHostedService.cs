using Charger.Agent.EngineerConsole;
using Charger.Agent.Core.Board;
using Charger.Agent.Core.Diagnostics;
using Charger.Agent.Core.Journal;
using Charger.Agent.Mqtt;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Charger.Agent;

/// <summary>Runs the one <see cref="AgentRuntime"/> of this process.</summary>
public sealed class AgentHostedService(
    IOptions<AgentOptions> agent,
    IOptions<DiagnosticsOptions> diagnostics,
    IOptions<JournalOptions> journal,
    IOptions<MqttPublisherOptions> mqtt,
    IOptions<ConsoleOptions> console,
    SimulationHolder simulation,
    Func<IBoard> boardFactory,
    TimeProvider time,
    ILoggerFactory loggers,
    IHostApplicationLifetime lifetime) : BackgroundService
{
    public AgentRuntime? Runtime { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var runtime = AgentRuntime.Create(agent.Value, diagnostics.Value, journal.Value, mqtt.Value, boardFactory(), time, loggers);
        Runtime = runtime;
        await using var server = RuntimeConsoleAgent.StartServer(runtime, console.Value, agent.Value.DataDirectory, diagnostics.Value,
            simulation.Charger?.Simulator, time, loggers);
        try
        {
            await runtime.RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception) when (!stoppingToken.IsCancellationRequested)
        {
            // Let systemd restart us (Restart=on-failure) rather than run without diagnostics.
            lifetime.StopApplication();
            Environment.ExitCode = 1;
            throw;
        }
    }
}
