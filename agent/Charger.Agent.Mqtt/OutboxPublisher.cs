using System.Buffers;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Charger.Agent.Core;
using Charger.Agent.Core.Journal;
using Charger.Protocol;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;

namespace Charger.Agent.Mqtt;

/// <summary>
/// Drains the journal's outbox to the broker in seq order (QoS 1, persistent session), and marks events delivered only
/// when the cloud's cumulative <c>ack</c> arrives, never on the broker's PUBACK. Keeps a retained <c>status</c> with a last
/// will, reconnects with jittered exponential backoff, and sends again what was not acknowledged in time.
/// </summary>
public sealed partial class OutboxPublisher : IAsyncDisposable
{
    private readonly string _chargerId;
    private readonly MqttPublisherOptions _options;
    private readonly EventRecorder _recorder;
    private readonly IJournal _journal;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IMqttClient _client;
    private long _sentUpTo;
    private long _resent;
    private long _ackReceived;
    private readonly System.Threading.Channels.Channel<bool> _ackArrived =
        System.Threading.Channels.Channel.CreateBounded<bool>(new System.Threading.Channels.BoundedChannelOptions(1) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite });
    private DateTimeOffset _lastProgress;

    public OutboxPublisher(string chargerId, MqttPublisherOptions options, EventRecorder recorder, TimeProvider time, ILogger<OutboxPublisher> logger)
    {
        _chargerId = ChargerId.Require(chargerId);
        _options = options;
        _recorder = recorder;
        _journal = recorder.Journal;
        _time = time;
        _logger = logger;
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
    }

    /// <summary>True while connected to the broker.</summary>
    public bool IsConnected => _client.IsConnected;

    /// <summary>Connections made since start (for status and tests).</summary>
    public int ConnectCount { get; private set; }

    /// <summary>Highest seq the cloud has acknowledged.</summary>
    public long AckedUpTo => _journal.Stats.AckedUpTo;

    /// <summary>Highest seq the broker has accepted (PUBACK) on this connection. Events above <see cref="AckedUpTo"/> and up
    /// to this one are in the broker's or the cloud's hands but not yet confirmed stored: they stay in the journal.</summary>
    public long PubAckedUpTo => Volatile.Read(ref _sentUpTo);

    /// <summary>Events scheduled to be sent again (after a reconnect or <see cref="MqttPublisherOptions.ResendAfter"/>) since start.</summary>
    public long ResentCount => Volatile.Read(ref _resent);

    /// <summary>Runs until cancelled: connect, drain, reconnect.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stopAcks = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var acks = Task.Run(() => ApplyAcksAsync(stopAcks.Token), CancellationToken.None);
        try
        {
            await ConnectAndDrainAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await stopAcks.CancelAsync().ConfigureAwait(false);
            await acks.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes the highest ack received to the journal, one write for however many acks arrived meanwhile (group commit):
    /// the cloud acks every event, and an fsync per ack would cap the drain. An ack lost in a crash only means a resend,
    /// which the cloud absorbs.
    /// </summary>
    private async Task ApplyAcksAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _ackArrived.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                _ackArrived.Reader.TryRead(out _);
                var upTo = Volatile.Read(ref _ackReceived);
                var before = _journal.Stats.AckedUpTo;
                if (upTo <= before)
                {
                    continue;
                }

                try
                {
                    await _journal.AcknowledgeAsync(upTo, CancellationToken.None).ConfigureAwait(false);
                }
                catch (JournalStorageException ex)
                {
                    // Not marked: the events are sent again later and the cloud ignores the duplicates.
                    LogBadAck(_logger, ex.Message);
                    continue;
                }

                _lastProgress = _time.GetUtcNow();
                _recorder.SignalOutbox();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping; a pending ack is written on the next start's first ack at the latest.
        }
    }

    private async Task ConnectAndDrainAsync(CancellationToken cancellationToken)
    {
        var attempt = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (!_client.IsConnected)
                {
                    await ConnectAsync(cancellationToken).ConfigureAwait(false);
                    attempt = 0;
                }

                await DrainAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                attempt++;
                var delay = Backoff(attempt);
                LogConnectionLost(_logger, _options.Host, _options.Port, ex.Message, delay.TotalMilliseconds);
                try
                {
                    await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        await DisconnectCleanlyAsync().ConfigureAwait(false);
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(_options.Host, _options.Port)
            .WithClientId(_chargerId)
            .WithCredentials(_options.Username ?? _chargerId, _options.ResolvePassword())
            .WithCleanStart(false)
            .WithSessionExpiryInterval((uint)_options.SessionExpiry.TotalSeconds)
            .WithKeepAlivePeriod(_options.KeepAlive)
            .WithTimeout(TimeSpan.FromSeconds(10))
            .WithWillTopic(Topics.Status(_chargerId))
            .WithWillPayload(Topics.Offline)
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        if (_options.UseTls)
        {
            builder = builder.WithTlsOptions(o =>
            {
                o.UseTls();
                if (!string.IsNullOrEmpty(_options.CaFile))
                {
                    // The CA file holds certificates only (CreateFromPemFile would look for a private key in it); a bundle may
                    // carry intermediates too.
                    var trust = new X509Certificate2Collection();
                    trust.ImportFromPemFile(_options.CaFile);
                    o.WithTrustChain(trust);
                }

                if (!string.IsNullOrEmpty(_options.ClientCertificateFile))
                {
                    o.WithClientCertificates([X509Certificate2.CreateFromPemFile(_options.ClientCertificateFile, _options.ClientKeyFile)]);
                }
            });
        }

        var result = await _client.ConnectAsync(builder.Build(), cancellationToken).ConfigureAwait(false);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            await DisconnectQuietlyAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"broker refused the connection: {result.ResultCode} {result.ReasonString}");
        }

        await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(Topics.Ack(_chargerId), MqttQualityOfServiceLevel.AtLeastOnce)
            .Build(), cancellationToken).ConfigureAwait(false);
        await _client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(Topics.Status(_chargerId))
            .WithPayload(Topics.Online)
            .WithRetainFlag(true)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build(), cancellationToken).ConfigureAwait(false);

        ConnectCount++;
        // Everything not acknowledged is sent again on every new connection: the broker may have lost it.
        RewindTo(_journal.Stats.AckedUpTo);
        _lastProgress = _time.GetUtcNow();
        LogConnected(_logger, _options.Host, _options.Port, result.IsSessionPresent, _journal.Stats.PendingCount);
    }

    private void RewindTo(long ackedUpTo)
    {
        if (_sentUpTo > ackedUpTo)
        {
            Interlocked.Add(ref _resent, _sentUpTo - ackedUpTo);
        }

        Volatile.Write(ref _sentUpTo, ackedUpTo);
    }

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        while (_client.IsConnected && !cancellationToken.IsCancellationRequested)
        {
            _recorder.ResetOutboxSignal();
            var stats = _journal.Stats;
            if (stats.AckedUpTo > _sentUpTo)
            {
                _sentUpTo = stats.AckedUpTo;
            }

            await PublishTelemetryAsync(cancellationToken).ConfigureAwait(false);

            var room = _options.MaxInFlight - (int)Math.Min(_sentUpTo - stats.AckedUpTo, int.MaxValue);
            if (room > 0)
            {
                var batch = await _journal.ReadPendingAsync(_sentUpTo, Math.Min(room, 200), cancellationToken).ConfigureAwait(false);
                if (batch.Count > 0)
                {
                    foreach (var envelope in batch)
                    {
                        await PublishEventAsync(envelope, cancellationToken).ConfigureAwait(false);
                        _sentUpTo = envelope.Seq;
                    }

                    continue;
                }
            }

            // Nothing to send (or the window is full): wait for new events, an ack, or the resend timer.
            if (_sentUpTo > stats.AckedUpTo && _time.GetUtcNow() - _lastProgress >= _options.ResendAfter)
            {
                LogResending(_logger, stats.AckedUpTo + 1, _sentUpTo);
                RewindTo(stats.AckedUpTo);
                _lastProgress = _time.GetUtcNow();
                continue;
            }

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(_sentUpTo > stats.AckedUpTo ? _options.ResendAfter : _options.KeepAlive);
            try
            {
                await _recorder.WaitForOutboxAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Timer: loop to check resend and connection.
            }
        }

        if (!_client.IsConnected)
        {
            throw new InvalidOperationException("disconnected from the broker");
        }
    }

    private async Task PublishEventAsync(Envelope envelope, CancellationToken cancellationToken)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(Topics.Events(_chargerId))
            .WithPayload(envelope.ToUtf8Json())
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithContentType("application/json")
            .Build();
        var result = await _client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
        if (result.ReasonCode is not (MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers))
        {
            // The broker refused it (e.g. not authorised): keep it in the outbox and back off.
            throw new InvalidOperationException($"broker refused event seq {envelope.Seq}: {result.ReasonCode} {result.ReasonString}");
        }
    }

    private async Task PublishTelemetryAsync(CancellationToken cancellationToken)
    {
        var items = await _journal.TakeTelemetryAsync(50, cancellationToken).ConfigureAwait(false);
        foreach (var payload in items)
        {
            await _client.PublishAsync(new MqttApplicationMessageBuilder()
                .WithTopic(Topics.Telemetry(_chargerId))
                .WithPayload(payload)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtMostOnce)
                .Build(), cancellationToken).ConfigureAwait(false);
        }
    }

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        if (!string.Equals(e.ApplicationMessage.Topic, Topics.Ack(_chargerId), StringComparison.Ordinal))
        {
            return Task.CompletedTask;
        }

        AckMessage? ack;
        try
        {
            ack = JsonSerializer.Deserialize(e.ApplicationMessage.Payload.ToArray(), ProtocolJsonContext.Default.AckMessage);
        }
        catch (JsonException ex)
        {
            LogBadAck(_logger, ex.Message);
            return Task.CompletedTask;
        }

        if (ack is null || ack.UpTo < 0)
        {
            LogBadAck(_logger, "missing upTo");
            return Task.CompletedTask;
        }

        long seen;
        do
        {
            seen = Volatile.Read(ref _ackReceived);
        }
        while (ack.UpTo > seen && Interlocked.CompareExchange(ref _ackReceived, ack.UpTo, seen) != seen);

        _ackArrived.Writer.TryWrite(true);
        return Task.CompletedTask;
    }

    private TimeSpan Backoff(int attempt)
    {
        var max = _options.ReconnectMaxDelay.TotalMilliseconds;
        var min = _options.ReconnectMinDelay.TotalMilliseconds;
        var exp = Math.Min(max, min * Math.Pow(2, Math.Min(attempt - 1, 20)));
        // Full jitter in [min, exp] so a fleet that lost the broker together does not come back together.
        return TimeSpan.FromMilliseconds(min + (Random.Shared.NextDouble() * (exp - min)));
    }

    private async Task DisconnectCleanlyAsync()
    {
        if (!_client.IsConnected)
        {
            return;
        }

        try
        {
            // A clean stop says offline itself (a normal DISCONNECT suppresses the will).
            await _client.PublishAsync(new MqttApplicationMessageBuilder()
                .WithTopic(Topics.Status(_chargerId))
                .WithPayload(Topics.Offline)
                .WithRetainFlag(true)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build(), new CancellationTokenSource(TimeSpan.FromSeconds(2)).Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or MqttCommunicationException or InvalidOperationException)
        {
            // Going away anyway; the will covers it.
        }

        await DisconnectQuietlyAsync().ConfigureAwait(false);
    }

    private async Task DisconnectQuietlyAsync()
    {
        try
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), new CancellationTokenSource(TimeSpan.FromSeconds(2)).Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or MqttCommunicationException or InvalidOperationException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DisconnectQuietlyAsync().ConfigureAwait(false);
        _client.Dispose();
    }

    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "Connected to {Host}:{Port} (session present: {SessionPresent}); {Pending} events waiting for the cloud's ack")]
    private static partial void LogConnected(ILogger logger, string host, int port, bool sessionPresent, long pending);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "Broker {Host}:{Port} unavailable ({Error}); retrying in {DelayMs:0} ms")]
    private static partial void LogConnectionLost(ILogger logger, string host, int port, string error, double delayMs);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Information, Message = "No ack progress: sending seq {From}..{To} again")]
    private static partial void LogResending(ILogger logger, long from, long to);

    [LoggerMessage(EventId = 1304, Level = LogLevel.Warning, Message = "Ignored a malformed ack: {Error}")]
    private static partial void LogBadAck(ILogger logger, string error);
}
