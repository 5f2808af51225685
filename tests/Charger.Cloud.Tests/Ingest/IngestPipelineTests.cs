using System.Text;
using Charger.Cloud.Core;
using Charger.Cloud.Store;
using Charger.Cloud.Tests.Support;
using Charger.Protocol;
using Charger.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Charger.Cloud.Tests.Ingest;

/// <summary>
/// The ingest pipeline against a real store and a fake clock; run against every store adapter through a subclass
/// (SQLite and PostgreSQL, below) that creates a fresh store per test.
/// </summary>
public abstract class IngestPipelineTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly FakeTimeProvider _clock = new(Events.T0.AddDays(1));
    private EventStore _store = null!;
    private IngestPipeline _pipeline = null!;

    protected FakeTimeProvider Clock => _clock;

    protected EventStore Store => _store;

    /// <summary>A fresh, empty store.</summary>
    protected abstract Task<EventStore> CreateStoreAsync();

    /// <summary>Releases what <see cref="CreateStoreAsync"/> created.</summary>
    protected abstract Task DestroyStoreAsync();

    public async Task InitializeAsync()
    {
        _store = await CreateStoreAsync();
        _pipeline = NewPipeline(new IngestOptions { DeadLetterPayloadChars = 100 });
    }

    public Task DisposeAsync() => DestroyStoreAsync();

    private static readonly ServiceProvider Meters = new ServiceCollection().AddMetrics().BuildServiceProvider();

    protected IngestPipeline NewPipeline(IngestOptions options, IEventStore? store = null, AppliedEventsSignal? applied = null, IngestMetrics? metrics = null) =>
        new((IEventBatchStore)(store ?? _store), Options.Create(options), _clock, NullLogger<IngestPipeline>.Instance,
            metrics ?? new IngestMetrics(Meters.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()), applied ?? new AppliedEventsSignal(), new LiveUpdates());

    private Task<IngestOutcome> SendAsync(Envelope e) => _pipeline.HandleEventAsync(Topics.Events(e.ChargerId), e.ToUtf8Json(), Ct);

    private Task<IngestOutcome> SendAsync(string topic, string json) => _pipeline.HandleEventAsync(topic, Encoding.UTF8.GetBytes(json), Ct);

    /// <summary>The charger's applied events as the areas get them: in feed order, as (seq, type).</summary>
    protected async Task<(long Seq, string Type)[]> AppliedAsync(string chargerId) =>
        [.. (await FeedReader.ReadAllAsync((IEventFeed)_store, Ct)).Where(e => e.Event.ChargerId == chargerId).Select(e => (e.Event.Seq, e.Event.Type))];

    protected async Task<long[]> OpenGaps(string chargerId) =>
        (await Store.ListGapsAsync(chargerId, openOnly: true, Ct)).SelectMany(g => new[] { g.FromSeq, g.ToSeq }).ToArray();

    [Fact]
    public async Task Valid_event_is_stored_applied_and_acknowledged()
    {
        var outcome = await SendAsync(Events.Boot("CP-1", 1));

        Assert.Equal(new IngestOutcome("CP-1", 1, Stored: true, RejectReason.None), outcome);
        var c = await Store.GetChargerAsync("CP-1", Ct);
        Assert.Equal((1L, "1.2.3", "fw-7.1", "EVC-22", (DateTimeOffset?)_clock.GetUtcNow()), (c!.AppliedSeq, c.AgentVersion, c.FirmwareVersion, c.Model, c.LastSeen));
        Assert.Empty(await Store.ListDeadLettersAsync(10, Ct));
    }

    public static TheoryData<string, string, RejectReason, bool> InvalidMessages()
    {
        var valid = Encoding.UTF8.GetString(Events.Boot("CP-1", 1).ToUtf8Json());
        string With(string from, string to) => valid.Replace(from, to, StringComparison.Ordinal);

        // The last column: the message names seq 1 on its charger's own topic, so that seq is recorded as rejected.
        return new TheoryData<string, string, RejectReason, bool>
        {
            { "ev/v1/CP-1/events", "{\"v\":1,", RejectReason.MalformedJson, false },
            { "ev/v1/CP-1/events", "[1,2,3]", RejectReason.MalformedJson, false },
            { "ev/v1/CP-1/events", With("\"v\":1", "\"v\":2"), RejectReason.UnsupportedVersion, true },
            { "ev/v1/CP-1/events", With("\"seq\":1", "\"seq\":0"), RejectReason.InvalidField, false },
            { "ev/v1/CP-1/events", With("\"type\":", "\"kind\":"), RejectReason.MissingField, true },
            { "ev/v1/CP-1/events", With("\"type\":\"boot\"", "\"type\":\"Re Boot\""), RejectReason.UnknownType, true },
            { "ev/v1/CP-1/events", With("\"type\":\"boot\"", "\"type\":\"rejected\""), RejectReason.UnknownType, true },
            { "ev/v1/CP-1/events", With("\"agentVersion\"", "\"agentVersionX\""), RejectReason.InvalidData, true },
            { "ev/v1/CP-1/events", With("\"firmwareVersion\":\"fw-7.1\"", "\"firmwareVersion\":7"), RejectReason.InvalidData, true },
            { "ev/v1/CP-1/events", With("\"fw-7.1\"", "\"fw-\\ud800\""), RejectReason.InvalidData, true },
            { "ev/v1/CP-2/events", valid, RejectReason.ChargerIdMismatch, false },
            { "ev/v1/CP-1/telemetry", valid, RejectReason.BadTopic, false },
        };
    }

    [Theory]
    [MemberData(nameof(InvalidMessages))]
    public async Task Invalid_message_goes_to_dead_letters_with_its_reason_and_the_pipeline_keeps_serving(string topic, string json, RejectReason reason, bool marksSeq)
    {
        var outcome = await SendAsync(topic, json);

        Assert.Equal(reason, outcome.Rejected);
        Assert.False(outcome.Stored);
        Assert.False(string.IsNullOrEmpty(outcome.Detail));
        var letter = Assert.Single(await Store.ListDeadLettersAsync(10, Ct));
        Assert.Equal((topic, reason.ToString(), Encoding.UTF8.GetByteCount(json), _clock.GetUtcNow()), (letter.Topic, letter.Reason, letter.PayloadBytes, letter.ReceivedAt));
        Assert.StartsWith(outcome.Detail, letter.Detail, StringComparison.Ordinal);
        Assert.Equal(json.Length <= 100 ? json : json[..100], letter.Payload);
        var events = await Store.QueryEventsAsync(new EventQuery("CP-1"), Ct);
        if (marksSeq)
        {
            var marker = Assert.Single(events);
            Assert.Equal((1L, RejectedEvents.Type, (long?)1), (marker.Seq, marker.Type, outcome.AckUpTo));
            using var data = System.Text.Json.JsonDocument.Parse(marker.DataJson);
            Assert.Equal(reason.ToString(), data.RootElement.GetProperty("reason").GetString());
            Assert.Equal(json, Encoding.UTF8.GetString(data.RootElement.GetProperty("payload").GetBytesFromBase64()));
            Assert.Contains("recorded as rejected", letter.Detail, StringComparison.Ordinal);
        }
        else
        {
            Assert.Empty(events);
        }

        var next = marksSeq ? 2 : 1;
        Assert.Equal(new IngestOutcome("CP-1", next, true, RejectReason.None), await SendAsync(Events.Boot("CP-1", next)));
    }

    [Fact]
    public async Task Oversized_message_is_dead_lettered_as_too_large_with_a_truncated_payload()
    {
        var pipeline = NewPipeline(new IngestOptions { MaxPayloadBytes = 1024, DeadLetterPayloadChars = 50 });
        var huge = new string('x', 5000);

        var outcome = await pipeline.HandleEventAsync("ev/v1/CP-1/events", Encoding.UTF8.GetBytes(huge), Ct);

        Assert.Equal((RejectReason.TooLarge, "CP-1", (long?)0), (outcome.Rejected, outcome.ChargerId, outcome.AckUpTo));
        var letter = Assert.Single(await Store.ListDeadLettersAsync(10, Ct));
        Assert.Equal(("TooLarge", 50, 5000), (letter.Reason, letter.Payload.Length, letter.PayloadBytes));
    }

    [Fact]
    public async Task Reject_on_a_topic_without_a_charger_has_no_charger_and_no_ack()
    {
        var outcome = await SendAsync("junk/topic", "{}");

        Assert.Equal((null, null, RejectReason.BadTopic), (outcome.ChargerId, outcome.AckUpTo, outcome.Rejected));
        Assert.Null(Assert.Single(await Store.ListDeadLettersAsync(10, Ct)).ChargerId);
    }

    [Fact]
    public async Task Reject_on_a_known_chargers_topic_returns_its_current_ack()
    {
        await SendAsync(Events.Boot("CP-1", 1));
        await SendAsync(Events.Counters("CP-1", 2));

        var outcome = await SendAsync("ev/v1/CP-1/events", "not json");

        Assert.Equal(("CP-1", (long?)2, RejectReason.MalformedJson), (outcome.ChargerId, outcome.AckUpTo, outcome.Rejected));
    }

    [Fact]
    public async Task Binary_garbage_is_dead_lettered_as_text_without_throwing()
    {
        byte[] garbage = [0xFF, 0x00, 0xFE, 0x7B];

        var outcome = await _pipeline.HandleEventAsync("ev/v1/CP-1/events", garbage, Ct);

        Assert.Equal(RejectReason.MalformedJson, outcome.Rejected);
        var letter = Assert.Single(await Store.ListDeadLettersAsync(10, Ct));
        Assert.DoesNotContain('\0', letter.Payload);
        Assert.Equal(4, letter.PayloadBytes);
    }

    [Fact]
    public async Task Resent_event_is_a_duplicate_that_changes_nothing_and_returns_the_current_ack()
    {
        var boot = Events.Boot("CP-1", 1);
        await SendAsync(boot);
        await SendAsync(Events.State("CP-1", 2, DiagnosticState.Booting, DiagnosticState.Operational));
        _clock.Advance(TimeSpan.FromMinutes(5));

        var outcome = await SendAsync(boot);

        Assert.Equal(new IngestOutcome("CP-1", 2, Stored: false, RejectReason.None), outcome);
        Assert.Equal(2, (await Store.QueryEventsAsync(new EventQuery("CP-1"), Ct)).Count);
        var c = await Store.GetChargerAsync("CP-1", Ct);
        Assert.Equal((DiagnosticState.Operational, (DateTimeOffset?)_clock.GetUtcNow()), (c!.State, c.LastSeen));
        Assert.Empty(await Store.ListDeadLettersAsync(10, Ct));
    }

    [Fact]
    public async Task Another_event_with_a_stored_seq_is_a_conflict_in_dead_letters()
    {
        await SendAsync(Events.Boot("CP-1", 1));

        var outcome = await SendAsync(Events.Counters("CP-1", 1));

        Assert.Equal(("CP-1", (long?)1, false, RejectReason.InvalidField), (outcome.ChargerId, outcome.AckUpTo, outcome.Stored, outcome.Rejected));
        var letter = Assert.Single(await Store.ListDeadLettersAsync(10, Ct));
        Assert.Equal((DeadLetterReasons.Conflict, "CP-1"), (letter.Reason, letter.ChargerId));
        Assert.Contains("seq 1", letter.Detail, StringComparison.Ordinal);
        Assert.Equal(EventTypes.Boot, Assert.Single(await Store.QueryEventsAsync(new EventQuery("CP-1"), Ct)).Type);
    }

    [Fact]
    public async Task Stored_event_id_under_another_seq_is_a_conflict_in_dead_letters()
    {
        var boot = Events.Boot("CP-1", 1);
        await SendAsync(boot);

        var outcome = await SendAsync(Events.Counters("CP-1", 2, id: boot.Id));

        Assert.Equal((1L, false, RejectReason.InvalidField), (outcome.AckUpTo, outcome.Stored, outcome.Rejected));
        Assert.Equal(DeadLetterReasons.Conflict, Assert.Single(await Store.ListDeadLettersAsync(10, Ct)).Reason);
        Assert.Equal(new SequenceState(1, 1), await Store.GetSequenceStateAsync("CP-1", Ct));
    }

    [Fact]
    public async Task A_boot_after_a_lost_journal_applies_what_is_stored_declares_the_holes_lost_and_the_stream_goes_on()
    {
        await SendAsync(Events.Boot("CP-1", 1));
        await SendAsync(Events.State("CP-1", 2, DiagnosticState.Booting, DiagnosticState.Operational));
        await SendAsync(Events.FaultRaised("CP-1", 4, FaultCatalogue.HighTemperature));
        Assert.Equal(new[] { 3L, 3 }, await OpenGaps("CP-1"));

        // The agent's journal was corrupt: it went on above its reserved high-water mark 1000 and says so at boot.
        var boot = await SendAsync(Events.Boot("CP-1", 1001, agentVersion: "1.2.4", lostUpTo: 1000));

        Assert.Equal((true, (long?)1001), (boot.Stored, boot.AckUpTo));
        var c = await Store.GetChargerAsync("CP-1", Ct);
        Assert.Equal((1001L, "1.2.4"), (c!.AppliedSeq, c.AgentVersion));
        Assert.Contains((4L, EventTypes.FaultRaised), await AppliedAsync("CP-1"));
        Assert.Empty(await OpenGaps("CP-1"));
        var lost = (await Store.ListGapsAsync("CP-1", openOnly: false, Ct)).Select(g => (g.FromSeq, g.ToSeq, g.Lost)).ToArray();
        Assert.Equal(new[] { (3L, 3L, true), (5L, 1000L, true) }, lost);
        Assert.Equal((long?)1002, (await SendAsync(Events.State("CP-1", 1002, DiagnosticState.Booting, DiagnosticState.Operational))).AckUpTo);
    }

    [Fact]
    public async Task A_boot_declaring_its_own_seq_or_later_lost_is_not_allowed_to_skip_anything()
    {
        await SendAsync(Events.Boot("CP-1", 1));

        var boot = await SendAsync(Events.Boot("CP-1", 5, lostUpTo: 7));

        Assert.Equal((true, (long?)1), (boot.Stored, boot.AckUpTo));
        Assert.Equal(new[] { 2L, 4 }, await OpenGaps("CP-1"));
    }

    [Fact]
    public async Task Events_arriving_out_of_order_wait_and_are_applied_in_seq_order_once_the_gap_fills()
    {
        Assert.Equal(1, (await SendAsync(Events.Boot("CP-1", 1))).AckUpTo);

        var four = await SendAsync(Events.State("CP-1", 4, DiagnosticState.Operational, DiagnosticState.Degraded));
        Assert.Equal((true, (long?)1), (four.Stored, four.AckUpTo));
        Assert.Equal(new[] { 2L, 3 }, await OpenGaps("CP-1"));

        var three = await SendAsync(Events.State("CP-1", 3, DiagnosticState.SelfTest, DiagnosticState.Operational));
        Assert.Equal((true, (long?)1), (three.Stored, three.AckUpTo));
        var waiting = await Store.GetChargerAsync("CP-1", Ct);
        Assert.Equal((DiagnosticState.Booting, 1L, 4L), (waiting!.State, waiting.AppliedSeq, waiting.MaxStoredSeq));

        var two = await SendAsync(Events.State("CP-1", 2, DiagnosticState.Booting, DiagnosticState.SelfTest));
        Assert.Equal((true, (long?)4), (two.Stored, two.AckUpTo));

        var c = await Store.GetChargerAsync("CP-1", Ct);
        Assert.Equal((DiagnosticState.Degraded, 4L, (DateTimeOffset?)Events.TsOf(4)), (c!.State, c.AppliedSeq, c.LastEventAt));
        Assert.Empty(await OpenGaps("CP-1"));
        var gap = Assert.Single(await Store.ListGapsAsync("CP-1", openOnly: false, Ct));
        Assert.Equal((2L, 3L, (DateTimeOffset?)_clock.GetUtcNow()), (gap.FromSeq, gap.ToSeq, gap.ClosedAt));
    }

    [Fact]
    public async Task Fault_cleared_before_its_raise_arrives_is_applied_after_the_raise_once_the_gap_fills()
    {
        await SendAsync(Events.FaultCleared("CP-1", 2, FaultCatalogue.EmergencyStop));
        Assert.Empty(await AppliedAsync("CP-1"));

        var outcome = await SendAsync(Events.FaultRaised("CP-1", 1, FaultCatalogue.EmergencyStop, Severity.Critical));

        // The areas see the raise before the clear, whatever order they arrived in: no alarm is left active.
        Assert.Equal(2, outcome.AckUpTo);
        Assert.Equal(new[] { (1L, EventTypes.FaultRaised), (2L, EventTypes.FaultCleared) }, await AppliedAsync("CP-1"));
    }

    [Fact]
    public async Task First_event_ahead_of_seq_1_is_stored_acknowledged_as_0_and_records_the_gap_from_1()
    {
        var outcome = await SendAsync(Events.Counters("CP-1", 3));

        Assert.Equal(("CP-1", (long?)0, true), (outcome.ChargerId, outcome.AckUpTo, outcome.Stored));
        Assert.Equal(new[] { 1L, 2 }, await OpenGaps("CP-1"));
        var c = await Store.GetChargerAsync("CP-1", Ct);
        Assert.Equal((0L, 3L, (DateTimeOffset?)_clock.GetUtcNow()), (c!.AppliedSeq, c.MaxStoredSeq, c.LastSeen));
    }

    [Fact]
    public async Task Two_separate_gaps_are_recorded_and_close_independently()
    {
        await SendAsync(Events.Counters("CP-1", 1));
        await SendAsync(Events.Counters("CP-1", 3));
        await SendAsync(Events.Counters("CP-1", 6));
        Assert.Equal(new[] { 2L, 2, 4, 5 }, await OpenGaps("CP-1"));

        Assert.Equal(3, (await SendAsync(Events.Counters("CP-1", 2))).AckUpTo);
        Assert.Equal(new[] { 4L, 5 }, await OpenGaps("CP-1"));

        Assert.Equal(3, (await SendAsync(Events.Counters("CP-1", 5))).AckUpTo);
        Assert.Equal(6, (await SendAsync(Events.Counters("CP-1", 4))).AckUpTo);
        Assert.Empty(await OpenGaps("CP-1"));
    }

    [Fact]
    public async Task Events_stored_but_not_applied_before_a_crash_are_applied_by_the_next_message()
    {
        await SendAsync(Events.Boot("CP-1", 1));
        var two = Events.State("CP-1", 2, DiagnosticState.Booting, DiagnosticState.Operational);
        await Store.AppendAsync(two.Stored(), Ct); // stored, then the process died before applying it

        var resent = await SendAsync(two);

        Assert.Equal((false, (long?)2), (resent.Stored, resent.AckUpTo));
        Assert.Equal(DiagnosticState.Operational, (await Store.GetChargerAsync("CP-1", Ct))!.State);
    }

    [Fact]
    public async Task Concurrent_deliveries_for_one_charger_in_any_order_apply_every_event_once_in_seq_order()
    {
        const int count = 40;
        var envelopes = Enumerable.Range(1, count)
            .Select(seq => seq == count
                ? Events.State("CP-1", seq, DiagnosticState.Operational, DiagnosticState.Maintenance)
                : Events.State("CP-1", seq, DiagnosticState.Maintenance, DiagnosticState.Operational))
            .ToList();
        var shuffled = envelopes.Concat(envelopes.Take(10)).OrderBy(_ => Random.Shared.Next()).ToList();
        var other = Enumerable.Range(1, count).Select(seq => Events.Counters("CP-2", seq)).Reverse().ToList();

        var outcomes = await Task.WhenAll(shuffled.Concat(other).Select(e => Task.Run(() => SendAsync(e))));

        Assert.All(outcomes, o => Assert.Equal(RejectReason.None, o.Rejected));
        Assert.Equal(2 * count, outcomes.Count(o => o.Stored));
        foreach (var id in new[] { "CP-1", "CP-2" })
        {
            Assert.Equal(new SequenceState(count, count), await Store.GetSequenceStateAsync(id, Ct));
            Assert.Empty(await OpenGaps(id));
        }

        Assert.Equal(DiagnosticState.Maintenance, (await Store.GetChargerAsync("CP-1", Ct))!.State);
        Assert.Equal(Enumerable.Range(1, count).Select(i => (long)i), (await Store.QueryEventsAsync(new EventQuery("CP-1") { Limit = 1000 }, Ct)).Select(e => e.Seq));
    }

    [Fact]
    public async Task Many_waiting_events_are_applied_in_batches_when_the_gap_fills()
    {
        var pipeline = NewPipeline(new IngestOptions { ApplyBatchSize = 7 });
        for (var seq = 50; seq >= 2; seq--)
        {
            Assert.Equal(0, (await pipeline.HandleEventAsync(Topics.Events("CP-1"), Events.Counters("CP-1", seq).ToUtf8Json(), Ct)).AckUpTo);
        }

        var outcome = await pipeline.HandleEventAsync(Topics.Events("CP-1"), Events.Boot("CP-1", 1).ToUtf8Json(), Ct);

        Assert.Equal(50, outcome.AckUpTo);
        Assert.Empty(await OpenGaps("CP-1"));
    }

    protected static IngestMessage Message(Envelope e) => new(Topics.Events(e.ChargerId), e.ToUtf8Json());

    protected static IngestMessage Message(string topic, string json) => new(topic, Encoding.UTF8.GetBytes(json));

    [Fact]
    public async Task Batch_with_copies_inside_it_and_of_stored_events_stores_each_once()
    {
        var boot = Events.Boot("CP-1", 1);
        await SendAsync(boot);
        var two = Events.Counters("CP-1", 2);
        var three = Events.State("CP-1", 3, DiagnosticState.Booting, DiagnosticState.Operational);
        var four = Events.Counters("CP-1", 4);
        var otherFour = Events.Counters("CP-1", 4);

        var batch = await _pipeline.HandleEventsAsync(
            [Message(two), Message(two), Message(boot), Message(three), Message(four), Message(three), Message(otherFour), Message(two)], Ct);

        Assert.Equal(new[] { true, false, false, true, true, false, false, false }, batch.Outcomes.Select(o => o.Stored));
        Assert.Equal(RejectReason.InvalidField, batch.Outcomes[6].Rejected);
        Assert.All(batch.Outcomes.Where((_, i) => i != 6), o => Assert.Equal(RejectReason.None, o.Rejected));
        Assert.All(batch.Outcomes, o => Assert.Equal((long?)4, o.AckUpTo));
        Assert.Equal(new Dictionary<string, long> { ["CP-1"] = 4 }, batch.Acks);
        Assert.Equal(new long[] { 1, 2, 3, 4 }, (await Store.QueryEventsAsync(new EventQuery("CP-1"), Ct)).Select(e => e.Seq));
        Assert.Equal(four.Id, (await Store.QueryEventsAsync(new EventQuery("CP-1") { AfterSeq = 3 }, Ct))[0].Id);
        Assert.Equal(DiagnosticState.Operational, (await Store.GetChargerAsync("CP-1", Ct))!.State);
        var letter = Assert.Single(await Store.ListDeadLettersAsync(10, Ct));
        Assert.Equal((DeadLetterReasons.Conflict, "CP-1"), (letter.Reason, letter.ChargerId));

        // The same batch again (a redelivery) adds nothing.
        var again = await _pipeline.HandleEventsAsync([Message(two), Message(three), Message(four)], Ct);
        Assert.All(again.Outcomes, o => Assert.Equal((false, RejectReason.None, (long?)4), (o.Stored, o.Rejected, o.AckUpTo)));
        Assert.Equal(4, (await Store.QueryEventsAsync(new EventQuery("CP-1"), Ct)).Count);
    }

    [Fact]
    public async Task Batch_spanning_chargers_with_out_of_order_seqs_applies_each_in_seq_order_and_records_the_gap()
    {
        var batch = await _pipeline.HandleEventsAsync(
        [
            Message(Events.State("CP-A", 3, DiagnosticState.Operational, DiagnosticState.Degraded)),
            Message(Events.Counters("CP-B", 2)),
            Message(Events.Counters("CP-A", 5)),
            Message(Events.Boot("CP-A", 1)),
            Message(Events.Boot("CP-B", 1)),
            Message(Events.State("CP-A", 2, DiagnosticState.Booting, DiagnosticState.Operational)),
        ], Ct);

        Assert.All(batch.Outcomes, o => Assert.Equal((true, RejectReason.None), (o.Stored, o.Rejected)));
        Assert.Equal(new Dictionary<string, long> { ["CP-A"] = 3, ["CP-B"] = 2 }, batch.Acks);
        var a = await Store.GetChargerAsync("CP-A", Ct);
        Assert.Equal((DiagnosticState.Degraded, 3L, 5L, (DateTimeOffset?)Events.TsOf(3)), (a!.State, a.AppliedSeq, a.MaxStoredSeq, a.LastEventAt));
        Assert.Equal(new[] { 4L, 4 }, await OpenGaps("CP-A"));
        Assert.Equal(new SequenceState(2, 2), await Store.GetSequenceStateAsync("CP-B", Ct));
        Assert.Empty(await OpenGaps("CP-B"));

        // The missing seq in the next batch closes the gap and applies the waiting event.
        var next = await _pipeline.HandleEventsAsync([Message(Events.Counters("CP-A", 4))], Ct);
        Assert.Equal(5, next.Acks["CP-A"]);
        Assert.Empty(await OpenGaps("CP-A"));
    }

    [Fact]
    public async Task Bad_message_inside_a_batch_is_dead_lettered_while_the_others_are_stored_and_acknowledged()
    {
        var batch = await _pipeline.HandleEventsAsync(
        [
            Message(Events.Boot("CP-1", 1)),
            Message("ev/v1/CP-1/events", "not json"),
            Message(Events.Counters("CP-1", 2)),
            Message("junk/topic", "{}"),
            Message(Events.Counters("CP-2", 1)),
        ], Ct);

        Assert.Equal(new[] { true, false, true, false, true }, batch.Outcomes.Select(o => o.Stored));
        Assert.Equal((RejectReason.MalformedJson, (long?)2), (batch.Outcomes[1].Rejected, batch.Outcomes[1].AckUpTo));
        Assert.Equal((RejectReason.BadTopic, (string?)null, (long?)null), (batch.Outcomes[3].Rejected, batch.Outcomes[3].ChargerId, batch.Outcomes[3].AckUpTo));
        Assert.Equal(new Dictionary<string, long> { ["CP-1"] = 2, ["CP-2"] = 1 }, batch.Acks);
        var letters = await Store.ListDeadLettersAsync(10, Ct);
        Assert.Equal(new[] { "BadTopic", "MalformedJson" }, letters.Select(l => l.Reason));
        Assert.Equal(new SequenceState(2, 2), await Store.GetSequenceStateAsync("CP-1", Ct));
    }

    [Fact]
    public async Task Invalid_utf8_inside_a_string_fails_only_its_own_message_and_the_rest_of_the_batch_is_stored()
    {
        // The report: 200-odd bytes whose fault code holds bytes that are not UTF-8, from a charger's real topic.
        var bad = Events.FaultRaised("CP-BAD", 1, "GFXX").ToUtf8Json();
        var at = bad.AsSpan().IndexOf("GFXX"u8);
        bad[at + 2] = 0xC3;
        bad[at + 3] = 0x28;

        var batch = await _pipeline.HandleEventsAsync(
        [
            Message(Events.Boot("CP-OK", 1)),
            new IngestMessage(Topics.Events("CP-BAD"), bad),
            Message(Events.FaultRaised("CP-OK", 2, FaultCatalogue.GroundFailure, Severity.Critical)),
        ], Ct);

        Assert.Equal(new[] { true, false, true }, batch.Outcomes.Select(o => o.Stored));
        Assert.Equal(RejectReason.MalformedJson, batch.Outcomes[1].Rejected);
        Assert.Equal(new Dictionary<string, long> { ["CP-OK"] = 2, ["CP-BAD"] = 1 }, batch.Acks);
        Assert.Equal(new[] { (1L, EventTypes.Boot), (2L, EventTypes.FaultRaised) }, await AppliedAsync("CP-OK"));
        var letter = Assert.Single(await Store.ListDeadLettersAsync(10, Ct));
        Assert.Equal(("CP-BAD", "MalformedJson", bad.Length), (letter.ChargerId, letter.Reason, letter.PayloadBytes));
        var marker = Assert.Single(await Store.QueryEventsAsync(new EventQuery("CP-BAD"), Ct));
        using var data = System.Text.Json.JsonDocument.Parse(marker.DataJson);
        Assert.Equal(bad, data.RootElement.GetProperty("payload").GetBytesFromBase64());
    }

    [Fact]
    public async Task A_rejected_seq_between_valid_ones_is_recorded_as_rejected_and_the_stream_and_its_ack_move_past_it()
    {
        await SendAsync(Events.Boot("CP-1", 1));
        var rejected = Encoding.UTF8.GetString(Events.Counters("CP-1", 2).ToUtf8Json()).Replace("\"energyWh\":2000", "\"energyWh\":\"lots\"", StringComparison.Ordinal);
        var later = Events.FaultRaised("CP-1", 3, FaultCatalogue.HighTemperature);

        // The later event arrives first and waits behind the refused seq 2 ...
        var waiting = await SendAsync(later);
        Assert.Equal((true, (long?)1), (waiting.Stored, waiting.AckUpTo));
        Assert.Equal(new[] { 2L, 2 }, await OpenGaps("CP-1"));

        // ... which the cloud will never accept: it is recorded as rejected, and the stream goes on past it.
        var outcome = await SendAsync("ev/v1/CP-1/events", rejected);

        Assert.Equal((RejectReason.InvalidData, (long?)3), (outcome.Rejected, outcome.AckUpTo));
        Assert.Empty(await OpenGaps("CP-1"));
        Assert.Equal(new SequenceState(3, 3), await Store.GetSequenceStateAsync("CP-1", Ct));
        Assert.Equal(new[] { EventTypes.Boot, RejectedEvents.Type, EventTypes.FaultRaised }, (await Store.QueryEventsAsync(new EventQuery("CP-1"), Ct)).Select(e => e.Type));
        Assert.Equal(new[] { (1L, EventTypes.Boot), (2L, RejectedEvents.Type), (3L, EventTypes.FaultRaised) }, await AppliedAsync("CP-1"));

        // The agent resends it before the ack reached it: nothing new, not even a second dead letter.
        var resent = await SendAsync("ev/v1/CP-1/events", rejected);
        Assert.Equal((RejectReason.InvalidData, (long?)3), (resent.Rejected, resent.AckUpTo));
        Assert.Single(await Store.ListDeadLettersAsync(10, Ct));
        Assert.Equal(3, (await Store.QueryEventsAsync(new EventQuery("CP-1"), Ct)).Count);
    }

    [Fact]
    public async Task Other_bytes_under_a_stored_seq_are_dead_lettered_and_change_nothing()
    {
        await SendAsync(Events.Boot("CP-1", 1));

        var outcome = await SendAsync("ev/v1/CP-1/events", "{\"seq\":1,\"v\":\"forged\"}");

        Assert.Equal((RejectReason.InvalidField, (long?)1), (outcome.Rejected, outcome.AckUpTo));
        Assert.Equal(EventTypes.Boot, Assert.Single(await Store.QueryEventsAsync(new EventQuery("CP-1"), Ct)).Type);
        Assert.Contains("seq 1 is taken", Assert.Single(await Store.ListDeadLettersAsync(10, Ct)).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_event_type_from_a_newer_agent_is_kept_applied_as_no_change_and_acknowledged()
    {
        await SendAsync(Events.Boot("CP-1", 1));
        var newer = Envelope.Create("CP-1", 2, Events.TsOf(2), "cmd-result.v2", new CountersData { EnergyWh = 5 }, ProtocolJsonContext.Default.CountersData);

        var outcome = await SendAsync(newer);
        var then = await SendAsync(Events.State("CP-1", 3, DiagnosticState.Booting, DiagnosticState.Operational));

        Assert.Equal(new IngestOutcome("CP-1", 2, Stored: true, RejectReason.None), outcome);
        Assert.Equal(3, then.AckUpTo);
        var kept = (await Store.QueryEventsAsync(new EventQuery("CP-1"), Ct))[1];
        Assert.Equal(("cmd-result.v2", newer.Data.GetRawText()), (kept.Type, kept.DataJson));
        Assert.Empty(await Store.ListDeadLettersAsync(10, Ct));
        Assert.Equal(DiagnosticState.Operational, (await Store.GetChargerAsync("CP-1", Ct))!.State);
    }

    [Fact]
    public async Task A_message_the_store_refuses_fails_alone_and_the_rest_of_its_batch_is_stored()
    {
        var refusing = new FailingStore(Store) { RefuseCharger = "CP-X" };
        var pipeline = NewPipeline(new IngestOptions(), refusing);

        var batch = await pipeline.HandleEventsAsync(
        [
            Message(Events.Boot("CP-1", 1)), Message(Events.Boot("CP-X", 1)), Message(Events.Counters("CP-1", 2)),
        ], Ct);

        Assert.Equal(new[] { true, false, true }, batch.Outcomes.Select(o => o.Stored));
        Assert.Equal(new Dictionary<string, long> { ["CP-1"] = 2, ["CP-X"] = 1 }, batch.Acks);
        Assert.Equal(RejectedEvents.Type, Assert.Single(await Store.QueryEventsAsync(new EventQuery("CP-X"), Ct)).Type);
        var letter = Assert.Single(await Store.ListDeadLettersAsync(10, Ct));
        Assert.Equal(("CP-X", DeadLetterReasons.Unprocessable), (letter.ChargerId, letter.Reason));
        Assert.Contains("the store refused it", letter.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_store_that_fails_even_the_dead_letter_makes_the_batch_fail_so_nothing_is_acknowledged()
    {
        var refusing = new FailingStore(Store) { RefuseCharger = "CP-X", RefuseDeadLetters = true };
        var pipeline = NewPipeline(new IngestOptions(), refusing);

        await Assert.ThrowsAsync<InjectedStoreFailure>(() => pipeline.HandleEventsAsync([Message(Events.Boot("CP-X", 1))], Ct));

        Assert.Empty(await Store.ListDeadLettersAsync(10, Ct));
        Assert.Empty(await Store.QueryEventsAsync(new EventQuery("CP-X"), Ct));
    }

    [Fact]
    public async Task Applied_events_enter_the_feed_in_apply_order_each_chargers_in_seq_order_and_waiting_ones_only_once_applied()
    {
        var feed = (IEventFeed)Store;
        await SendAsync(Events.Boot("CP-1", 1));
        await _pipeline.HandleEventsAsync([Message(Events.Counters("CP-2", 1)), Message(Events.Counters("CP-1", 3)), Message(Events.Counters("CP-2", 2))], Ct);

        // CP-1 seq 3 waits behind seq 2: not in the feed yet.
        var first = await feed.ReadAsync(FeedPosition.Start, 100, Ct);
        Assert.Equal(["CP-1#1", "CP-2#1", "CP-2#2"], first.Select(f => $"{f.Event.ChargerId}#{f.Event.Seq}"));
        Assert.Equal(first.Select(f => f.Position).Order(), first.Select(f => f.Position));
        Assert.Equal(first.Count, first.Select(f => f.Position).Distinct().Count());

        await SendAsync(Events.Counters("CP-1", 2));

        // Read on from the last position: exactly what was applied since, in seq order.
        var next = await feed.ReadAsync(first[^1].Position, 100, Ct);
        Assert.Equal(["CP-1#2", "CP-1#3"], next.Select(f => $"{f.Event.ChargerId}#{f.Event.Seq}"));
        Assert.True(next[0].Position > first[^1].Position);
        Assert.Empty(await feed.ReadAsync(next[^1].Position, 100, Ct));
        Assert.Equal(["CP-1#1", "CP-2#1"], (await feed.ReadAsync(FeedPosition.Start, 2, Ct)).Select(f => $"{f.Event.ChargerId}#{f.Event.Seq}"));

        // A resend changes nothing in the feed; a rejected seq is in it (it moves the stream like any applied event).
        await SendAsync(Events.Boot("CP-1", 1));
        await SendAsync("ev/v1/CP-1/events", "{\"seq\":4,\"v\":9}");
        var last = Assert.Single(await feed.ReadAsync(next[^1].Position, 100, Ct));
        Assert.Equal(("CP-1", 4L, RejectedEvents.Type), (last.Event.ChargerId, last.Event.Seq, last.Event.Type));
    }

    /// <summary>How many mutated envelopes <see cref="Mutated_envelopes_from_one_charger_fail_only_themselves_and_every_dead_letter_is_counted"/> sends.</summary>
    protected virtual int FuzzMessages => 100_000;

    [Fact]
    public async Task Mutated_envelopes_from_one_charger_fail_only_themselves_and_every_dead_letter_is_counted()
    {
        const int seed = 20261202;
        var mutator = new EnvelopeMutator(new Random(seed));
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        var pipeline = NewPipeline(new IngestOptions(), metrics: new IngestMetrics(meters));
        long deadLettersCounted = 0, rejectedCounted = 0;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meters))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "charger.ingest.dead_letters")
            {
                Interlocked.Add(ref deadLettersCounted, value);
            }
            else if (instrument.Name == "charger.ingest.messages" && tags.ToArray().Any(t => t.Value as string is "rejected" or "conflict"))
            {
                Interlocked.Add(ref rejectedCounted, value);
            }
        });
        listener.Start();

        // Batches as the MQTT ingress makes them: the flooding charger's mutated envelopes (now and then a valid one), with a
        // valid event of another charger every 25 messages.
        var ok = 0L;
        var rejected = 0;
        var fuzzSeq = 0L;
        var batches = 0;
        while (fuzzSeq < FuzzMessages)
        {
            var batch = new List<IngestMessage>(250);
            var okIndexes = new List<int>();
            while (batch.Count < 250 && fuzzSeq < FuzzMessages)
            {
                if (batch.Count % 25 == 0)
                {
                    okIndexes.Add(batch.Count);
                    batch.Add(Message(Events.FaultRaised("CP-OK", ++ok, FaultCatalogue.GroundFailure, Severity.Critical)));
                    continue;
                }

                var valid = mutator.Valid("CP-F", ++fuzzSeq);
                batch.Add(fuzzSeq % 50 == 0 ? Message(valid) : new IngestMessage(Topics.Events("CP-F"), mutator.Mutate(valid)));
            }

            IngestBatchOutcome outcome;
            try
            {
                outcome = await pipeline.HandleEventsAsync(batch, Ct);
            }
            catch (Exception ex)
            {
                Assert.Fail($"batch {batches} (seed {seed}) threw: {ex}");
                throw;
            }

            batches++;
            Assert.Equal(batch.Count, outcome.Outcomes.Count);
            foreach (var i in okIndexes)
            {
                Assert.True(outcome.Outcomes[i].Stored, $"batch {batches}: the other charger's event was not stored: {outcome.Outcomes[i]}");
            }

            Assert.Equal(ok, outcome.Acks["CP-OK"]);
            rejected += outcome.Outcomes.Count(o => o.Rejected != RejectReason.None);
        }

        // The other charger's stream is whole and in order; the flooding charger's stream holds no hole below its ack.
        Assert.Equal(new SequenceState(ok, ok), await Store.GetSequenceStateAsync("CP-OK", Ct));
        Assert.Contains(await AppliedAsync("CP-OK"), a => a.Type == EventTypes.FaultRaised);
        var flooded = await Store.GetSequenceStateAsync("CP-F", Ct);
        Assert.InRange(flooded.AppliedSeq, 1, flooded.MaxStoredSeq);
        var below = await Store.QueryEventsAsync(new EventQuery("CP-F") { Limit = int.MaxValue, AfterSeq = 0 }, Ct);
        Assert.Equal(flooded.AppliedSeq, below.Count(e => e.Seq <= flooded.AppliedSeq));

        // Every refused message was counted (as rejected, or as a conflict when it reused a stored seq or id), and every dead
        // letter written is counted in the metrics.
        var letters = await Store.ListDeadLettersAsync(int.MaxValue, Ct);
        Assert.Equal(rejected, Interlocked.Read(ref rejectedCounted));
        Assert.Equal(letters.Count, Interlocked.Read(ref deadLettersCounted));
        Assert.InRange(letters.Count, FuzzMessages / 2, rejected);
    }

    [Fact]
    public async Task Store_failure_in_the_middle_of_a_batch_keeps_nothing_and_the_redelivered_batch_is_stored_exactly_once()
    {
        var failing = new FailingStore(Store) { FailApplies = 1 };
        var pipeline = NewPipeline(new IngestOptions(), failing);
        IngestMessage[] batch =
        [
            Message(Events.Boot("CP-1", 1)), Message(Events.Counters("CP-1", 2)), Message("ev/v1/CP-1/events", "not json"),
            Message(Events.Counters("CP-2", 1)),
        ];

        await Assert.ThrowsAsync<InjectedStoreFailure>(() => pipeline.HandleEventsAsync(batch, Ct));

        Assert.Empty(await Store.QueryEventsAsync(new EventQuery("CP-1"), Ct));
        Assert.Empty(await Store.QueryEventsAsync(new EventQuery("CP-2"), Ct));
        Assert.Empty(await Store.ListChargersAsync(Ct));
        Assert.Empty(await Store.ListDeadLettersAsync(10, Ct));

        var redelivered = await pipeline.HandleEventsAsync(batch, Ct);
        var again = await pipeline.HandleEventsAsync(batch, Ct);

        Assert.Equal(new[] { true, true, false, true }, redelivered.Outcomes.Select(o => o.Stored));
        Assert.Equal(new Dictionary<string, long> { ["CP-1"] = 2, ["CP-2"] = 1 }, redelivered.Acks);
        Assert.All(again.Outcomes, o => Assert.False(o.Stored));
        Assert.Equal(redelivered.Acks, again.Acks);
        Assert.Equal(2, (await Store.QueryEventsAsync(new EventQuery("CP-1"), Ct)).Count);
        Assert.Equal(new SequenceState(1, 1), await Store.GetSequenceStateAsync("CP-2", Ct));
        Assert.Equal(2, (await Store.ListDeadLettersAsync(10, Ct)).Count); // the bad message, once per handled delivery
    }

    [Fact]
    public async Task Status_sets_online_and_offline_with_last_seen()
    {
        var at = Events.T0.AddHours(3);
        await _pipeline.HandleStatusAsync("CP-1", online: true, at, Ct);
        var c = await Store.GetChargerAsync("CP-1", Ct);
        Assert.Equal((true, (DateTimeOffset?)at), (c!.Online, c.LastSeen));

        await _pipeline.HandleStatusAsync("CP-1", online: false, at.AddMinutes(1), Ct);
        Assert.False((await Store.GetChargerAsync("CP-1", Ct))!.Online);
    }

    [Fact]
    public async Task Status_for_a_malformed_charger_id_is_ignored_without_throwing()
    {
        await _pipeline.HandleStatusAsync("bad/id", online: true, Events.T0, Ct);

        Assert.Empty(await Store.ListChargersAsync(Ct));
    }
}

