using System.Text;
using Charger.Cloud.Core;
using Charger.Cloud.EventHubs.Tests.Support;
using Charger.Protocol;

namespace Charger.Cloud.EventHubs.Tests.Ingress;

/// <summary>How a broker's message arriving in the event hub is mapped back to topic and payload, through the processor
/// and the real pipeline on SQLite.</summary>
public sealed class EventHubsMessageTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private readonly CloudDatabase _database = CloudDatabase.Sqlite();
    private Receiver _receiver = null!;
    private TestProcessor _processor = null!;

    public Task InitializeAsync()
    {
        _receiver = new Receiver(_database);
        _processor = _receiver.Processor();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _database.DisposeAsync();
    }

    private static long[] Seqs(params long[] seqs) => seqs;

    private async Task<long[]> StoredSeqsAsync(string chargerId) =>
        (await _database.Events.QueryEventsAsync(new EventQuery(chargerId), Ct)).Select(e => e.Seq).ToArray();

    [Fact]
    public async Task Event_without_a_topic_is_dead_lettered_saying_where_it_came_from_and_the_batch_goes_on()
    {
        await _processor.ProcessAsync("3", [HubEvents.Mqtt(41, topic: null, HubEvents.Envelope("CP-1", 1)), HubEvents.Of(42, "CP-1", 1)]);

        var dead = Assert.Single(await _database.Events.ListDeadLettersAsync(10, Ct));
        Assert.Equal(RejectReason.BadTopic.ToString(), dead.Reason);
        Assert.Contains("no MQTT topic: event hub partition 3, offset 41000, sequence 41", dead.Topic, StringComparison.Ordinal);
        Assert.Contains("'mqtt-topic'", dead.Topic, StringComparison.Ordinal);
        Assert.Null(dead.ChargerId);
        Assert.Equal(Seqs(1), await StoredSeqsAsync("CP-1"));
        Assert.NotNull(await _processor.ReadCheckpointAsync("3"));
    }

    [Fact]
    public async Task Topic_in_another_configured_property_is_used()
    {
        await _processor.ProcessAsync("0", [HubEvents.Mqtt(1, Topics.Events("CP-1"), HubEvents.Envelope("CP-1", 1), topicProperty: "topic")]);

        Assert.Equal(Seqs(1), await StoredSeqsAsync("CP-1"));
    }

    [Fact]
    public async Task Structured_CloudEvent_from_Event_Grid_routing_is_ingested_by_its_subject_with_data_kept_byte_for_byte()
    {
        var envelope = Encoding.UTF8.GetString(HubEvents.Envelope("CP-1", 1));
        var cloudEvent = $$"""{"specversion":"1.0","id":"9aeb0fdf","time":"2026-03-01T08:01:00Z","type":"MQTT.EventPublished","source":"fleet-ns","subject":"ev/v1/CP-1/events","datacontenttype":"application/json","data":{{envelope}}}""";

        await _processor.ProcessAsync("0", [HubEvents.At(1, Encoding.UTF8.GetBytes(cloudEvent), new Dictionary<string, object>(), "application/cloudevents+json; charset=utf-8")]);

        var stored = Assert.Single(await _database.Events.QueryEventsAsync(new EventQuery("CP-1"), Ct));
        Assert.Equal(Envelope.FromUtf8Json(Encoding.UTF8.GetBytes(envelope)).Id, stored.Id);
        Assert.Empty(await _database.Events.ListDeadLettersAsync(10, Ct));
    }

    [Fact]
    public async Task Structured_CloudEvent_with_base64_data_is_ingested()
    {
        var data = Convert.ToBase64String(HubEvents.Envelope("CP-1", 1));
        var cloudEvent = $$"""{"specversion":"1.0","id":"1","type":"MQTT.EventPublished","source":"fleet-ns","subject":"ev/v1/CP-1/events","data_base64":"{{data}}"}""";

        await _processor.ProcessAsync("0", [HubEvents.At(1, Encoding.UTF8.GetBytes(cloudEvent), new Dictionary<string, object>())]);

        Assert.Equal(Seqs(1), await StoredSeqsAsync("CP-1"));
    }

    [Fact]
    public async Task Binary_mode_CloudEvent_takes_its_topic_from_the_subject_property()
    {
        await _processor.ProcessAsync("0", [HubEvents.At(1, HubEvents.Envelope("CP-1", 1), new Dictionary<string, object> { ["cloudEvents:subject"] = "ev/v1/CP-1/events" })]);

        Assert.Equal(Seqs(1), await StoredSeqsAsync("CP-1"));
    }

    [Fact]
    public async Task CloudEvent_without_subject_is_dead_lettered_as_such()
    {
        var cloudEvent = """{"specversion":"1.0","id":"1","type":"MQTT.EventPublished","source":"fleet-ns","data":{}}""";

        await _processor.ProcessAsync("0", [HubEvents.At(1, Encoding.UTF8.GetBytes(cloudEvent), new Dictionary<string, object>(), "application/cloudevents+json")]);

        var dead = Assert.Single(await _database.Events.ListDeadLettersAsync(10, Ct));
        Assert.Equal(RejectReason.BadTopic.ToString(), dead.Reason);
        Assert.Contains("a CloudEvent without subject", dead.Topic, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_sets_the_charger_online_as_of_its_enqueued_time_and_telemetry_is_skipped_without_a_dead_letter()
    {
        var status = HubEvents.Mqtt(1, Topics.Status("CP-1"), "online"u8.ToArray());
        var telemetry = HubEvents.Mqtt(2, Topics.Telemetry("CP-1"), "{}"u8.ToArray());

        await _processor.ProcessAsync("0", [status, telemetry]);

        var charger = await _database.Events.GetChargerAsync("CP-1", Ct);
        Assert.NotNull(charger);
        Assert.True(charger.Online);
        Assert.Empty(await _database.Events.ListDeadLettersAsync(10, Ct));
        Assert.Empty(await StoredSeqsAsync("CP-1"));
        Assert.NotNull(await _processor.ReadCheckpointAsync("0"));
    }

    [Fact]
    public async Task Events_of_one_batch_are_stored_in_one_go_and_a_topic_outside_ev_v1_is_dead_lettered()
    {
        await _processor.ProcessAsync("0",
        [
            HubEvents.Of(1, "CP-1", 1), HubEvents.Of(2, "CP-2", 1), HubEvents.Mqtt(3, "factory/line-4/events", HubEvents.Envelope("CP-1", 2)),
            HubEvents.Of(4, "CP-1", 2), HubEvents.Of(5, "CP-2", 2),
        ]);

        Assert.Equal(Seqs(1, 2), await StoredSeqsAsync("CP-1"));
        Assert.Equal(Seqs(1, 2), await StoredSeqsAsync("CP-2"));
        var dead = Assert.Single(await _database.Events.ListDeadLettersAsync(10, Ct));
        Assert.Equal("factory/line-4/events", dead.Topic);
        Assert.Equal(RejectReason.BadTopic.ToString(), dead.Reason);
    }
}
