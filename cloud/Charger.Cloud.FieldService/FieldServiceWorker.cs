using Charger.Cloud.FieldService.Alarms;
using Charger.Cloud.FieldService.Sla;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Charger.Cloud.FieldService.Projection;

namespace Charger.Cloud.FieldService;

/// <summary>
/// The service area's timers: once at start, the upgrade of alarms raised before release 6
/// (<see cref="FieldServiceProjector.CompleteEarlierRowsAsync"/>); the <see cref="FieldServiceProjector"/>'s check for silent chargers every
/// <c>Service:PollInterval</c>, and the <see cref="SlaMonitor"/> every <c>Service:SlaCheckInterval</c>. Events reach the
/// projector through its subscription of the applied-event feed (<c>EventSubscriptions</c>), not from here.
/// </summary>
public sealed class FieldServiceWorker(
    FieldServiceProjector projector, SlaMonitor sla, IOptions<FieldServiceOptions> options, TimeProvider time, ILogger<FieldServiceWorker> logger)
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
                        FieldServiceLog.EarlierRowsCompleted(logger, completed);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    FieldServiceLog.ProjectorFailed(logger, ex);
                }
            }

            try
            {
                await projector.CheckOfflineAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                FieldServiceLog.ProjectorFailed(logger, ex);
            }

            if (time.GetUtcNow() >= nextSla)
            {
                try
                {
                    await sla.RunOnceAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    FieldServiceLog.SlaCheckFailed(logger, ex);
                }

                nextSla = time.GetUtcNow() + options.Value.SlaCheckInterval;
            }

            await Task.Delay(options.Value.PollInterval, time, stoppingToken);
        }
    }
}
