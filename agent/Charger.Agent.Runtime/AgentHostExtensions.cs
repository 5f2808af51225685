using Charger.Agent.Board;
using Charger.Agent.EngineerConsole;
using Charger.Agent.Core.Board;
using Charger.Agent.Core.Diagnostics;
using Charger.Agent.Core.Journal;
using Charger.Agent.Mqtt;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Charger.Agent;

/// <summary>Wires the agent into a generic host.</summary>
public static class AgentHostExtensions
{
    public static HostApplicationBuilder AddChargerAgent(this HostApplicationBuilder builder, string[] args)
    {
        builder.Configuration.AddJsonFile("/etc/charger-agent/agent.json", optional: true, reloadOnChange: false);
        builder.Configuration.AddEnvironmentVariables("CHARGER_AGENT_");
        builder.Configuration.AddCommandLine(args);
        builder.Services.AddSystemd();
        // AddSystemd registers the notifier only under systemd; the watchdog asks it whether it is enabled.
        builder.Services.TryAddSingleton<Microsoft.Extensions.Hosting.Systemd.ISystemdNotifier, Microsoft.Extensions.Hosting.Systemd.SystemdNotifier>();
        if (!Microsoft.Extensions.Hosting.Systemd.SystemdHelpers.IsSystemdService() && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NOTIFY_SOCKET")))
        {
            // AddSystemd only recognises systemd as the parent process; any supervisor that sets NOTIFY_SOCKET (a test
            // harness, s6, systemd-run --scope) waits for READY=1 just the same.
            builder.Services.AddSingleton<IHostLifetime, Microsoft.Extensions.Hosting.Systemd.SystemdLifetime>();
        }

        builder.Services.AddOptions<AgentOptions>().BindConfiguration(AgentOptions.Section).ValidateOnStart();
        builder.Services.AddOptions<DiagnosticsOptions>().BindConfiguration(DiagnosticsOptions.Section).ValidateOnStart();
        builder.Services.AddOptions<JournalOptions>().BindConfiguration(JournalOptions.Section).ValidateOnStart();
        builder.Services.AddOptions<MqttPublisherOptions>().BindConfiguration(MqttPublisherOptions.Section).ValidateOnStart();
        builder.Services.AddOptions<ConsoleOptions>().BindConfiguration(ConsoleOptions.Section).ValidateOnStart();
        builder.Services.AddOptions<BoardOptions>().BindConfiguration(BoardOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AgentOptions>, AgentOptionsValidator>();
        builder.Services.AddSingleton<IValidateOptions<DiagnosticsOptions>, DiagnosticsOptionsValidator>();
        builder.Services.AddSingleton<IValidateOptions<JournalOptions>, JournalOptionsValidator>();
        builder.Services.AddSingleton<IValidateOptions<MqttPublisherOptions>, MqttPublisherOptionsValidator>();
        builder.Services.AddSingleton<IValidateOptions<ConsoleOptions>, ConsoleOptionsValidator>();
        builder.Services.AddSingleton<IValidateOptions<BoardOptions>, BoardOptionsValidator>();
        // The meter constant is one fact: the board's S0 setting feeds the energy counter.
        builder.Services.PostConfigure<DiagnosticsOptions>(d => d.EnergyPulsesPerKwh = builder.Configuration.GetValue($"{BoardOptions.SectionName}:S0PulsesPerKwh", d.EnergyPulsesPerKwh));

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<Func<IBoard>>(sp => () =>
        {
            var agent = sp.GetRequiredService<IOptions<AgentOptions>>().Value;
            var board = sp.GetRequiredService<IOptions<BoardOptions>>().Value;
            var loggers = sp.GetRequiredService<ILoggerFactory>();
            if (!agent.Simulate)
            {
                return new IotBoard(board, new HardwareBoardBus(), loggers.CreateLogger<IotBoard>(), sp.GetRequiredService<TimeProvider>());
            }

            var simulated = new SimulatedCharger(board, agent.Scenario, sp.GetRequiredService<TimeProvider>(), loggers);
            sp.GetRequiredService<SimulationHolder>().Charger = simulated;
            simulated.StartScenario();
            return simulated.Board;
        });
        builder.Services.AddSingleton<SimulationHolder>();
        builder.Services.AddSingleton<AgentHostedService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AgentHostedService>());
        builder.Services.AddHostedService<SystemdWatchdog>();
        return builder;
    }
}

/// <summary>The simulated board of this process, when running with <c>--simulate</c>.</summary>
public sealed class SimulationHolder : IDisposable
{
    public SimulatedCharger? Charger { get; set; }

    public void Dispose() => Charger?.Dispose();
}
