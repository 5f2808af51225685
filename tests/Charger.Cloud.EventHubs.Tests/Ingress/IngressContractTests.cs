using System.Text;
using Charger.Cloud.Core;
using Charger.Cloud.EventHubs.Tests.Support;
using Charger.Protocol;

namespace Charger.Cloud.EventHubs.Tests.Ingress;

/// <summary>
/// The same ingest cases through each ingress adapter, with the real pipeline and store behind it: whatever carries a
/// charger's messages (the MQTT broker, or an event hub fed by the broker), the outcome and the ack it gets are the same.
/// </summary>
public abstract class IngressContractTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private IngressUnderTest _ingress = null!;

    private protected abstract Task<IngressUnderTest> StartAsync(CloudDatabase database);

    public async Task InitializeAsync() => _ingress = await StartAsync(CloudDatabase.Sqlite());

    public async Task DisposeAsync() => await _ingress.DisposeAsync();

    private Task SendAsync(AgentClient agent, byte[] payload) => _ingress.SendAsync(agent, Topics.Events(agent.ChargerId), payload);

    private async Task<long[]> StoredSeqsAsync(string chargerId) =>
        (await _ingress.Events.QueryEventsAsync(new EventQuery(chargerId) { Limit = 100 }, Ct)).Select(e => e.Seq).ToArray();

    private static long[] Seqs(params long[] seqs) => seqs;

    [Fact]
    public async Task Valid_event_is_stored_and_the_charger_gets_its_ack()
    {
        var agent = await _ingress.ConnectAgentAsync("CP-1");

        await SendAsync(agent, HubEvents.Envelope("CP-1", 1));

        Assert.Equal(1, await agent.NextAckAsync());
        Assert.Equal(Seqs(1), await StoredSeqsAsync("CP-1"));
        Assert.Equal(1, (await _ingress.Events.GetChargerAsync("CP-1", Ct))!.AppliedSeq);
    }

    [Fact]
    public async Task Duplicate_event_is_stored_once_and_acked_again()
    {
        var agent = await _ingress.ConnectAgentAsync("CP-1");
        var payload = HubEvents.Envelope("CP-1", 1);
        await SendAsync(agent, payload);
        Assert.Equal(1, await agent.NextAckAsync());

        await SendAsync(agent, payload);

        Assert.Equal(1, await agent.NextAckAsync());
        Assert.Equal(Seqs(1), await StoredSeqsAsync("CP-1"));
        Assert.Empty(await _ingress.Events.ListDeadLettersAsync(10, Ct));
    }

    [Fact]
    public async Task Gap_is_recorded_and_the_ack_jumps_once_the_missing_event_fills_it()
    {
        var agent = await _ingress.ConnectAgentAsync("CP-1");
        await SendAsync(agent, HubEvents.Envelope("CP-1", 1));
        Assert.Equal(1, await agent.NextAckAsync());

        await SendAsync(agent, HubEvents.Envelope("CP-1", 3));

        Assert.Equal(1, await agent.NextAckAsync());
        var gap = Assert.Single(await _ingress.Events.ListGapsAsync("CP-1", openOnly: true, Ct));
        Assert.Equal((2L, 2L), (gap.FromSeq, gap.ToSeq));

        await SendAsync(agent, HubEvents.Envelope("CP-1", 2));

        Assert.Equal(3, await agent.NextAckAsync());
        Assert.Empty(await _ingress.Events.ListGapsAsync("CP-1", openOnly: true, Ct));
        Assert.Equal(Seqs(1, 2, 3), await StoredSeqsAsync("CP-1"));
    }

    [Fact]
    public async Task Malformed_payload_is_dead_lettered_and_the_stream_goes_on()
    {
        var agent = await _ingress.ConnectAgentAsync("CP-1");

        await SendAsync(agent, Encoding.UTF8.GetBytes("{\"v\":1,\"seq\":"));

        Assert.Equal(0, await agent.NextAckAsync());
        var dead = Assert.Single(await _ingress.Events.ListDeadLettersAsync(10, Ct));
        Assert.Equal(RejectReason.MalformedJson.ToString(), dead.Reason);
        Assert.Equal("CP-1", dead.ChargerId);
        Assert.Equal(Topics.Events("CP-1"), dead.Topic);

        await SendAsync(agent, HubEvents.Envelope("CP-1", 1));

        Assert.Equal(1, await agent.NextAckAsync());
        Assert.Equal(Seqs(1), await StoredSeqsAsync("CP-1"));
    }

    [Fact]
    public async Task Bytes_that_are_not_utf8_fail_only_their_message_and_another_chargers_event_is_stored()
    {
        var flooder = await _ingress.ConnectAgentAsync("CP-1");
        var other = await _ingress.ConnectAgentAsync("CP-2");
        var bad = HubEvents.Envelope("CP-1", 1);
        var at = bad.AsSpan().IndexOf("\"counters\""u8) + 2;
        bad[at] = 0xC3;
        bad[at + 1] = 0x28;

        await SendAsync(flooder, bad);

        // The refused seq is recorded as rejected: the charger's ack moves past it and it stops resending.
        Assert.Equal(1, await flooder.NextAckAsync());
        var dead = Assert.Single(await _ingress.Events.ListDeadLettersAsync(10, Ct));
        Assert.Equal((RejectReason.MalformedJson.ToString(), "CP-1"), (dead.Reason, dead.ChargerId));

        await SendAsync(other, HubEvents.Envelope("CP-2", 1));

        Assert.Equal(1, await other.NextAckAsync());
        Assert.Equal(Seqs(1), await StoredSeqsAsync("CP-2"));
        Assert.Equal(RejectedEvents.Type, Assert.Single(await _ingress.Events.QueryEventsAsync(new EventQuery("CP-1"), Ct)).Type);
    }

    [Fact]
    public async Task Event_naming_another_charger_than_its_topic_is_refused()
    {
        var agent = await _ingress.ConnectAgentAsync("CP-1");

        await SendAsync(agent, HubEvents.Envelope("CP-2", 1));

        Assert.Equal(0, await agent.NextAckAsync());
        var dead = Assert.Single(await _ingress.Events.ListDeadLettersAsync(10, Ct));
        Assert.Equal(RejectReason.ChargerIdMismatch.ToString(), dead.Reason);
        Assert.Empty(await StoredSeqsAsync("CP-1"));
        Assert.Empty(await StoredSeqsAsync("CP-2"));
        Assert.Null(await _ingress.Events.GetChargerAsync("CP-2", Ct));
    }
}

/// <summary>The ingest cases through the MQTT ingress (embedded broker).</summary>
public sealed class MqttIngressContractTests : IngressContractTests
{
    private protected override Task<IngressUnderTest> StartAsync(CloudDatabase database) => MqttIngressUnderTest.StartAsync(database);
}

/// <summary>The ingest cases through the Event Hubs ingress (acks over MQTT).</summary>
public sealed class EventHubsIngressContractTests : IngressContractTests
{
    private protected override Task<IngressUnderTest> StartAsync(CloudDatabase database) => EventHubsIngressUnderTest.StartAsync(database);
}
