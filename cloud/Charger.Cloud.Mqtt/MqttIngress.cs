using System.Buffers;
using System.Threading.Channels;
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
/// The receiver's MQTT client. It subscribes to every charger's events and status, hands the messages in batches to
/// <see cref="IIngestPipeline.HandleEventsAsync"/> (one store transaction per batch), publishes the cloud's cumulative
/// ack (<c>{"upTo":N}</c>, QoS 1, not retained; one per charger per batch) and only then PUBACKs the batch's messages to
/// the broker, so nothing is acknowledged before it is stored. It keeps a persistent session and reconnects with jittered
/// exponential back-off.
/// </summary>
/// <remarks>
/// MQTTnet hands over messages one at a time in arrival order; with manual acknowledgement (<c>AutoAcknowledge = false</c>)
/// the handler only queues each one, so the broker keeps sending while a batch is being stored (up to its in-flight
/// limit). One worker per connection takes the queue in order: a batch is up to <c>Ingress:BatchMaxMessages</c> messages,
/// or what arrived within <c>Ingress:BatchMaxDelayMilliseconds</c> of its first one. Batches are handled one after the
/// other and PUBACKed in the order of the PUBLISHes (as MQTT requires), which keeps each charger's stream in order. When
/// handling a batch throws (the store failed), none of it is acknowledged, every later message of that connection is left
/// unacknowledged too, and the ingress reconnects: the broker then redelivers them from the session in their original
/// order. Bad messages do not fail a batch: the pipeline dead-letters them and they are acknowledged with the others.
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
    private sealed class Connection(int capacity) : IDisposable
    {
        private readonly TaskCompletionSource<(ConnectionEnd End, string Reason)> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly CancellationTokenSource _closing = new();
        private volatile bool _poisoned;

        /// <summary>Messages received and not yet handled, in arrival order.</summary>
        public Channel<Received> Queue { get; } = Channel.CreateBounded<Received>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });

        /// <summary>Cancelled when the connection is poisoned, lost or closed: stop taking and handling messages.</summary>
        public CancellationToken Closing => _closing.Token;

        public bool Poisoned => _poisoned;

        public Task<(ConnectionEnd End, string Reason)> Ended => _ended.Task;

        public void Poison(string reason)
        {
            _poisoned = true;
            _ended.TrySetResult((ConnectionEnd.HandlingFailed, reason));
        }

        public void Lost(string reason) => _ended.TrySetResult((ConnectionEnd.LostAfterWork, reason));

        public void Close()
        {
            _closing.Cancel();
            Queue.Writer.TryComplete();
        }

        public void Dispose() => _closing.Dispose();
    }

    /// <summary>A message taken from MQTTnet, with its payload copied, waiting for its batch; <see cref="Args"/> PUBACKs it.</summary>
    private sealed record Received(string Topic, byte[] Payload, MqttApplicationMessageReceivedEventArgs Args);

    private async Task<ConnectionEnd> RunConnectionAsync(CancellationToken stoppingToken)
    {
        var (host, port, clientOptions) = BuildClientOptions();
        using var connection = new Connection(Math.Max(2, 2 * _options.BatchMaxMessages));
        using var client = new MqttClientFactory(_mqttNetLogger).CreateMqttClient();
        client.ApplicationMessageReceivedAsync += e => OnMessageAsync(connection, e);
        var worker = Task.Run(() => ProcessBatchesAsync(client, connection, stoppingToken), CancellationToken.None);
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

            // No batch is handled or acknowledged on this connection from here on.
            connection.Close();
            await worker.ConfigureAwait(false);

            // A clean DISCONNECT keeps the session (and its unacknowledged messages) on the broker. MQTTnet waits for the
            // message handler to return, which it does at once: the queue is closed.
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

    /// <summary>MQTTnet's handler: queues the message for its batch; the PUBACK is sent after the batch is stored.</summary>
    private static async Task OnMessageAsync(Connection connection, MqttApplicationMessageReceivedEventArgs e)
    {
        e.AutoAcknowledge = false;
        if (connection.Poisoned || connection.Closing.IsCancellationRequested)
        {
            return; // left unacknowledged: the broker redelivers it, in order, after the reconnect
        }

        var message = e.ApplicationMessage;
        try
        {
            // Copied: the batch outlives this handler. Waits while the queue is full (back-pressure on the receive loop).
            await connection.Queue.Writer.WriteAsync(new Received(message.Topic, message.Payload.ToArray(), e), connection.Closing).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            // The connection is ending: left unacknowledged, redelivered after the reconnect.
        }
    }

    /// <summary>The connection's one worker: takes the queue in order, batch after batch, until the connection ends.</summary>
    private async Task ProcessBatchesAsync(IMqttClient client, Connection connection, CancellationToken stoppingToken)
    {
        var reader = connection.Queue.Reader;
        var max = _options.BatchMaxMessages;
        var linger = TimeSpan.FromMilliseconds(_options.BatchMaxDelayMilliseconds);
        var batch = new List<Received>(max);
        try
        {
            while (await reader.WaitToReadAsync(connection.Closing).ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < max && reader.TryRead(out var received))
                {
                    batch.Add(received);
                }

                if (batch.Count < max && linger > TimeSpan.Zero)
                {
                    // A wall-clock wait (not the injected clock): a performance knob, not a domain time.
                    using var window = CancellationTokenSource.CreateLinkedTokenSource(connection.Closing);
                    window.CancelAfter(linger);
                    try
                    {
                        while (batch.Count < max && await reader.WaitToReadAsync(window.Token).ConfigureAwait(false))
                        {
                            while (batch.Count < max && reader.TryRead(out var received))
                            {
                                batch.Add(received);
                            }
                        }
                    }
                    catch (OperationCanceledException) when (!connection.Closing.IsCancellationRequested)
                    {
                        // The window closed: handle what arrived.
                    }
                }

                if (batch.Count == 0 || connection.Poisoned || connection.Closing.IsCancellationRequested)
                {
                    return;
                }

                await HandleBatchAsync(client, connection, batch, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (connection.Closing.IsCancellationRequested)
        {
        }
    }

    private async Task HandleBatchAsync(IMqttClient client, Connection connection, List<Received> batch, CancellationToken stoppingToken)
    {
        var topic = batch[0].Topic;
        var handled = false;
        try
        {
            var events = new List<IngestMessage>(batch.Count);
            var statuses = new List<(string ChargerId, Received Message)>();
            foreach (var received in batch)
            {
                if (!Topics.TryParse(received.Topic, out var chargerId, out var kind) || kind is not (TopicKind.Events or TopicKind.Status))
                {
                    MqttLog.IngressUnexpectedTopic(_logger, received.Topic);
                }
                else if (kind == TopicKind.Events)
                {
                    events.Add(new IngestMessage(received.Topic, received.Payload));
                }
                else
                {
                    statuses.Add((chargerId, received));
                }
            }

            IReadOnlyDictionary<string, long> acks = new Dictionary<string, long>();
            if (events.Count > 0)
            {
                var outcome = await _pipeline.HandleEventsAsync(events, stoppingToken).ConfigureAwait(false);
                for (var i = 0; i < events.Count; i++)
                {
                    if (outcome.Outcomes[i] is { Rejected: not RejectReason.None } rejected)
                    {
                        MqttLog.IngressEventRejected(_logger, events[i].Topic, rejected.Rejected, rejected.Detail);
                    }
                }

                acks = outcome.Acks;
            }

            foreach (var (chargerId, received) in statuses)
            {
                await HandleStatusAsync(chargerId, new ReadOnlySequence<byte>(received.Payload), stoppingToken).ConfigureAwait(false);
            }

            handled = true;
            await Task.WhenAll(acks.Select(ack => PublishAckAsync(client, ack.Key, ack.Value, stoppingToken))).ConfigureAwait(false);

            // PUBACKs in the order of the PUBLISHes.
            foreach (var received in batch)
            {
                topic = received.Topic;
                await received.Args.AcknowledgeAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping (MQTTnet reports a cancelled request as a timeout, not as OperationCanceledException):
            // not acknowledged, so the broker redelivers it to the next receiver.
        }
        catch (Exception ex) when (handled)
        {
            // Stored, but an ack or a PUBACK did not go out (connection lost): the redelivered copies are duplicates the
            // pipeline recognises, and it answers with the ack again.
            MqttLog.IngressAcknowledgeFailed(_logger, topic, ex.Message);
            connection.Poison($"acknowledging a message on {topic} failed: {ex.Message}");
        }
        catch (Exception ex)
        {
            MqttLog.IngressHandlingFailed(_logger, topic, ex);
            connection.Poison($"handling a batch of {batch.Count} message(s), the first on {topic}, failed: {ex.Message}");
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
