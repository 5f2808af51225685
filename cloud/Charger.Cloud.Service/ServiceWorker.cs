using Charger.Cloud.Service.Alarms;
using Charger.Cloud.Service.Sla;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Charger.Cloud.Service;

/// <summary>
/// The service area's timers: once at start, the upgrade of alarms raised before release 6
/// (<see cref="ServiceProjector.CompleteEarlierRowsAsync"/>); the <see cref="ServiceProjector"/>'s check for silent chargers every
/// <c>Service:PollInterval</c>, and the <see cref="SlaMonitor"/> every <c>Service:SlaCheckInterval</c>. Events reach the
/// projector through its subscription of the applied-event feed (<c>EventSubscriptions</c>), not from here.
/// </summary>
public sealed class ServiceWorker(
    ServiceProjector projector, SlaMonitor sla, IOptions<ServiceOptions> options, TimeProvider time, ILogger<ServiceWorker> logger)
    : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextSla = time.GetUtcNow();
        var earlierCompleted = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            if (!earlierCompleted)
            {
                try
                {
                    var completed = await projector.CompleteEarlierRowsAsync(stoppingToken);
                    earlierCompleted = true;
                    if (completed > 0)
                    {
                        ServiceLog.EarlierRowsCompleted(logger, completed);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    ServiceLog.ProjectorFailed(logger, ex);
                }
            }

            try
            {
                await projector.CheckOfflineAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                ServiceLog.ProjectorFailed(logger, ex);
            }

            if (time.GetUtcNow() >= nextSla)
            {
                try
                {
                    await sla.RunOnceAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    ServiceLog.SlaCheckFailed(logger, ex);
                }

                nextSla = time.GetUtcNow() + options.Value.SlaCheckInterval;
            }

            await Task.Delay(options.Value.PollInterval, time, stoppingToken);
        }
    }
}
