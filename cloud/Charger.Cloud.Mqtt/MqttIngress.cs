using System.Buffers;
using Charger.Cloud.Core;
using Charger.Protocol;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace Charger.Cloud.Mqtt;

/// <summary>
/// The receiver's MQTT client. It subscribes to every charger's events and status, hands each message to
/// <see cref="IIngestPipeline"/>, publishes the cloud's cumulative ack (<c>{"upTo":N}</c>, QoS 1, not retained) and only
/// then PUBACKs the message to the broker, so nothing is acknowledged before it is stored. It keeps a persistent session
/// and reconnects with jittered exponential back-off.
/// </summary>
/// <remarks>
/// Messages are handled one at a time in arrival order (MQTTnet's receive queue, and MQTT's rule that PUBACKs follow the
/// order of the PUBLISHes), which keeps each charger's stream in order. When handling a message throws, the message is not
/// acknowledged, every later message of that connection is left unacknowledged too, and the ingress reconnects: the broker
/// then redelivers them from the session in their original order.
/// </remarks>
public sealed class MqttIngress : BackgroundService
{
    private static readonly string[] DefaultFilters = [Topics.AllEvents, Topics.AllStatus];

    private readonly IIngestPipeline _pipeline;
    private readonly MqttIngressOptions _options;
    private readonly EmbeddedBroker? _broker;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly MqttNetLoggerBridge _mqttNetLogger;
    private readonly object _gate = new();
    private readonly MqttBrokerClientOptions _clientOptions;
    private TaskCompletionSource _subscribed = NewSignal();

    /// <summary>Creates the ingress. <paramref name="broker"/> is required when <c>Ingress:Host</c> is not set.</summary>
    public MqttIngress(
        IIngestPipeline pipeline,
        IOptions<MqttIngressOptions> options,
        EmbeddedBroker? broker = null,
        TimeProvider? timeProvider = null,
        ILogger<MqttIngress>? logger = null)
    {
        _pipeline = pipeline;
        _options = options.Value;
        _broker = broker;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _mqttNetLogger = new MqttNetLoggerBridge(_logger);
        _clientOptions = new MqttBrokerClientOptions(_options, broker);
    }

    /// <summary>True while connected and subscribed.</summary>
    public bool IsConnected
    {
        get
        {
            lock (_gate)
            {
                return _subscribed.Task.IsCompletedSuccessfully;
            }
        }
    }

    /// <summary>Completes once the ingress is connected and its subscriptions are granted (at once if it already is).</summary>
    public Task WaitUntilSubscribedAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _subscribed.Task.WaitAsync(cancellationToken);
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

