using System.Text.Json;
using Charger.Agent.Core.Journal;
using Charger.Protocol;

namespace Charger.Agent.Tests;

/// <summary>One contract, run against every <see cref="IJournal"/>.</summary>
public abstract class JournalContractTests : IAsyncLifetime
{
    protected const string Charger = "CP-TEST-1";
    private IJournal? _journal;

    protected IJournal Journal => _journal!;

    protected abstract IJournal Create(JournalOptions options);

    protected virtual JournalOptions Options => new() { MaxPendingEvents = 100, MaxHistoryEvents = 10, MaxTelemetry = 3 };

    public Task InitializeAsync()
    {
        _journal = Create(Options);
        return Task.CompletedTask;
    }

    public virtual async Task DisposeAsync() => await Journal.DisposeAsync();

    protected static JsonElement Fault(string code) => JsonSerializer.SerializeToElement(
        new FaultRaisedData { Code = code, Component = "test", Severity = Severity.Major }, ProtocolJsonContext.Default.FaultRaisedData);

    protected static JsonElement Counters(double wh) => JsonSerializer.SerializeToElement(
        new CountersData { EnergyWh = wh }, ProtocolJsonContext.Default.CountersData);

    protected static readonly DateTimeOffset T0 = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Appended_events_get_consecutive_seqs_starting_at_1()
    {
        var a = await Journal.AppendAsync(EventTypes.FaultRaised, Fault("A"), T0, default);
        var b = await Journal.AppendAsync(EventTypes.FaultRaised, Fault("B"), T0, default);
        Assert.Equal(1, a!.Seq);
        Assert.Equal(2, b!.Seq);
        Assert.Equal(Charger, a.ChargerId);
        Assert.NotEqual(a.Id, b.Id);
        Assert.Equal(2, Journal.Stats.LastSeq);
        Assert.Equal(2, Journal.Stats.PendingCount);
    }

    [Fact]
    public async Task Pending_events_are_read_in_seq_order_after_a_given_seq()
    {
        for (var i = 0; i < 5; i++)
        {
            await Journal.AppendAsync(EventTypes.FaultRaised, Fault("F" + i), T0.AddSeconds(i), default);
        }

        var after2 = await Journal.ReadPendingAsync(2, 10, default);
        Assert.Equal([3L, 4L, 5L], after2.Select(e => e.Seq));
        Assert.Equal("F2", after2[0].DataAs(ProtocolJsonContext.Default.FaultRaisedData).Code);
        var limited = await Journal.ReadPendingAsync(0, 2, default);
        Assert.Equal([1L, 2L], limited.Select(e => e.Seq));
    }

    [Fact]
    public async Task Acknowledged_events_are_no_longer_pending_but_stay_in_history()
    {
        for (var i = 0; i < 4; i++)
        {
            await Journal.AppendAsync(EventTypes.FaultRaised, Fault("F" + i), T0, default);
        }

        await Journal.AcknowledgeAsync(3, default);
        var pending = await Journal.ReadPendingAsync(0, 10, default);
        Assert.Equal([4L], pending.Select(e => e.Seq));
        Assert.Equal(3, Journal.Stats.AckedUpTo);
        Assert.Equal(1, Journal.Stats.PendingCount);
        var history = await Journal.QueryAsync(new JournalQuery(), default);
        Assert.Equal(4, history.Count);
    }

    [Fact]
    public async Task An_ack_below_the_current_one_or_beyond_the_last_seq_changes_nothing_wrong()
    {
        await Journal.AppendAsync(EventTypes.FaultRaised, Fault("A"), T0, default);
        await Journal.AppendAsync(EventTypes.FaultRaised, Fault("B"), T0, default);
        await Journal.AcknowledgeAsync(2, default);
        await Journal.AcknowledgeAsync(1, default);
        Assert.Equal(2, Journal.Stats.AckedUpTo);
        await Journal.AcknowledgeAsync(99, default);
        Assert.Equal(2, Journal.Stats.AckedUpTo);
        var next = await Journal.AppendAsync(EventTypes.FaultRaised, Fault("C"), T0, default);
        Assert.Equal(3, next!.Seq);
        Assert.Single(await Journal.ReadPendingAsync(0, 10, default));
    }

