using Charger.Cloud.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MQTTnet;

namespace Charger.Cloud.Mqtt;

/// <summary>
/// An MQTT connection that only publishes the cloud's acks (<see cref="IAckPublisher"/>), for an ingress that receives
/// the events elsewhere (Azure Event Hubs behind a managed broker): the agents still expect <c>ev/v1/{id}/ack</c> over
/// MQTT. It reaches the broker as the MQTT ingress would (section <c>Ingress</c>: the embedded broker with the internal
/// identity, or an external broker with credentials and TLS), subscribes to nothing, keeps no session (clean start,
/// expiry 0) and reconnects with jittered exponential back-off.
/// </summary>
public sealed class MqttAckPublisher : BackgroundService, IAckPublisher
{
    /// <summary>Client id of the ack publisher on the embedded broker when <c>Ingress:ClientId</c> is not set.</summary>
    public const string EmbeddedClientId = TopicRules.ReceiverClientIdPrefix + "-acks";

    private readonly MqttIngressOptions _options;
    private readonly EmbeddedBroker? _broker;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly MqttNetLoggerBridge _mqttNetLogger;
    private readonly MqttBrokerClientOptions _clientOptions;
    private readonly object _gate = new();
    private TaskCompletionSource<IMqttClient> _connected = NewSignal();
    private volatile bool _everConnected;

    /// <summary>Creates the publisher. <paramref name="broker"/> is required when <c>Ingress:Host</c> is not set.</summary>
    public MqttAckPublisher(IOptions<MqttIngressOptions> options, EmbeddedBroker? broker = null, TimeProvider? timeProvider = null, ILogger<MqttAckPublisher>? logger = null)
    {
        _options = options.Value;
        _broker = broker;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _mqttNetLogger = new MqttNetLoggerBridge(_logger);
        _clientOptions = new MqttBrokerClientOptions(_options, broker);
    }

    /// <summary>True while connected to the broker.</summary>
    public bool IsConnected
    {
        get
        {
            lock (_gate)
            {
                return _connected.Task.IsCompletedSuccessfully;
            }
        }
    }

    /// <summary>Completes once connected (at once if it already is).</summary>
    public Task WaitUntilConnectedAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _connected.Task.WaitAsync(cancellationToken);
        }
    }

    /// <inheritdoc />
    /// <remarks>Before the first connection (start-up) it waits up to <c>Ingress:ConnectTimeoutSeconds</c> for it; after
    /// that, an ack while the connection is down is given up at once (false), so a broker outage does not slow ingestion.</remarks>
    public async Task<bool> PublishAckAsync(string chargerId, long upTo, CancellationToken cancellationToken)
    {
        Task<IMqttClient> connected;
        lock (_gate)
        {
            connected = _connected.Task;
        }

        IMqttClient client;
        try
        {
            var wait = _everConnected ? TimeSpan.Zero : TimeSpan.FromSeconds(_options.ConnectTimeoutSeconds);
            client = connected.IsCompletedSuccessfully ? connected.Result
                : await connected.WaitAsync(wait, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            MqttLog.AckNotSent(_logger, chargerId, upTo, "not connected to the broker");
            return false;
        }

        try
        {
            var result = await client.PublishAsync(MqttBrokerClientOptions.Ack(chargerId, upTo), cancellationToken).ConfigureAwait(false);
            if (!result.IsSuccess)
            {
                MqttLog.AckNotSent(_logger, chargerId, upTo, $"refused by the broker: {result.ReasonCode} {result.ReasonString}");
            }

            return result.IsSuccess;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            MqttLog.AckNotSent(_logger, chargerId, upTo, ex.Message);
            return false;
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        try
        {
            if (_options.UsesEmbeddedBroker)
            {
                if (_broker is null)
                {
                    throw new InvalidOperationException("Ingress:Host is not set and no embedded broker is registered.");
                }

                await _broker.WaitUntilStartedAsync(stoppingToken).ConfigureAwait(false);
            }

            while (!stoppingToken.IsCancellationRequested)
            {
                var (worked, reason) = await RunConnectionAsync(stoppingToken).ConfigureAwait(false);
                if (stoppingToken.IsCancellationRequested)
                {
                    break;
                }

                failures = worked ? 1 : failures + 1;
                var delay = Backoff(failures);
                MqttLog.AckPublisherConnectionLost(_logger, reason, delay);
                await Task.Delay(delay, _time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            MqttLog.AckPublisherStopped(_logger);
        }
    }

    private async Task<(bool Worked, string Reason)> RunConnectionAsync(CancellationToken stoppingToken)
    {
        var (host, port, clientOptions) = _clientOptions.Build(
            cleanStart: true,
            sessionExpirySeconds: 0,
            EmbeddedClientId,
            $"charger-cloud-acks-{Environment.MachineName}");
        var lost = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var client = new MqttClientFactory(_mqttNetLogger).CreateMqttClient();
        client.DisconnectedAsync += e =>
        {
            lost.TrySetResult(e.Exception?.Message ?? e.Reason.ToString());
            return Task.CompletedTask;
        };

        try
        {
            MqttLog.AckPublisherConnecting(_logger, host, port, clientOptions.ClientId, _options.UseTls && !_options.UsesEmbeddedBroker);
            MqttClientConnectResult result;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
            {
                timeout.CancelAfter(TimeSpan.FromSeconds(_options.ConnectTimeoutSeconds));
                result = await client.ConnectAsync(clientOptions, timeout.Token).ConfigureAwait(false);
            }

            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                MqttLog.AckPublisherConnectFailed(_logger, $"{result.ResultCode} {result.ReasonString}");
                return (false, $"refused: {result.ResultCode}");
            }

            MqttLog.AckPublisherConnected(_logger);
            _everConnected = true;
            lock (_gate)
            {
                _connected.TrySetResult(client);
            }

            var reason = await lost.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
            return (true, reason);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return (true, "stopping");
        }
        catch (Exception ex)
        {
            MqttLog.AckPublisherConnectFailed(_logger, ex.Message);
            return (false, ex.Message);
        }
        finally
        {
            lock (_gate)
            {
                if (_connected.Task.IsCompleted)
                {
                    _connected = NewSignal();
                }
            }

            if (client.IsConnected)
            {
                await client.TryDisconnectAsync(MqttClientDisconnectOptionsReason.NormalDisconnection).ConfigureAwait(false);
            }
        }
    }

    private TimeSpan Backoff(int failures)
    {
        var min = _options.ReconnectMinDelay.TotalMilliseconds;
        var max = _options.ReconnectMaxDelay.TotalMilliseconds;
        var ceiling = Math.Min(max, min * Math.Pow(2, Math.Min(failures - 1, 30)));
        return TimeSpan.FromMilliseconds(ceiling * (0.5 + (Random.Shared.NextDouble() * 0.5)));
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        base.Dispose();
        _clientOptions.Dispose();
    }

    private static TaskCompletionSource<IMqttClient> NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
