using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace Charger.Agent;

/// <summary>
/// Sends <c>WATCHDOG=1</c> to systemd every half of <c>WATCHDOG_USEC</c>, but only while the agent's main loop is alive
/// (its heartbeat is younger than the watchdog period): a hung loop gets the service restarted.
/// UseSystemd() sends READY=1 and STOPPING=1 but has no watchdog of its own.
/// </summary>
public sealed partial class SystemdWatchdog(ISystemdNotifier notifier, AgentHostedService agent, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<SystemdWatchdog> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!notifier.IsEnabled || !TryGetPeriod(out var period))
        {
            return;
        }

        // Pings start once the host has started (and UseSystemd has said READY=1).
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
        }

        LogWatchdogEnabled(logger, period.TotalSeconds);
        using var timer = new PeriodicTimer(period / 2, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            var runtime = agent.Runtime;
            if (runtime is not null && time.GetUtcNow() - runtime.LastHeartbeat < period)
            {
                notifier.Notify(new ServiceState("WATCHDOG=1"));
            }
            else
            {
                LogHeartbeatStale(logger);
            }
        }
    }

    private static bool TryGetPeriod(out TimeSpan period)
    {
        period = default;
        var usec = Environment.GetEnvironmentVariable("WATCHDOG_USEC");
        var pid = Environment.GetEnvironmentVariable("WATCHDOG_PID");
        if (pid is not null && pid != Environment.ProcessId.ToString(CultureInfo.InvariantCulture))
        {
            return false;
        }

        if (!long.TryParse(usec, NumberStyles.None, CultureInfo.InvariantCulture, out var micro) || micro <= 0)
        {
            return false;
        }

        period = TimeSpan.FromMicroseconds(micro);
        return true;
    }

    [LoggerMessage(EventId = 1501, Level = LogLevel.Information, Message = "systemd watchdog enabled: period {Seconds} s")]
    private static partial void LogWatchdogEnabled(ILogger logger, double seconds);

    [LoggerMessage(EventId = 1502, Level = LogLevel.Warning, Message = "Main loop heartbeat is stale; not pinging the systemd watchdog")]
    private static partial void LogHeartbeatStale(ILogger logger);
}
