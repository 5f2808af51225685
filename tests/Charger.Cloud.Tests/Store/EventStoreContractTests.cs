using Charger.Cloud.Core;
using Charger.Cloud.Store;
using Charger.Cloud.Tests.Support;
using Charger.Protocol;
using Charger.Testing;

namespace Charger.Cloud.Tests.Store;

/// <summary>
/// What the event store must do on every database. Each database runs these through a subclass that creates a fresh,
/// real store per test (SQLite and PostgreSQL); single-row writes go through the batch path (<see cref="EventStoreWrites"/>).
/// </summary>
public abstract class EventStoreContractTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    protected EventStore Store { get; private set; } = null!;

    /// <summary>A fresh, empty store.</summary>
    protected abstract Task<EventStore> CreateStoreAsync();

    /// <summary>Releases what <see cref="CreateStoreAsync"/> created.</summary>
    protected abstract Task DestroyStoreAsync();

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public Task DisposeAsync() => DestroyStoreAsync();

    [Fact]
    public async Task New_event_is_stored_and_read_back_unchanged()
    {
        var e = Events.FaultRaised("CP-1", 1, FaultCatalogue.HighTemperature, value: 81.5, unit: "degC");

        var result = await Store.AppendAsync(e.Stored(), Ct);

        Assert.Equal(AppendOutcome.Stored, result.Outcome);
        var read = Assert.Single(await Store.QueryEventsAsync(new EventQuery("CP-1"), Ct));
        Assert.Equal(e.Stored(), read);
    }

    [Fact]
    public async Task Same_event_again_is_a_duplicate_and_stored_once()
    {
        var e = Events.Boot("CP-1", 1);
        await Store.AppendAsync(e.Stored(), Ct);

        var again = await Store.AppendAsync(e.Stored(e.Ts.AddHours(1)), Ct);

        Assert.Equal(AppendOutcome.Duplicate, again.Outcome);
        var read = Assert.Single(await Store.QueryEventsAsync(new EventQuery("CP-1"), Ct));
        Assert.Equal(e.Stored().ReceivedAt, read.ReceivedAt);
    }

    [Fact]
    public async Task Same_seq_with_another_id_is_a_conflict_and_the_first_event_stays()
    {
        var first = Events.Boot("CP-1", 1);
        await Store.AppendAsync(first.Stored(), Ct);

        var other = await Store.AppendAsync(Events.Boot("CP-1", 1).Stored(), Ct);

        Assert.Equal(AppendOutcome.Conflict, other.Outcome);
        Assert.Contains(first.Id.ToString(), other.ConflictDetail, StringComparison.Ordinal);
        Assert.Equal(first.Id, Assert.Single(await Store.QueryEventsAsync(new EventQuery("CP-1"), Ct)).Id);
    }

    [Fact]
    public async Task Same_id_under_another_seq_is_a_conflict()
    {
        var id = Guid.NewGuid();
        await Store.AppendAsync(Events.Boot("CP-1", 1, id: id).Stored(), Ct);

        var result = await Store.AppendAsync(Events.Counters("CP-1", 2, id: id).Stored(), Ct);

        Assert.Equal(AppendOutcome.Conflict, result.Outcome);
        Assert.Single(await Store.QueryEventsAsync(new EventQuery("CP-1"), Ct));
    }

    [Fact]
    public async Task Same_id_under_another_charger_is_a_conflict()
    {
        var id = Guid.NewGuid();
        await Store.AppendAsync(Events.Boot("CP-1", 1, id: id).Stored(), Ct);

        var result = await Store.AppendAsync(Events.Boot("CP-2", 1, id: id).Stored(), Ct);

        Assert.Equal(AppendOutcome.Conflict, result.Outcome);
        Assert.Empty(await Store.QueryEventsAsync(new EventQuery("CP-2"), Ct));
    }

    [Fact]
    public async Task Sequence_state_of_a_charger_never_seen_is_zero()
    {
        Assert.Equal(new SequenceState(0, 0), await Store.GetSequenceStateAsync("nobody", Ct));
        Assert.Null(await Store.GetChargerAsync("nobody", Ct));
    }

    [Fact]
    public async Task Sequence_state_reports_the_applied_seq_and_the_highest_stored_seq()
    {
        var e1 = Events.Boot("CP-1", 1);
        await Store.AppendAsync(e1.Stored(), Ct);
        await Store.AppendAsync(Events.Counters("CP-1", 5).Stored(), Ct);
        await Store.ApplyAsync([e1.Change()], Ct);

        Assert.Equal(new SequenceState(1, 5), await Store.GetSequenceStateAsync("CP-1", Ct));
    }

    [Fact]
    public async Task Apply_advances_the_applied_seq_and_creates_the_charger()
    {
        var e1 = Events.Counters("CP-1", 1);
        var e2 = Events.Counters("CP-1", 2);

        await Store.ApplyAsync([e1.Change(), e2.Change()], Ct);

        var charger = await Store.GetChargerAsync("CP-1", Ct);
        Assert.NotNull(charger);
        Assert.Equal(2, charger.AppliedSeq);
        Assert.Equal(e2.Ts, charger.LastEventAt);
        Assert.Equal(e2.Ts.AddSeconds(1), charger.LastSeen);
    }

    [Fact]
    public async Task Apply_that_skips_a_seq_throws_and_applies_nothing_of_the_batch()
    {
        var batch = new[] { Events.Boot("CP-1", 1).Change(), Events.Counters("CP-1", 3).Change() };

        await Assert.ThrowsAsync<ConcurrentApplyException>(() => Store.ApplyAsync(batch, Ct));

        Assert.Equal(0, (await Store.GetSequenceStateAsync("CP-1", Ct)).AppliedSeq);
        var charger = await Store.GetChargerAsync("CP-1", Ct);
        Assert.True(charger is null || charger.AgentVersion is null);
    }

    [Fact]
    public async Task Boot_sets_versions_model_and_the_booting_state()
    {
        await Store.ApplyAsync([Events.State("CP-1", 1, DiagnosticState.SelfTest, DiagnosticState.Operational).Change()], Ct);

        await Store.ApplyAsync([Events.Boot("CP-1", 2, agentVersion: "2.0.0", firmware: "fw-9", model: "EVC-50").Change()], Ct);

        var c = await Store.GetChargerAsync("CP-1", Ct);
        Assert.NotNull(c);
        Assert.Equal(("2.0.0", "fw-9", "EVC-50", "SN-CP-1", "power-on"), (c.AgentVersion, c.FirmwareVersion, c.Model, c.Serial, c.BootReason));
        Assert.Equal(DiagnosticState.Booting, c.State);
        Assert.Equal(Events.TsOf(2), c.LastBootAt);
    }

    [Fact]
    public async Task State_change_sets_the_diagnostic_state()
    {
        await Store.ApplyAsync(
            [
                Events.Boot("CP-1", 1).Change(),
                Events.State("CP-1", 2, DiagnosticState.Booting, DiagnosticState.SelfTest).Change(),
                Events.State("CP-1", 3, DiagnosticState.SelfTest, DiagnosticState.Degraded).Change(),
            ], Ct);

        Assert.Equal(DiagnosticState.Degraded, (await Store.GetChargerAsync("CP-1", Ct))!.State);
    }

    [Fact]
    public async Task Touch_creates_the_charger_and_keeps_the_later_last_seen()
    {
        await Store.TouchAsync("CP-1", Events.T0.AddHours(2), Ct);
        await Store.TouchAsync("CP-1", Events.T0.AddHours(1), Ct);

        var c = await Store.GetChargerAsync("CP-1", Ct);
        Assert.NotNull(c);
        Assert.Equal(Events.T0.AddHours(2), c.LastSeen);
        Assert.Equal(0, c.AppliedSeq);
        Assert.False(c.Online);
    }

    [Fact]
    public async Task Status_sets_online_and_an_older_status_is_ignored()
    {
        await Store.SetStatusAsync("CP-1", online: true, Events.T0.AddMinutes(10), Ct);
        Assert.True((await Store.GetChargerAsync("CP-1", Ct))!.Online);

        await Store.SetStatusAsync("CP-1", online: false, Events.T0.AddMinutes(5), Ct);
        Assert.True((await Store.GetChargerAsync("CP-1", Ct))!.Online);

        await Store.SetStatusAsync("CP-1", online: false, Events.T0.AddMinutes(20), Ct);
        var c = await Store.GetChargerAsync("CP-1", Ct);
        Assert.False(c!.Online);
        Assert.Equal(Events.T0.AddMinutes(20), c.LastSeen);
    }

    [Fact]
    public async Task Gaps_are_recorded_once_listed_and_closed_when_applied_past_them()
    {
        await Store.RecordGapAsync(new SeqGap("CP-1", 2, 3, Events.T0), Ct);
        await Store.RecordGapAsync(new SeqGap("CP-1", 2, 3, Events.T0.AddMinutes(1)), Ct);
        await Store.RecordGapAsync(new SeqGap("CP-1", 6, 9, Events.T0), Ct);
        await Store.RecordGapAsync(new SeqGap("CP-2", 1, 1, Events.T0), Ct);

        var open = await Store.ListGapsAsync("CP-1", openOnly: true, Ct);
        Assert.Equal(new[] { (2L, 3L), (6L, 9L) }, open.Select(g => (g.FromSeq, g.ToSeq)).ToArray());
        Assert.Equal(Events.T0, open[0].DetectedAt);

        var closed = await Store.CloseGapsAsync("CP-1", 7, Events.T0.AddHours(1), Ct);

        var gap = Assert.Single(closed);
        Assert.Equal((2L, 3L, (DateTimeOffset?)Events.T0.AddHours(1)), (gap.FromSeq, gap.ToSeq, gap.ClosedAt));
        Assert.Equal(new[] { 6L }, (await Store.ListGapsAsync("CP-1", openOnly: true, Ct)).Select(g => g.FromSeq).ToArray());
        Assert.Equal(2, (await Store.ListGapsAsync("CP-1", openOnly: false, Ct)).Count);
        Assert.Equal(3, (await Store.ListGapsAsync(null, openOnly: false, Ct)).Count);
        Assert.Empty(await Store.CloseGapsAsync("CP-1", 7, Events.T0.AddHours(2), Ct));
    }

    [Fact]
    public async Task A_lost_range_moves_the_applied_seq_past_it_and_closes_its_gaps_as_lost()
    {
        var boot = Events.Boot("CP-1", 1);
        await Store.AppendAsync(boot.Stored(), Ct);
        await Store.ApplyAsync([boot.Change()], Ct);
        await Store.RecordGapAsync(new SeqGap("CP-1", 2, 9, Events.T0), Ct);

        // Refused while the applied seq is elsewhere, and for a range holding a stored event: nothing changes.
        await Assert.ThrowsAsync<ConcurrentApplyException>(() => Store.SkipLostAsync("CP-1", 3, 9, Events.T0.AddHours(1), Ct));
        var five = Events.Counters("CP-1", 5);
        await Store.AppendAsync(five.Stored(), Ct);
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.SkipLostAsync("CP-1", 2, 9, Events.T0.AddHours(1), Ct));
        Assert.Equal(1, (await Store.GetSequenceStateAsync("CP-1", Ct)).AppliedSeq);

        await Store.SkipLostAsync("CP-1", 2, 4, Events.T0.AddHours(1), Ct);

        Assert.Equal(4, (await Store.GetSequenceStateAsync("CP-1", Ct)).AppliedSeq);
        var recorded = Assert.Single(await Store.ListGapsAsync("CP-1", openOnly: false, Ct), g => g.Lost);
        Assert.Equal((2L, 4L, (DateTimeOffset?)Events.T0.AddHours(1)), (recorded.FromSeq, recorded.ToSeq, recorded.ClosedAt));
        await Store.ApplyAsync([five.Change()], Ct);
        Assert.Equal(5, (await Store.GetSequenceStateAsync("CP-1", Ct)).AppliedSeq);
    }

    [Fact]
    public async Task Dead_letters_are_listed_newest_first_up_to_the_limit()
    {
        for (var i = 0; i < 3; i++)
        {
            await Store.AddDeadLetterAsync(new DeadLetter($"ev/v1/CP-{i}/events", i == 0 ? null : $"CP-{i}", "MalformedJson", $"detail {i}", $"{{bad {i}", 100 + i, Events.T0.AddMinutes(i)), Ct);
        }

        var letters = await Store.ListDeadLettersAsync(2, Ct);

        Assert.Equal(new[] { "detail 2", "detail 1" }, letters.Select(d => d.Detail).ToArray());
        var newest = letters[0];
        Assert.Equal(("ev/v1/CP-2/events", "CP-2", "MalformedJson", "{bad 2", 102, Events.T0.AddMinutes(2)),
            (newest.Topic, newest.ChargerId, newest.Reason, newest.Payload, newest.PayloadBytes, newest.ReceivedAt));
        Assert.True(letters[0].Id > letters[1].Id);
        Assert.Null((await Store.ListDeadLettersAsync(10, Ct))[^1].ChargerId);
    }

    [Fact]
    public async Task Event_history_filters_by_type_and_time_and_pages_by_seq()
    {
        for (var seq = 1; seq <= 6; seq++)
        {
            var e = seq % 2 == 0 ? Events.Counters("CP-1", seq) : Events.State("CP-1", seq, DiagnosticState.Operational, DiagnosticState.Degraded);
            await Store.AppendAsync(e.Stored(), Ct);
        }

        await Store.AppendAsync(Events.Counters("CP-2", 1).Stored(), Ct);

        async Task<long[]> Seqs(EventQuery q) => (await Store.QueryEventsAsync(q, Ct)).Select(e => e.Seq).ToArray();
        Assert.Equal(new[] { 1L, 2, 3, 4, 5, 6 }, await Seqs(new EventQuery("CP-1")));
        Assert.Equal(new[] { 2L, 4, 6 }, await Seqs(new EventQuery("CP-1") { Type = EventTypes.Counters }));
        Assert.Equal(new[] { 2L, 3, 4 }, await Seqs(new EventQuery("CP-1") { From = Events.TsOf(2), To = Events.TsOf(5) }));
        Assert.Equal(new[] { 3L, 4 }, await Seqs(new EventQuery("CP-1") { AfterSeq = 2, Limit = 2 }));
        Assert.Equal(new[] { 4L, 6 }, await Seqs(new EventQuery("CP-1") { Type = EventTypes.Counters, AfterSeq = 2, Limit = 10 }));
    }

    [Fact]
    public async Task Charger_list_is_ordered_by_id_with_gap_and_stored_seq_counts()
    {
        await Store.ApplyAsync([Events.FaultRaised("CP-b", 1, FaultCatalogue.HighHumidity).Change()], Ct);
        await Store.AppendAsync(Events.Counters("CP-b", 4).Stored(), Ct);
        await Store.RecordGapAsync(new SeqGap("CP-b", 2, 3, Events.T0), Ct);
        await Store.TouchAsync("CP-a", Events.T0, Ct);

        var list = await Store.ListChargersAsync(Ct);

        Assert.Equal(new[] { "CP-a", "CP-b" }, list.Select(c => c.ChargerId).ToArray());
        var b = list[1];
        Assert.Equal((1, 1L, 4L), (b.OpenGapCount, b.AppliedSeq, b.MaxStoredSeq));
        Assert.Equal((0, 0L, 0L), (list[0].OpenGapCount, list[0].AppliedSeq, list[0].MaxStoredSeq));
    }

    [Fact]
    public async Task One_transaction_of_more_rows_than_one_statement_takes_stores_touches_and_dead_letters_every_row_once()
    {
        // 2,500 events of 1,250 chargers (two each), written past the 1,000-row statement limit; then the same again with
        // one of them changed: 2,499 duplicates and one conflict, in the order given.
        var chargers = Enumerable.Range(0, 1250).Select(i => $"CP-{i:D4}").ToArray();
        var events = chargers.SelectMany(id => new[] { Events.Counters(id, 1).Stored(), Events.Counters(id, 2).Stored() }).ToList();
        var letters = Enumerable.Range(0, 1500).Select(i => new DeadLetter("ev/v1/CP-0000/events", "CP-0000", "MalformedJson", $"detail {i}", "{", 1, Events.T0)).ToList();

        var first = await Store.InTransactionAsync(chargers, async tx =>
        {
            var stored = await tx.AppendAsync(events, Ct);
            await tx.TouchAsync(chargers, Events.T0.AddHours(1), Ct);
            await tx.AddDeadLettersAsync(letters, Ct);
            return stored;
        }, Ct);
        var again = events.Select((e, i) => i == 1700 ? e with { Id = Guid.NewGuid() } : e).ToList();
        var second = await Store.InTransactionAsync(chargers, async tx => (await tx.AppendAsync(again, Ct), await tx.GetSequenceStatesAsync(chargers, Ct)), Ct);

        Assert.All(first, r => Assert.Equal(AppendOutcome.Stored, r.Outcome));
        Assert.Equal(2499, second.Item1.Count(r => r.Outcome == AppendOutcome.Duplicate));
        Assert.Equal(AppendOutcome.Conflict, second.Item1[1700].Outcome);
        Assert.All(chargers, id => Assert.Equal(new SequenceState(0, 2), second.Item2[id]));
        var listed = await Store.ListChargersAsync(Ct);
        Assert.Equal(chargers, listed.Select(c => c.ChargerId).ToArray());
        Assert.All(listed, c => Assert.Equal(Events.T0.AddHours(1), c.LastSeen));
        var dead = await Store.ListDeadLettersAsync(2000, Ct);
        Assert.Equal(letters.Select(d => d.Detail).Reverse(), dead.Select(d => d.Detail));
    }

    [Fact]
    public async Task Health_check_passes_on_a_working_store()
    {
        await Store.CheckHealthAsync(Ct);
    }
}
