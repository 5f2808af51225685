using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Threading.Channels;
using Charger.Cloud.Core;
using Charger.Protocol;

namespace Charger.Cloud.Tests.Mqtt;

/// <summary>One call of <see cref="IIngestPipeline.HandleEventAsync"/>.</summary>
internal sealed record RecordedEvent(string Topic, byte[] Payload, bool Threw)
{
    public Envelope Envelope => Envelope.FromUtf8Json(Payload);
}

/// <summary>Test double of the ingest pipeline seam (the real one is tested with the store): records every call, acks up to the
/// event's seq, and throws for the next <see cref="FailNext"/> calls.</summary>
internal sealed class RecordingPipeline : IIngestPipeline
{
    private readonly Channel<RecordedEvent> _events = Channel.CreateUnbounded<RecordedEvent>();
    private readonly Channel<(string ChargerId, bool Online)> _statuses = Channel.CreateUnbounded<(string, bool)>();
    private int _failNext;

    public ConcurrentQueue<RecordedEvent> Events { get; } = new();

    public ConcurrentQueue<(string ChargerId, bool Online)> Statuses { get; } = new();

    /// <summary>How many of the next calls throw.</summary>
    public int FailNext
    {
        get => Volatile.Read(ref _failNext);
        set => Volatile.Write(ref _failNext, value);
    }

    public Task<IngestOutcome> HandleEventAsync(string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var fail = Interlocked.Decrement(ref _failNext) >= 0;
        if (!fail)
        {
            Interlocked.Exchange(ref _failNext, 0);
        }

        var recorded = new RecordedEvent(topic, payload.ToArray(), fail);
        Events.Enqueue(recorded);
        _events.Writer.TryWrite(recorded);
        if (fail)
        {
            throw new InvalidOperationException("injected pipeline failure");
        }

        var chargerId = Topics.TryParse(topic, out var id, out _) ? id : null;
        try
        {
            var envelope = recorded.Envelope;
            return Task.FromResult(new IngestOutcome(chargerId, envelope.Seq, Stored: true, RejectReason.None));
        }
        catch (System.Text.Json.JsonException ex)
        {
            return Task.FromResult(new IngestOutcome(chargerId, null, Stored: false, RejectReason.MalformedJson, ex.Message));
        }
    }

    public Task HandleStatusAsync(string chargerId, bool online, DateTimeOffset at, CancellationToken cancellationToken)
    {
        Statuses.Enqueue((chargerId, online));
        _statuses.Writer.TryWrite((chargerId, online));
        return Task.CompletedTask;
    }

    public async Task<RecordedEvent> NextEventAsync() =>
        await _events.Reader.ReadAsync().AsTask().WaitAsync(MqttTestHost.Timeout);

    public async Task<(string ChargerId, bool Online)> NextStatusAsync() =>
        await _statuses.Reader.ReadAsync().AsTask().WaitAsync(MqttTestHost.Timeout);
}

/// <summary>Test double of the credential store seam (the SQLite one has its own contract tests).</summary>
internal sealed class InMemoryCredentialStore : IChargerCredentialStore
{
    private readonly ConcurrentDictionary<string, string> _secrets = new(StringComparer.Ordinal);

    public Task<string> EnrolAsync(string chargerId, CancellationToken cancellationToken)
    {
        var secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        _secrets[ChargerId.Require(chargerId)] = secret;
        return Task.FromResult(secret);
    }

    public Task<bool> VerifyAsync(string chargerId, string secret, CancellationToken cancellationToken) =>
        Task.FromResult(_secrets.TryGetValue(chargerId, out var expected) && expected == secret);

    public Task<bool> RevokeAsync(string chargerId, CancellationToken cancellationToken) =>
        Task.FromResult(_secrets.TryRemove(chargerId, out _));
}
