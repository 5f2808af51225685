using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Charger.Cloud.EventHubs;

/// <summary>
/// Runs the <see cref="EventHubsIngressProcessor"/> as a hosted service: starts it (retrying with back-off while the event
/// hub cannot be reached, so the API keeps serving) and stops it at shutdown, giving up its partitions so another receiver
/// takes them at once.
/// </summary>
public sealed class EventHubsIngress : BackgroundService
{
    private static readonly TimeSpan MinRetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(60);

    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Wraps <paramref name="processor"/>.</summary>
    public EventHubsIngress(EventHubsIngressProcessor processor, TimeProvider? timeProvider = null, ILogger<EventHubsIngress>? logger = null)
    {
        Processor = processor;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>The processor.</summary>
    public EventHubsIngressProcessor Processor { get; }

    /// <summary>
    /// For <c>/healthz</c>: <c>receiving</c> (running, owns partitions), <c>balancing</c> (running, owns none yet: starting,
    /// or other receivers hold them all), or <c>stopped</c> (not running: starting up or retrying).
    /// </summary>
    public string Health => !Processor.IsRunning ? "stopped" : Processor.OwnedPartitions.Count > 0 ? "receiving" : "balancing";

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = MinRetryDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                EventHubsLog.Starting(_logger, Processor.Identifier, Processor.FullyQualifiedNamespace, Processor.EventHubName, Processor.ConsumerGroup);
                await Processor.StartProcessingAsync(stoppingToken).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                EventHubsLog.StartFailed(_logger, ex.Message, delay, ex);
            }

            try
            {
                await Task.Delay(delay, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(MaxRetryDelay.Ticks, delay.Ticks * 2));
        }
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (Processor.IsRunning)
        {
            await Processor.StopProcessingAsync(cancellationToken).ConfigureAwait(false);
        }

        EventHubsLog.Stopped(_logger);
    }
}
