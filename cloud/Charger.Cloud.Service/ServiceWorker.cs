using System.Diagnostics.Metrics;
using Charger.Cloud.Core;
using Charger.Cloud.Service.Alarms;
using Charger.Cloud.Service.Sla;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Charger.Cloud.Service;

/// <summary>
/// Runs the <see cref="ServiceProjector"/> every <c>Service:PollInterval</c>, and earlier when this process's ingest
/// stores an event (a <see cref="MeterListener"/> on the receiver's <c>charger.ingest.messages</c> counter of the same
/// meter factory: no coupling to the ingest code, and a missed signal only delays to the next poll); and the
/// <see cref="SlaMonitor"/> every <c>Service:SlaCheckInterval</c>.
/// </summary>
public sealed class ServiceWorker(
    ServiceProjector projector, SlaMonitor sla, IOptions<ServiceOptions> options, TimeProvider time, ILogger<ServiceWorker> logger, IMeterFactory? meters = null)
    : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0, 1);
    private MeterListener? _listener;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        StartListening();
        var nextSla = time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await projector.RunOnceAsync(stoppingToken);
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

            using var delay = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var tick = Task.Delay(options.Value.PollInterval, time, delay.Token);
            await Task.WhenAny(tick, _wake.WaitAsync(delay.Token));
            await delay.CancelAsync();
        }
    }

    private void StartListening()
    {
        if (meters is null)
        {
            return;
        }

        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == IngestMetrics.MeterName && instrument.Name == "charger.ingest.messages" && ReferenceEquals(instrument.Meter.Scope, meters))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((_, _, _, _) =>
        {
            if (_wake.CurrentCount == 0)
            {
                try
                {
                    _wake.Release();
                }
                catch (SemaphoreFullException)
                {
                    // Already signalled.
                }
            }
        });
        _listener.Start();
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _listener?.Dispose();
        _wake.Dispose();
        base.Dispose();
        GC.SuppressFinalize(this);
    }
}