                // Start order: the broker first, whatever order the hosted services were registered in.
                await _broker.WaitUntilStartedAsync(stoppingToken).ConfigureAwait(false);
            }

            while (!stoppingToken.IsCancellationRequested)
            {
                var end = await RunConnectionAsync(stoppingToken).ConfigureAwait(false);
                if (stoppingToken.IsCancellationRequested)
                {
                    break;
                }

                failures = end == ConnectionEnd.LostAfterWork ? 1 : failures + 1;
                var delay = Backoff(failures);
                MqttLog.IngressReconnectScheduled(_logger, delay, failures);
                await Task.Delay(delay, _time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            MqttLog.IngressStopped(_logger);
        }
    }

    private TimeSpan Backoff(int failures)
    {
        var min = _options.ReconnectMinDelay.TotalMilliseconds;
        var max = _options.ReconnectMaxDelay.TotalMilliseconds;
        var ceiling = Math.Min(max, min * Math.Pow(2, Math.Min(failures - 1, 30)));
        return TimeSpan.FromMilliseconds(ceiling * (0.5 + (Random.Shared.NextDouble() * 0.5)));
    }

    private enum ConnectionEnd
    {
        /// <summary>Could not connect or subscribe.</summary>
        Failed,

        /// <summary>Handling a message failed: reconnect so the broker redelivers it.</summary>
        HandlingFailed,

        /// <summary>The connection worked and then dropped.</summary>
        LostAfterWork,
    }

    /// <summary>State of one MQTT connection; each connection has its own client so a late PUBACK can never go to a newer one.</summary>
    private sealed class Connection
    {
        private readonly TaskCompletionSource<(ConnectionEnd End, string Reason)> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile bool _poisoned;

        public bool Poisoned => _poisoned;

        public Task<(ConnectionEnd End, string Reason)> Ended => _ended.Task;

        public void Poison(string reason)
        {
            _poisoned = true;
            _ended.TrySetResult((ConnectionEnd.HandlingFailed, reason));
        }

        public void Lost(string reason) => _ended.TrySetResult((ConnectionEnd.LostAfterWork, reason));
    }

    private async Task<ConnectionEnd> RunConnectionAsync(CancellationToken stoppingToken)
    {
        var (host, port, clientOptions) = BuildClientOptions();
        var connection = new Connection();
        using var client = new MqttClientFactory(_mqttNetLogger).CreateMqttClient();
        client.ApplicationMessageReceivedAsync += e => OnMessageAsync(client, connection, e, stoppingToken);
        client.DisconnectedAsync += e =>
        {
            connection.Lost(e.Exception?.Message ?? e.Reason.ToString());
            return Task.CompletedTask;
        };

        try
        {
            MqttLog.IngressConnecting(_logger, host, port, clientOptions.ClientId, _options.UseTls);
            MqttClientConnectResult result;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
            {
                timeout.CancelAfter(TimeSpan.FromSeconds(_options.ConnectTimeoutSeconds));
                try
                {
                    result = await client.ConnectAsync(clientOptions, timeout.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    MqttLog.IngressConnectFailed(_logger, ex.Message, ex);
                    return ConnectionEnd.Failed;
                }
            }

            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                MqttLog.IngressConnectRefused(_logger, result.ResultCode, result.ReasonString);
                return ConnectionEnd.Failed;
            }

            MqttLog.IngressConnected(_logger, result.IsSessionPresent);
            if (!await SubscribeAsync(client, stoppingToken).ConfigureAwait(false))
            {
                await client.TryDisconnectAsync(MqttClientDisconnectOptionsReason.NormalDisconnection).ConfigureAwait(false);
                return ConnectionEnd.Failed;
            }

            lock (_gate)
            {
                _subscribed.TrySetResult();
            }

            var (end, reason) = await connection.Ended.WaitAsync(stoppingToken).ConfigureAwait(false);
            MqttLog.IngressConnectionLost(_logger, reason);
            return end;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return ConnectionEnd.LostAfterWork;
        }
        catch (Exception ex)
        {
            MqttLog.IngressConnectFailed(_logger, ex.Message, ex);
            return ConnectionEnd.Failed;
        }
        finally
        {
            lock (_gate)
            {
                if (_subscribed.Task.IsCompleted)
                {
                    _subscribed = NewSignal();
                }
            }

            // A clean DISCONNECT keeps the session (and its unacknowledged messages) on the broker. MQTTnet waits for the
            // message handler to return, which it does quickly: the connection is poisoned or stopping.
            if (client.IsConnected)
            {
                await client.TryDisconnectAsync(MqttClientDisconnectOptionsReason.NormalDisconnection).ConfigureAwait(false);
            }
        }
    }

    private async Task<bool> SubscribeAsync(IMqttClient client, CancellationToken cancellationToken)
    {
        var builder = new MqttClientSubscribeOptionsBuilder();
        var filters = new List<string>(DefaultFilters.Length);
        foreach (var filter in DefaultFilters)
        {
            var topic = _options.SharedSubscriptionGroup is { } group ? $"$share/{group}/{filter}" : filter;
            filters.Add(topic);
            builder.WithTopicFilter(f => f
                .WithTopic(topic)
                .WithAtLeastOnceQoS()
                // Retained status is replayed only when the subscription is new, not at every reconnect of a persistent session.
                .WithRetainHandling(MqttRetainHandling.SendAtSubscribeIfNewSubscriptionOnly));
        }

        var result = await client.SubscribeAsync(builder.Build(), cancellationToken).ConfigureAwait(false);
        var ok = true;
        foreach (var item in result.Items)
        {
            if (item.ResultCode > MqttClientSubscribeResultCode.GrantedQoS2)
            {
                MqttLog.IngressSubscriptionRefused(_logger, item.TopicFilter.Topic, item.ResultCode, result.ReasonString);
                ok = false;
            }
        }

        if (ok)
        {
            MqttLog.IngressSubscribed(_logger, filters);
        }

        return ok;
    }

    private async Task OnMessageAsync(IMqttClient client, Connection connection, MqttApplicationMessageReceivedEventArgs e, CancellationToken stoppingToken)
    {
        // PUBACK only after the pipeline has stored the message.
        e.AutoAcknowledge = false;
        if (connection.Poisoned || stoppingToken.IsCancellationRequested)
        {
            return; // left unacknowledged: the broker redelivers it, in order, after the reconnect
        }

        var message = e.ApplicationMessage;
        var topic = message.Topic;
        var handled = false;
        try
        {
            long? ackUpTo = null;
            string? ackFor = null;
            if (!Topics.TryParse(topic, out var chargerId, out var kind) || kind is not (TopicKind.Events or TopicKind.Status))
            {
                MqttLog.IngressUnexpectedTopic(_logger, topic);
            }
            else if (kind == TopicKind.Events)
            {
                var outcome = await _pipeline.HandleEventAsync(topic, ToMemory(message.Payload), stoppingToken).ConfigureAwait(false);
                if (outcome.Rejected != RejectReason.None)
                {
                    MqttLog.IngressEventRejected(_logger, topic, outcome.Rejected, outcome.Detail);
                }

                (ackUpTo, ackFor) = (outcome.AckUpTo, outcome.ChargerId);
            }
            else
            {
                await HandleStatusAsync(chargerId, message.Payload, stoppingToken).ConfigureAwait(false);
            }

            handled = true;
            if (ackUpTo is { } upTo && ackFor is not null)
            {
                await PublishAckAsync(client, ackFor, upTo, stoppingToken).ConfigureAwait(false);
            }

            await e.AcknowledgeAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping (MQTTnet reports a cancelled request as a timeout, not as OperationCanceledException):
            // not acknowledged, so the broker redelivers it to the next receiver.
        }
        catch (Exception ex) when (handled)
        {
            // Stored, but the ack or the PUBACK did not go out (connection lost): the redelivered copy is a duplicate the
            // pipeline recognises, and it answers with the ack again.
            MqttLog.IngressAcknowledgeFailed(_logger, topic, ex.Message);
            connection.Poison($"acknowledging a message on {topic} failed: {ex.Message}");
        }
        catch (Exception ex)
        {
            MqttLog.IngressHandlingFailed(_logger, topic, ex);
            connection.Poison($"handling a message on {topic} failed: {ex.Message}");
        }
    }

    private async Task HandleStatusAsync(string chargerId, ReadOnlySequence<byte> payload, CancellationToken cancellationToken)
    {
        if (payload.IsEmpty)
        {
            return; // a cleared retained status
        }

        var online = ParseStatus(payload);
        if (online is null)
        {
            MqttLog.IngressBadStatus(_logger, chargerId, payload.Length);
            return;
        }

        await _pipeline.HandleStatusAsync(chargerId, online.Value, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>"online" -> true, "offline" -> false, anything else -> null.</summary>
    internal static bool? ParseStatus(ReadOnlySequence<byte> payload)
    {
        if (payload.Length is < 6 or > 7)
        {
            return null;
        }

        Span<byte> text = stackalloc byte[(int)payload.Length];
        payload.CopyTo(text);
        return text.SequenceEqual("online"u8) ? true : text.SequenceEqual("offline"u8) ? false : null;
    }

    private async Task PublishAckAsync(IMqttClient client, string chargerId, long upTo, CancellationToken cancellationToken)
    {
        var ack = MqttBrokerClientOptions.Ack(chargerId, upTo);
        var result = await client.PublishAsync(ack, cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            // Not retried here: the agent resends unacknowledged events and the next ack is cumulative.
            MqttLog.IngressAckNotAccepted(_logger, chargerId, upTo, result.ReasonCode, result.ReasonString);
        }
    }

    private static ReadOnlyMemory<byte> ToMemory(ReadOnlySequence<byte> payload) =>
        payload.IsSingleSegment ? payload.First : payload.ToArray();

    private (string Host, int Port, MqttClientOptions Options) BuildClientOptions() =>
        _clientOptions.Build(
            cleanStart: false,
            _options.EffectiveSessionExpirySeconds,
            EmbeddedBroker.ReceiverClientId,
            $"charger-cloud-receiver-{Environment.MachineName}");

    /// <inheritdoc />
    public override void Dispose()
    {
        base.Dispose();
        _clientOptions.Dispose();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
