using Charger.Cloud.Core;
using Charger.Cloud.Data;
using Charger.Cloud.FieldService.Alarms;
using Charger.Cloud.FieldService.Data;
using Charger.Cloud.FieldService.Tests.Support;
using Charger.Protocol;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Charger.Cloud.FieldService.Tests;

/// <summary>
/// The fleet's view of faults, read from the alarms (their one model), and the barrier that makes a read right after an
/// acknowledgement show what was acknowledged; on SQLite and on PostgreSQL.
/// </summary>
public abstract class FleetFaultsTests : BedTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private FleetFaults NewFleetFaults(IEventSubscriber? subscriber = null, SubscriptionProgress? progress = null, TimeSpan? readWait = null) => new(
        Bed.Factory,
        new SubscriptionBarrier(
            [subscriber ?? Bed.NewProjector()], (IEventFeed)Bed.Store, progress ?? new SubscriptionProgress(),
            Options.Create(new SubscriptionOptions { ReadWait = readWait ?? TimeSpan.FromMinutes(1) })));

    private Task<long> RaiseAsync(string chargerId, string code, Severity severity, double value, Guid? cause = null) =>
        Bed.SendAsync(chargerId, EventTypes.FaultRaised, new FaultRaisedData
        {
            Code = code, Component = "connector", Severity = severity, Value = value, Unit = "degC", Cause = cause,
            BlocksCharging = FaultCatalogue.Get(code).BlocksCharging, Latching = FaultCatalogue.Get(code).Latching, Message = code + " in test",
        }, ProtocolJsonContext.Default.FaultRaisedData);

    private async Task<StoredEvent> EventAsync(string chargerId, long seq) =>
        (await Bed.Store.QueryEventsAsync(new EventQuery(chargerId) { AfterSeq = seq - 1, Limit = 1 }, Ct)).Single();

    [Fact]
    public async Task A_fault_shows_once_per_code_with_its_last_raise_until_it_is_cleared()
    {
        var cause = Guid.NewGuid();
        await Bed.BootAsync("CP-1");
        await RaiseAsync("CP-1", FaultCatalogue.HighTemperature, Severity.Major, 75);
        var again = await RaiseAsync("CP-1", FaultCatalogue.HighTemperature, Severity.Critical, 90, cause);
        await Bed.ProjectAsync();
        var fleet = NewFleetFaults();

        var faults = await fleet.ListAsync("CP-1", Ct);
        var fault = Assert.Single(faults.Value);
        var last = await EventAsync("CP-1", again);
        Assert.True(faults.Current);
        Assert.Equal((FaultCatalogue.HighTemperature, "connector", Severity.Critical, (double?)90, "degC"), (fault.Code, fault.Component, fault.Severity, fault.Value, fault.Unit));
        Assert.Equal(((Guid?)last.Id, again, last.Ts, (Guid?)cause), (fault.RaisedEventId, fault.RaisedSeq, fault.RaisedAt, fault.Cause));
        Assert.Equal(1, (await fleet.CountByChargerAsync(Ct)).Value["CP-1"]);

        await Bed.ClearAsync("CP-1", FaultCatalogue.HighTemperature);
        await Bed.ProjectAsync();

        Assert.Empty((await fleet.ListAsync("CP-1", Ct)).Value);
        Assert.False((await fleet.CountByChargerAsync(Ct)).Value.ContainsKey("CP-1"));
    }

    [Fact]
    public async Task The_fleet_spans_every_charger_and_leaves_out_the_clouds_offline_alarm()
    {
        await Bed.BootAsync("CP-1");
        await Bed.Pipeline.HandleStatusAsync("CP-1", online: true, Bed.Clock.GetUtcNow(), Ct);
        await Bed.RaiseAsync("CP-1", FaultCatalogue.EmergencyStop);
        await Bed.BootAsync("CP-2");
        await Bed.RaiseAsync("CP-2", FaultCatalogue.GroundFailure);
        Bed.Clock.Advance(TimeSpan.FromSeconds(1));
        await Bed.RaiseAsync("CP-2", FaultCatalogue.FanFailure);
        Bed.Clock.Advance(Bed.Options.OfflineAfter + TimeSpan.FromMinutes(1));
        await Bed.ProjectAsync();
        await using (var db = Bed.Factory.Create())
        {
            Assert.Contains(await db.Alarms.ToListAsync(), a => a.Code == Alarm.OfflineCode && a.Status == AlarmStatus.Active);
        }

        var fleet = NewFleetFaults();
        var faults = (await fleet.ListAsync(null, Ct)).Value;

        Assert.Equal(
            [("CP-1", FaultCatalogue.EmergencyStop), ("CP-2", FaultCatalogue.GroundFailure), ("CP-2", FaultCatalogue.FanFailure)],
            faults.Select(f => (f.ChargerId, f.Code)));
        Assert.Equal(new Dictionary<string, int> { ["CP-1"] = 1, ["CP-2"] = 2 }, (await fleet.CountByChargerAsync(Ct)).Value);
    }

    [Fact]
    public async Task A_read_waits_until_the_subscription_has_applied_what_was_acknowledged_before_it()
    {
        var progress = new SubscriptionProgress();
        var held = new HeldSubscriber(Bed.NewProjector());
        using var subscriptions = new EventSubscriptions([held], (IEventFeed)Bed.Store, Bed.Applied, progress, new LiveUpdates(),
            Options.Create(new SubscriptionOptions { PollInterval = TimeSpan.FromMinutes(10) }), Bed.Clock, new ErrorLog<EventSubscriptions>());
        await subscriptions.StartAsync(Ct);
        try
        {
            await Bed.BootAsync("CP-W");
            await held.Entered; // the boot's batch is being applied, held there
            await Bed.RaiseAsync("CP-W", FaultCatalogue.GroundFailure); // acknowledged: the pipeline committed it

            var read = NewFleetFaults(held, progress).ListAsync("CP-W", Ct);
            await held.ReadBy(read); // the barrier has looked at the position and waits
            Assert.False(read.IsCompleted, "the read answered while the fault was still held before its subscription");

            held.Release();
            var faults = await read;

            Assert.True(faults.Current);
            Assert.Equal(FaultCatalogue.GroundFailure, Assert.Single(faults.Value).Code);
        }
        finally
        {
            held.Release();
            await subscriptions.StopAsync(Ct);
        }
    }

    [Fact]
    public async Task A_read_past_its_wait_answers_what_is_there_and_says_it_may_be_behind()
    {
        var held = new HeldSubscriber(Bed.NewProjector());
        await Bed.BootAsync("CP-B");
        await Bed.RaiseAsync("CP-B", FaultCatalogue.GroundFailure);

        // Nothing applies the feed: the wait runs out.
        var faults = await NewFleetFaults(held, readWait: TimeSpan.FromMilliseconds(50)).ListAsync("CP-B", Ct);

        Assert.False(faults.Current);
        Assert.Empty(faults.Value);

        await Bed.ProjectAsync();
        faults = await NewFleetFaults(held, readWait: TimeSpan.Zero).ListAsync("CP-B", Ct);
        Assert.True(faults.Current);
        Assert.Single(faults.Value);
    }

    [Fact]
    public async Task A_host_that_runs_no_such_subscription_does_not_wait()
    {
        var fleet = new FleetFaults(Bed.Factory, new SubscriptionBarrier([], (IEventFeed)Bed.Store, new SubscriptionProgress(),
            Options.Create(new SubscriptionOptions { ReadWait = TimeSpan.FromMinutes(1) })));
        await Bed.BootAsync("CP-N");

        Assert.True((await fleet.ListAsync(null, Ct)).Current);
    }

    [Fact]
    public async Task Alarms_active_at_the_upgrade_get_the_details_of_their_last_raise_from_the_stored_events_once()
    {
        await Bed.BootAsync("CP-U");
        await RaiseAsync("CP-U", FaultCatalogue.HighTemperature, Severity.Major, 71);
        await Bed.CountersAsync("CP-U");
        var last = await RaiseAsync("CP-U", FaultCatalogue.HighTemperature, Severity.Major, 88);
        await Bed.RaiseAsync("CP-U", FaultCatalogue.FanFailure);
        await Bed.ProjectAsync();
        // As release 5 left them: the alarm without the details the fleet's view now reads from it.
        await using (var db = Bed.Factory.Create())
        {
            await db.Alarms.ExecuteUpdateAsync(s => s
                .SetProperty(a => a.LastRaisedEventId, (Guid?)null).SetProperty(a => a.LastRaisedSeq, (long?)null)
                .SetProperty(a => a.Value, (double?)null).SetProperty(a => a.Unit, (string?)null).SetProperty(a => a.Latching, false));
        }

        var projector = Bed.NewProjector();
        Assert.Equal(2, await projector.CompleteEarlierRowsAsync(Ct));
        Assert.Equal(0, await projector.CompleteEarlierRowsAsync(Ct));

        var faults = (await NewFleetFaults().ListAsync("CP-U", Ct)).Value;
        var high = Assert.Single(faults, f => f.Code == FaultCatalogue.HighTemperature);
        Assert.Equal(((Guid?)(await EventAsync("CP-U", last)).Id, last, (double?)88, "degC"), (high.RaisedEventId, high.RaisedSeq, high.Value, high.Unit));
        Assert.Equal(FaultCatalogue.Get(FaultCatalogue.FanFailure).Latching, Assert.Single(faults, f => f.Code == FaultCatalogue.FanFailure).Latching);
    }
}

