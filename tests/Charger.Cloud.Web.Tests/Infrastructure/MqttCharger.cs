using System.Text;
using System.Text.Json;
using Charger.Cloud.Core;
using Charger.Protocol;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Protocol;

namespace Charger.Cloud.Web.Tests.Infrastructure;

/// <summary>
/// A charger as the cloud sees one: enrolled with its own secret, connected to the embedded broker with a real MQTTnet
/// client, publishing v1 envelopes on its events topic and waiting for the cloud's ack (the signal that they are stored).
/// </summary>
public sealed class MqttCharger : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly object _gate = new();
    private readonly List<(long UpTo, TaskCompletionSource Signal)> _waiters = [];
    private long _acked;
    private long _seq;

    private MqttCharger(string id, IMqttClient client)
    {
        Id = id;
        _client = client;
    }

    public string Id { get; }

    /// <summary>Enrols <paramref name="id"/>, connects as it, announces it online and listens for its acks.</summary>
    public static async Task<MqttCharger> ConnectAsync(CloudHost host, string id)
    {
        await host.WaitForIngressAsync();
        var secret = await host.Services.GetRequiredService<IChargerCredentialStore>().EnrolAsync(id, CancellationToken.None);
        var client = new MqttClientFactory().CreateMqttClient();
        var charger = new MqttCharger(id, client);
        client.ApplicationMessageReceivedAsync += e =>
        {
            using var json = JsonDocument.Parse(e.ApplicationMessage.ConvertPayloadToString());
            charger.Acked(json.RootElement.GetProperty("upTo").GetInt64());
            return Task.CompletedTask;
        };
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", host.MqttPort)
            .WithClientId(id)
            .WithCredentials(id, secret)
            .WithWillTopic(Topics.Status(id)).WithWillPayload("offline"u8.ToArray()).WithWillRetain()
            .Build();
        var connected = await client.ConnectAsync(options);
        Assert.Equal(MqttClientConnectResultCode.Success, connected.ResultCode);
        await client.SubscribeAsync(Topics.Ack(id), MqttQualityOfServiceLevel.AtLeastOnce);
        await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(Topics.Status(id)).WithPayload(Encoding.UTF8.GetBytes("online"))
            .WithRetainFlag().WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        return charger;
    }

    /// <summary>Publishes the next event (QoS 1) and returns when the cloud acknowledged it as stored.</summary>
    public async Task<Envelope> PublishAsync<T>(string type, T data, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
    {
        var envelope = Envelope.Create(Id, ++_seq, DateTimeOffset.UtcNow, type, data, typeInfo);
        var stored = WaitForAck(envelope.Seq);
        var result = await _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(Topics.Events(Id)).WithPayload(envelope.ToUtf8Json())
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Assert.True(result.IsSuccess, $"publish {type}: {result.ReasonCode}");
        await stored.WaitAsync(TimeSpan.FromSeconds(30));
        return envelope;
    }

    public Task<Envelope> BootAsync(string model = "EVB-22-WEB") => PublishAsync(EventTypes.Boot,
        new BootData { Reason = "power-on", AgentVersion = "1.4.0", FirmwareVersion = "fw-9.2", Model = model, Serial = "SN-" + Id },
        ProtocolJsonContext.Default.BootData);

    public Task<Envelope> StateAsync(DiagnosticState from, DiagnosticState to) => PublishAsync(EventTypes.StateChanged,
        new StateChangedData { From = from, To = to, Trigger = "test" }, ProtocolJsonContext.Default.StateChangedData);

    public Task<Envelope> FaultAsync(string code, Severity severity, string message, bool blocksCharging = true, double? value = null, string? unit = null) =>
        PublishAsync(EventTypes.FaultRaised,
            new FaultRaisedData { Code = code, Component = "rcd", Severity = severity, Value = value, Unit = unit, BlocksCharging = blocksCharging, Message = message },
            ProtocolJsonContext.Default.FaultRaisedData);

    private Task WaitForAck(long seq)
    {
        lock (_gate)
        {
            if (_acked >= seq)
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((seq, signal));
            return signal.Task;
        }
    }

    private void Acked(long upTo)
    {
        lock (_gate)
        {
            _acked = Math.Max(_acked, upTo);
            foreach (var waiter in _waiters.Where(w => w.UpTo <= _acked).ToList())
            {
                waiter.Signal.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync();
        }

        _client.Dispose();
    }
}