/// <summary>The pipeline on a real SQLite file.</summary>
public sealed class SqliteIngestPipelineTests : IngestPipelineTests
{
    private SqliteStoreFixture? _db;

    protected override Task<EventStore> CreateStoreAsync()
    {
        _db = new SqliteStoreFixture(Clock);
        return Task.FromResult(_db.Events);
    }

    protected override Task DestroyStoreAsync()
    {
        _db?.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>A store whose batch transactions fail in their apply step, as a full disk or a lost connection would, a given
/// number of times; everything else goes to the real store.</summary>
internal sealed class FailingStore(EventStore inner) : IEventStore, IEventBatchStore
{
    public int FailApplies { get; set; }

    /// <summary>Events of this charger are refused as a value the store cannot take (not as a failing store).</summary>
    public string? RefuseCharger { get; set; }

    /// <summary>Dead letters fail as a failing store would.</summary>
    public bool RefuseDeadLetters { get; set; }

    public Task<T> InTransactionAsync<T>(IReadOnlyCollection<string> chargerIds, Func<IEventStoreTransaction, Task<T>> work, CancellationToken cancellationToken) =>
        inner.InTransactionAsync(chargerIds, tx => work(new Failing(tx, this)), cancellationToken);

    private sealed class Failing(IEventStoreTransaction tx, FailingStore owner) : IEventStoreTransaction
    {
        public Task<IReadOnlyDictionary<string, SequenceState>> GetSequenceStatesAsync(IReadOnlyCollection<string> chargerIds, CancellationToken ct) => tx.GetSequenceStatesAsync(chargerIds, ct);
        public Task<IReadOnlyList<AppendResult>> AppendAsync(IReadOnlyList<StoredEvent> events, CancellationToken ct) =>
            events.Any(e => e.ChargerId == owner.RefuseCharger && e.Type != RejectedEvents.Type)
                ? throw new System.Text.EncoderFallbackException("injected: a value the store cannot encode")
                : tx.AppendAsync(events, ct);
        public Task RecordGapsAsync(IReadOnlyList<SeqGap> gaps, CancellationToken ct) => tx.RecordGapsAsync(gaps, ct);
        public async Task ApplyAsync(IReadOnlyList<ProjectionChange> changes, CancellationToken ct)
        {
            await tx.ApplyAsync(changes, ct);
            if (owner.FailApplies-- > 0)
            {
                throw new InjectedStoreFailure("injected store failure after the apply");
            }
        }

        public Task SkipLostAsync(string chargerId, long fromSeq, long toSeq, DateTimeOffset at, CancellationToken ct) => tx.SkipLostAsync(chargerId, fromSeq, toSeq, at, ct);
        public Task<IReadOnlyList<StoredEvent>> QueryEventsAsync(string chargerId, long afterSeq, int limit, CancellationToken ct) => tx.QueryEventsAsync(chargerId, afterSeq, limit, ct);
        public Task<IReadOnlyList<SeqGap>> CloseGapsAsync(IReadOnlyList<(string ChargerId, long AppliedSeq)> chargers, DateTimeOffset closedAt, CancellationToken ct) => tx.CloseGapsAsync(chargers, closedAt, ct);
        public Task TouchAsync(IReadOnlyCollection<string> chargerIds, DateTimeOffset seenAt, CancellationToken ct) => tx.TouchAsync(chargerIds, seenAt, ct);
        public Task AddDeadLettersAsync(IReadOnlyList<DeadLetter> deadLetters, CancellationToken ct) =>
            owner.RefuseDeadLetters && deadLetters.Count > 0 ? throw new InjectedStoreFailure("injected: the store is failing") : tx.AddDeadLettersAsync(deadLetters, ct);
    }

    public Task SetStatusAsync(string chargerId, bool online, DateTimeOffset at, CancellationToken ct) => inner.SetStatusAsync(chargerId, online, at, ct);
    public Task<IReadOnlyList<SeqGap>> ListGapsAsync(string? chargerId, bool openOnly, CancellationToken ct) => inner.ListGapsAsync(chargerId, openOnly, ct);
    public Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(int limit, CancellationToken ct) => inner.ListDeadLettersAsync(limit, ct);
    public Task<ChargerView?> GetChargerAsync(string chargerId, CancellationToken ct) => inner.GetChargerAsync(chargerId, ct);
    public Task<IReadOnlyList<ChargerView>> ListChargersAsync(CancellationToken ct) => inner.ListChargersAsync(ct);
    public Task<IReadOnlyList<StoredEvent>> QueryEventsAsync(EventQuery query, CancellationToken ct) => inner.QueryEventsAsync(query, ct);
    public Task CheckHealthAsync(CancellationToken ct) => inner.CheckHealthAsync(ct);
}

/// <summary>A failure of the database itself, as a full disk or a lost connection raises it.</summary>
internal sealed class InjectedStoreFailure(string message) : System.Data.Common.DbException(message);
