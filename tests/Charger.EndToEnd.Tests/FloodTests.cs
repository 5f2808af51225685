using System.Buffers;
using System.Text;
using Charger.Protocol;
using Charger.Testing;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Charger.EndToEnd.Tests;

/// <summary>
/// One charger's credential floods the cloud with 100,000 mutated envelopes through a real broker (the embedded one, and
/// mosquitto in front of the receiver) while another charger reports a ground fault: the fault is stored while the flood
/// is still being handled, every flood message is accounted for in <c>/metrics</c>, and every dead letter is counted.
/// </summary>
public sealed class FloodTests
{
    private const int FloodMessages = 100_000;
    private static readonly TimeSpan Wait = TimeSpan.FromMinutes(4);

    [Theory]
    [InlineData("embedded")]
    [InlineData("mosquitto")]
    public async Task A_charger_flooding_mutated_envelopes_stops_no_other_charger_and_every_dead_letter_is_counted(string broker)
    {
        var dir = Repo.TempDir("flood-" + broker);
        using var mosquitto = broker == "mosquitto" ? new MosquittoProcess(Path.Combine(dir, "mosquitto")) : null;
        if (mosquitto is not null)
        {
            await mosquitto.StartAsync();
        }

        await using var cloud = new CloudProcess(Path.Combine(dir, "cloud"), externalBrokerPort: mosquitto?.Port);
        var flooderSecret = await cloud.EnrolAsync("CP-FLOOD");
        var victimSecret = await cloud.EnrolAsync("CP-VICTIM");
        await cloud.StartAsync();
        var factory = new MqttClientFactory();
        using var flooder = factory.CreateMqttClient();
        using var victim = factory.CreateMqttClient();
        await ConnectAsync(flooder, cloud.MqttPort, "CP-FLOOD", flooderSecret);
        await ConnectAsync(victim, cloud.MqttPort, "CP-VICTIM", victimSecret);
        var victimAck = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        victim.ApplicationMessageReceivedAsync += e =>
        {
            if (e.ApplicationMessage.Topic == Topics.Ack("CP-VICTIM"))
            {
                victimAck.TrySetResult(System.Text.Json.JsonDocument.Parse(e.ApplicationMessage.Payload.ToArray()).RootElement.GetProperty("upTo").GetInt64());
            }

            return Task.CompletedTask;
        };
        await victim.SubscribeAsync(Topics.Ack("CP-VICTIM"), MqttQualityOfServiceLevel.AtLeastOnce);

        var mutator = new EnvelopeMutator(new Random(4242));
        var flood = Enumerable.Range(1, FloodMessages).Select(seq => mutator.Mutate(mutator.Valid("CP-FLOOD", seq))).ToList();

        // The first half of the flood reaches the broker (each PUBACKed) ...
        await PublishAsync(flooder, "CP-FLOOD", flood.Take(FloodMessages / 2));

        // ... then the other charger's ground fault, behind it in the receiver's queue. It must be stored and acknowledged
        // before the second half of the flood is even sent: the order is asserted by construction, not by a time.
        var fault = Envelope.Create("CP-VICTIM", 1, DateTimeOffset.UtcNow, EventTypes.FaultRaised,
            new FaultRaisedData { Code = FaultCatalogue.GroundFailure, Component = "rcd", Severity = Severity.Critical, Value = 31, Unit = "mA", BlocksCharging = true, Latching = true },
            ProtocolJsonContext.Default.FaultRaisedData);
        await victim.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(Topics.Events("CP-VICTIM")).WithPayload(fault.ToUtf8Json())
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        var acked = await victimAck.Task.WaitAsync(Wait).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : -1, TaskScheduler.Default);
        Assert.True(acked == 1, $"the other charger's fault was not acknowledged while the flood was handled\n{Tail(cloud.Output)}");
        var victimEvents = await cloud.AllEventsAsync("CP-VICTIM");
        Assert.Equal(fault.Id.ToString(), Assert.Single(victimEvents).GetProperty("id").GetString());

        await PublishAsync(flooder, "CP-FLOOD", flood.Skip(FloodMessages / 2));

        // The flooding charger's own valid event after the flood is stored like any other.
        var after = Envelope.Create("CP-FLOOD", FloodMessages + 1, DateTimeOffset.UtcNow, EventTypes.Counters,
            new CountersData { EnergyWh = 1 }, ProtocolJsonContext.Default.CountersData);
        await PublishAsync(flooder, "CP-FLOOD", [after.ToUtf8Json()]);

        // Every message is handled and accounted for: stored, duplicate, rejected or conflict.
        string metrics = string.Empty;
        await Eventually.TrueAsync(async () =>
        {
            metrics = await cloud.Http.GetStringAsync("/metrics");
            return PrometheusText.Sum(metrics, "charger_ingest_messages_total") >= FloodMessages + 2;
        }, Wait, () => $"the flood was not handled: {PrometheusText.Sum(metrics, "charger_ingest_messages_total")} of {FloodMessages + 2} messages counted\n{Tail(cloud.Output)}");
        Assert.Equal(FloodMessages + 2, PrometheusText.Sum(metrics, "charger_ingest_messages_total"));
        var refused = PrometheusText.Sum(metrics, "charger_ingest_messages_total", "outcome=\"rejected\"") + PrometheusText.Sum(metrics, "charger_ingest_messages_total", "outcome=\"conflict\"");
        Assert.InRange(refused, FloodMessages / 2, FloodMessages);
        Assert.Equal(refused, PrometheusText.Sum(metrics, "charger_ingest_dead_letters_total"));

        var stored = (await cloud.GetJsonAsync($"/api/v1/chargers/CP-FLOOD/events?afterSeq={FloodMessages}")).GetProperty("items").EnumerateArray().Single();
        Assert.Equal((after.Id.ToString(), EventTypes.Counters), (stored.GetProperty("id").GetString(), stored.GetProperty("type").GetString()));
        var newest = (await cloud.GetJsonAsync("/api/v1/dead-letters?limit=1")).EnumerateArray().Single();
        Assert.Equal("CP-FLOOD", newest.GetProperty("chargerId").GetString());
        var faults = (await cloud.GetJsonAsync("/api/v1/faults?status=active")).EnumerateArray()
            .Select(f => (f.GetProperty("chargerId").GetString(), f.GetProperty("code").GetString())).ToList();
        Assert.Contains(("CP-VICTIM", FaultCatalogue.GroundFailure), faults);
    }

    private static async Task ConnectAsync(IMqttClient client, int port, string chargerId, string secret)
    {
        var result = await client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(chargerId)
            .WithCredentials(chargerId, secret)
            .WithTimeout(TimeSpan.FromSeconds(30))
            .Build());
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
    }

    /// <summary>Publishes at QoS 1, 200 at a time in flight, and checks the broker accepted each one.</summary>
    private static async Task PublishAsync(IMqttClient client, string chargerId, IEnumerable<byte[]> payloads)
    {
        foreach (var chunk in payloads.Chunk(200))
        {
            var results = await Task.WhenAll(chunk.Select(p => client.PublishAsync(new MqttApplicationMessageBuilder()
                .WithTopic(Topics.Events(chargerId)).WithPayload(p).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build())));
            Assert.All(results, r => Assert.True(r.IsSuccess, $"the broker refused a publish: {r.ReasonCode} {r.ReasonString}"));
        }
    }

    private static string Tail(string output) => output.Length <= 4000 ? output : output[^4000..];
}