    [Fact]
    public async Task History_beyond_its_bound_is_pruned_oldest_first_but_pending_events_never()
    {
        for (var i = 0; i < 30; i++)
        {
            await Journal.AppendAsync(EventTypes.FaultRaised, Fault("F" + i), T0, default);
        }

        Assert.Equal(30, (await Journal.ReadPendingAsync(0, 100, default)).Count);
        await Journal.AcknowledgeAsync(25, default);
        var history = await Journal.QueryAsync(new JournalQuery(Limit: 1000), default);
        // 10 acknowledged kept as history + 5 pending.
        Assert.Equal(15, history.Count);
        Assert.Equal(16, history[0].Seq);
        Assert.Equal(30, history[^1].Seq);
    }

    [Fact]
    public async Task A_full_outbox_refuses_routine_events_but_never_critical_ones()
    {
        for (var i = 0; i < 100; i++)
        {
            Assert.NotNull(await Journal.AppendAsync(EventTypes.FaultRaised, Fault("F" + i), T0, default));
        }

        Assert.Null(await Journal.AppendAsync(EventTypes.Counters, Counters(1), T0, default));
        Assert.Equal(1, Journal.Stats.RoutineRefused);
        var critical = await Journal.AppendAsync(EventTypes.ServiceRecord,
            JsonSerializer.SerializeToElement(new ServiceRecordData { Kind = "repair", EngineerId = "e1" }, ProtocolJsonContext.Default.ServiceRecordData), T0, default);
        Assert.Equal(101, critical!.Seq);
        await Journal.AcknowledgeAsync(50, default);
        Assert.NotNull(await Journal.AppendAsync(EventTypes.Counters, Counters(2), T0, default));
    }

    [Fact]
    public async Task Telemetry_is_bounded_and_the_oldest_goes_first()
    {
        for (var i = 0; i < 5; i++)
        {
            await Journal.AppendTelemetryAsync(new[] { (byte)i }, T0, default);
        }

        Assert.Equal(3, Journal.Stats.TelemetryQueued);
        Assert.Equal(2, Journal.Stats.TelemetryDropped);
        var taken = await Journal.TakeTelemetryAsync(10, default);
        Assert.Equal([2, 3, 4], taken.Select(t => (int)t[0]));
        Assert.Empty(await Journal.TakeTelemetryAsync(10, default));
    }

    [Fact]
    public async Task History_can_be_filtered_by_type_and_time()
    {
        await Journal.AppendAsync(EventTypes.FaultRaised, Fault("A"), T0, default);
        await Journal.AppendAsync(EventTypes.Counters, Counters(5), T0.AddMinutes(1), default);
        await Journal.AppendAsync(EventTypes.FaultRaised, Fault("B"), T0.AddMinutes(2), default);
        var faults = await Journal.QueryAsync(new JournalQuery(Type: EventTypes.FaultRaised), default);
        Assert.Equal([1L, 3L], faults.Select(e => e.Seq));
        var recent = await Journal.QueryAsync(new JournalQuery(Since: T0.AddSeconds(30)), default);
        Assert.Equal([2L, 3L], recent.Select(e => e.Seq));
        var last = await Journal.QueryAsync(new JournalQuery(Limit: 1), default);
        Assert.Equal(3, Assert.Single(last).Seq);
    }

    [Fact]
    public async Task State_values_are_kept()
    {
        Assert.Null(await Journal.GetStateAsync("commissioned", default));
        await Journal.SetStateAsync("commissioned", "true", default);
        await Journal.SetStateAsync("commissioned", "false", default);
        Assert.Equal("false", await Journal.GetStateAsync("commissioned", default));
    }

    [Fact]
    public async Task Oldest_pending_timestamp_is_reported()
    {
        Assert.Null(Journal.Stats.OldestPending);
        await Journal.AppendAsync(EventTypes.FaultRaised, Fault("A"), T0, default);
        await Journal.AppendAsync(EventTypes.FaultRaised, Fault("B"), T0.AddMinutes(5), default);
        Assert.Equal(T0, Journal.Stats.OldestPending);
        await Journal.AcknowledgeAsync(1, default);
        Assert.Equal(T0.AddMinutes(5), Journal.Stats.OldestPending);
    }
}

public sealed class InMemoryJournalTests : JournalContractTests
{
    protected override IJournal Create(JournalOptions options) => new InMemoryJournal(Charger, options);
}