public sealed class SqliteFleetFaultsTests : FleetFaultsTests
{
    protected override DomainDbProvider Provider => DomainDbProvider.Sqlite;
}

public sealed class PostgresFleetFaultsTests : FleetFaultsTests
{
    protected override DomainDbProvider Provider => DomainDbProvider.Postgres;
}

/// <summary>
/// A subscriber held at its first batch until <see cref="Release"/>: what it was handed is not applied meanwhile. Says
/// when it is entered, and when a reader has looked at its position while it is held.
/// </summary>
internal sealed class HeldSubscriber(IEventSubscriber inner) : IEventSubscriber
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _positionRead = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Name => inner.Name;

    public Task Entered => _entered.Task;

    public void Release() => _released.TrySetResult();

    /// <summary>Completes when the position was read after this call, or when <paramref name="read"/> ended first.</summary>
    public Task ReadBy(Task read)
    {
        var positionRead = Volatile.Read(ref _positionRead).Task;
        return Task.WhenAny(positionRead, read);
    }

    public async Task<FeedPosition> ReadPositionAsync(CancellationToken cancellationToken)
    {
        var position = await inner.ReadPositionAsync(cancellationToken);
        if (_entered.Task.IsCompleted && !_released.Task.IsCompleted)
        {
            Interlocked.Exchange(ref _positionRead, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }

        return position;
    }

    public async Task<bool> HandleAsync(FeedPosition from, IReadOnlyList<FeedEvent> events, CancellationToken cancellationToken)
    {
        _entered.TrySetResult();
        await _released.Task.WaitAsync(cancellationToken);
        return await inner.HandleAsync(from, events, cancellationToken);
    }
}
