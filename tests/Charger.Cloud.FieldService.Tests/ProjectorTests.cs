using Charger.Cloud.Core;
using Charger.Cloud.AfterSales;
using Charger.Cloud.Data;
using Charger.Cloud.FieldService.Data;
using Charger.Cloud.FieldService.Facts;
using Charger.Cloud.FieldService.Tests.Support;
using Charger.Cloud.FieldService.WorkOrders;
using Charger.Protocol;
using Microsoft.EntityFrameworkCore;

namespace Charger.Cloud.FieldService.Tests;

/// <summary>The service projector against the real event store and ingest pipeline, on SQLite and on PostgreSQL.</summary>
public abstract class ProjectorTests : BedTests
{
    private async Task<List<Alarm>> AlarmsAsync()
    {
        await using var db = Bed.Factory.Create();
        return await db.Alarms.AsNoTracking().Include(a => a.History).OrderBy(a => a.Id).ToListAsync();
    }

    private async Task<List<WorkOrderRow>> OrdersAsync()
    {
        await using var db = Bed.Factory.Create();
        return await db.WorkOrders.AsNoTracking().Include(w => w.Transitions).Include(w => w.Pauses).OrderBy(w => w.Id).ToListAsync();
    }

    [Fact]
    public async Task A_raise_opens_one_alarm_a_second_raise_adds_history_and_a_clear_clears_it()
    {
        await Bed.BootAsync("CP-1");
        await Bed.RaiseAsync("CP-1", FaultCatalogue.HighTemperature);
        await Bed.RaiseAsync("CP-1", FaultCatalogue.HighTemperature, Severity.Critical);
        Assert.Equal(3, await Bed.ProjectAsync());

        var alarm = Assert.Single(await AlarmsAsync());
        Assert.Equal((AlarmStatus.Active, Severity.Critical, 2), (alarm.Status, alarm.Severity, alarm.RaiseCount));
        Assert.Equal([AlarmAction.Raised, AlarmAction.WorkOrderLinked, AlarmAction.ReRaised], alarm.History.OrderBy(h => h.Id).Select(h => h.Action));

        await Bed.ClearAsync("CP-1", FaultCatalogue.HighTemperature);
        Assert.Equal(1, await Bed.ProjectAsync());
        Assert.Equal(0, await Bed.ProjectAsync());
        alarm = Assert.Single(await AlarmsAsync());
        Assert.Equal(AlarmStatus.Cleared, alarm.Status);
        Assert.Null(alarm.ActiveKey);
        Assert.Equal(AlarmAction.Cleared, alarm.History.OrderBy(h => h.Id).Last().Action);

        // Raised again after the clear: a new alarm, the old one stays cleared.
        await Bed.RaiseAsync("CP-1", FaultCatalogue.HighTemperature);
        await Bed.ProjectAsync();
        var alarms = await AlarmsAsync();
        Assert.Equal([AlarmStatus.Cleared, AlarmStatus.Active], alarms.Select(a => a.Status));
        Assert.Contains(Bed.Audit.Entries, e => e.Action == "alarm.clear" && e.EntityId == alarm.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_clear_without_an_active_alarm_and_other_events_change_nothing()
    {
        await Bed.BootAsync("CP-1");
        await Bed.ClearAsync("CP-1", FaultCatalogue.HighTemperature);
        await Bed.CountersAsync("CP-1");
        Assert.Equal(3, await Bed.ProjectAsync());
        Assert.Empty(await AlarmsAsync());
    }

    [Fact]
    public async Task Ingest_wakes_the_subscription_at_once_without_waiting_for_its_poll()
    {
        // The poll interval runs on the fake clock, which does not move: only ingest's signal can wake the subscription.
        var projector = new ObservedSubscriber(Bed.NewProjector());
        var faultHandled = projector.HandledAsync(e => e.Type == EventTypes.FaultRaised && e.ChargerId == "CP-W");
        var errors = new ErrorLog<EventSubscriptions>();
        using var subscriptions = new EventSubscriptions([projector], (IEventFeed)Bed.Store, Bed.Applied, new SubscriptionProgress(), new LiveUpdates(),
            Microsoft.Extensions.Options.Options.Create(new SubscriptionOptions { PollInterval = TimeSpan.FromMinutes(10) }), Bed.Clock, errors);
        await subscriptions.StartAsync(CancellationToken.None);
        try
        {
            await Bed.BootAsync("CP-W");
            await Bed.RaiseAsync("CP-W", FaultCatalogue.GroundFailure);

            await faultHandled.WaitAsync(TimeSpan.FromSeconds(30));

            Assert.True(errors.Errors.IsEmpty, string.Join("\n", errors.Errors));
            var alarm = Assert.Single(await AlarmsAsync());
            Assert.Equal(("CP-W", FaultCatalogue.GroundFailure), (alarm.ChargerId, alarm.Code));
        }
        finally
        {
            await subscriptions.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Events_applied_before_the_feed_existed_are_skipped_up_to_the_old_per_charger_cursor()
    {
        await Bed.BootAsync("CP-U");
        await Bed.RaiseAsync("CP-U", FaultCatalogue.HighHumidity);
        await Bed.RaiseAsync("CP-U", FaultCatalogue.HighHumidity);

        // As migration 5 leaves a database the projector had worked on: the applied events at transaction 0 in seq order,
        // and the old cursor saying seqs 1-2 were applied then.
        await using (var db = Bed.Factory.Create())
        {
            await db.Database.ExecuteSqlRawAsync("UPDATE events SET apply_tx = 0, apply_idx = seq WHERE charger_id = 'CP-U'");
            await db.Database.ExecuteSqlRawAsync("INSERT INTO service_projector_cursors (charger_id, seq, updated_at) VALUES ('CP-U', 2, 0)");
        }

        await Bed.ProjectAsync();

        // Only seq 3 was applied now: its raise is the alarm's first entry.
        var alarm = Assert.Single(await AlarmsAsync());
        var entry = Assert.Single(alarm.History);
        Assert.Equal((AlarmAction.Raised, (long?)3), (entry.Action, entry.Seq));
    }

    [Fact]
    public async Task Two_projectors_on_one_database_apply_each_event_exactly_once()
    {
        string[] chargers = ["CP-A", "CP-B", "CP-C"];
        var total = 0;
        foreach (var c in chargers)
        {
            await Bed.BootAsync(c);
            total++;
            for (var i = 0; i < 12; i++)
            {
                await Bed.RaiseAsync(c, FaultCatalogue.HighHumidity); // warning, not blocking: no work orders
                await Bed.RaiseAsync(c, FaultCatalogue.HighHumidity);
                await Bed.ClearAsync(c, FaultCatalogue.HighHumidity);
                total += 3;
            }
        }

        Bed.Options.BatchSize = 5; // many small transactions, so the two interleave
        var first = Bed.NewProjector();
        var second = Bed.NewProjector();
        var applied = 0;
        for (var round = 0; round < 20 && applied < total; round++)
        {
            var counts = await Task.WhenAll(Task.Run(() => first.RunOnceAsync(CancellationToken.None)), Task.Run(() => second.RunOnceAsync(CancellationToken.None)));
            applied += counts.Sum();
        }

        Assert.Equal(total, applied);
        var alarms = await AlarmsAsync();
        Assert.Equal(36, alarms.Count);
        Assert.All(alarms, a => Assert.Equal(
            [AlarmAction.Raised, AlarmAction.ReRaised, AlarmAction.Cleared], a.History.OrderBy(h => h.Id).Select(h => h.Action)));
        var feed = await ((IEventFeed)Bed.Store).ReadAsync(FeedPosition.Start, 1000, CancellationToken.None);
        Assert.Equal(total, feed.Count);
        Assert.Equal(feed[^1].Position, await first.ReadPositionAsync(CancellationToken.None));
        Assert.Equal(0, await Bed.ProjectAsync());
    }

    [Fact]
    public async Task A_charger_silent_for_longer_than_OfflineAfter_gets_an_offline_alarm_cleared_when_heard_from_again()
    {
        await Bed.BootAsync("CP-1");
        await Bed.Pipeline.HandleStatusAsync("CP-1", online: true, Bed.Clock.GetUtcNow(), CancellationToken.None);
        await Bed.ProjectAsync();
        Bed.Clock.Advance(Bed.Options.OfflineAfter - TimeSpan.FromSeconds(1));
        await Bed.ProjectAsync();
        Assert.Empty(await AlarmsAsync());

        Bed.Clock.Advance(TimeSpan.FromSeconds(2));
        await Bed.ProjectAsync();
        await Bed.ProjectAsync(); // a second pass adds nothing
        var alarm = Assert.Single(await AlarmsAsync());
        Assert.Equal((Alarm.OfflineCode, AlarmStatus.Active, Bed.Options.OfflineSeverity), (alarm.Code, alarm.Status, alarm.Severity));
        Assert.Null(alarm.WorkOrderId);

        Bed.Clock.Advance(TimeSpan.FromMinutes(30));
        await Bed.CountersAsync("CP-1");
        await Bed.ProjectAsync();
        alarm = Assert.Single(await AlarmsAsync());
        Assert.Equal(AlarmStatus.Cleared, alarm.Status);
        Assert.Equal(Bed.Clock.GetUtcNow(), alarm.ClearedAt);
        Assert.Equal("heard from again", alarm.History.OrderBy(h => h.Id).Last().Reason);
    }

    [Fact]
    public async Task A_blocking_ground_fault_opens_an_urgent_repair_linked_to_its_alarm_once()
    {
        await Bed.BootAsync("CP-1");
        await Bed.RaiseAsync("CP-1", FaultCatalogue.GroundFailure);
        await Bed.RaiseAsync("CP-1", FaultCatalogue.GroundFailure);
        await Bed.RaiseAsync("CP-1", FaultCatalogue.WeakSignal); // warning, not blocking: no work order
        await Bed.ProjectAsync();
        await Bed.ProjectAsync();

        var order = Assert.Single(await OrdersAsync());
        var alarm = (await AlarmsAsync()).Single(a => a.Code == FaultCatalogue.GroundFailure);
        Assert.Equal((WorkOrderKind.Repair, WorkOrderPriority.Urgent, WorkOrderChannel.Alarm, WorkOrderState.Open), (order.Kind, order.Priority, order.Channel, order.State));
        Assert.Equal((alarm.Id, order.Id), (order.AlarmId!.Value, alarm.WorkOrderId!.Value));
        Assert.Equal(("CP-1", FaultCatalogue.GroundFailure, CustomerTier.Standard), (order.ChargerId, order.FaultCode, order.Tier));
        Assert.Equal((240, 1440), (order.ResponseTargetMinutes, order.ResolutionTargetMinutes)); // standard tier, urgent
        Assert.Equal("created", Assert.Single(order.Transitions).Action);
        Assert.Contains(Bed.Audit.Entries, e => e.Action == "work-order.create" && e.EntityId == order.Reference && e.Actor == Actor.System);
    }

    [Fact]
    public async Task The_policy_can_leave_a_code_without_work_orders()
    {
        Bed.Options.AutoWorkOrderRules = [new AutoWorkOrderRule { Code = FaultCatalogue.GroundFailure, Create = false }, new AutoWorkOrderRule { Priority = WorkOrderPriority.Normal }];
        await Bed.BootAsync("CP-1");
        await Bed.RaiseAsync("CP-1", FaultCatalogue.GroundFailure);
        await Bed.RaiseAsync("CP-1", FaultCatalogue.HighTemperature);
        await Bed.ProjectAsync();
        var order = Assert.Single(await OrdersAsync());
        Assert.Equal((FaultCatalogue.HighTemperature, WorkOrderPriority.Normal), (order.FaultCode, order.Priority));
    }

    [Fact]
    public async Task A_repair_record_with_the_reference_resolves_the_on_site_order_and_the_customers_sign_off_confirms_and_closes_it()
    {
        await Bed.BootAsync("CP-1");
        await Bed.RaiseAsync("CP-1", FaultCatalogue.GroundFailure);
        await Bed.ProjectAsync();
        var order = Assert.Single(await OrdersAsync());
        Bed.Clock.Advance(TimeSpan.FromMinutes(20));
        await Bed.ToOnSiteAsync(order.Id);

        Bed.Clock.Advance(TimeSpan.FromMinutes(45));
        var seq = await Bed.RecordAsync("CP-1", ServiceRecordKinds.Repair, "eng-zhang", order.Reference, confirmed: true);
        await Bed.ProjectAsync();

        order = Assert.Single(await OrdersAsync());
        Assert.Equal(WorkOrderState.Closed, order.State);
        Assert.Equal(Bed.Clock.GetUtcNow(), order.ResolvedAt);
        var steps = order.Transitions.OrderBy(t => t.Id).Select(t => (t.Action, t.ActorId)).ToList();
        Assert.Equal(
            [("created", "system"), ("Triage", "ts-chen"), ("Assign", "ts-chen"), ("SetOff", "eng-zhang"), ("Arrive", "eng-zhang"), ("service-record", "eng-zhang"),
             ("Resolve", "eng-zhang"), ("Confirm", "customer"), ("Close", "system")],
            steps);
        await using var db = Bed.Factory.Create();
        var link = await db.MaintenanceLog.AsNoTracking().SingleAsync();
        Assert.Equal((seq, order.Id, "reference", true), (link.Seq, link.WorkOrderId!.Value, link.Match, link.CustomerConfirmed));
        var fact = await new FieldServiceFacts(Bed.Factory, Bed.Store).FindWorkOrderAsync(order.Reference, CancellationToken.None);
        Assert.Equal((true, true, "EVB-22", "north"), (fact!.ResolvedWithinSla, fact.FixedFirstTime, fact.ChargerModel, fact.Team));
    }

    [Fact]
    public async Task A_record_without_reference_attaches_to_the_order_whose_on_site_period_contains_it()
    {
        await Bed.BootAsync("CP-1");
        await Bed.BootAsync("CP-2");
        await Bed.RaiseAsync("CP-1", FaultCatalogue.PowerSwitchFailure);
        await Bed.ProjectAsync();
        var order = Assert.Single(await OrdersAsync());

        // A maintenance record on the same charger long before anyone set off: no order.
        await Bed.RecordAsync("CP-1", ServiceRecordKinds.Maintenance, "eng-zhang", ts: Bed.Clock.GetUtcNow().AddHours(-5));
        Bed.Clock.Advance(TimeSpan.FromHours(1));
        await Bed.ToOnSiteAsync(order.Id);
        Bed.Clock.Advance(TimeSpan.FromMinutes(30));
        await Bed.RecordAsync("CP-2", ServiceRecordKinds.Repair, "eng-zhang"); // another charger
        await Bed.RecordAsync("CP-1", ServiceRecordKinds.Repair, "eng-zhang"); // no reference, in the window
        await Bed.ProjectAsync();

        await using var db = Bed.Factory.Create();
        var links = await db.MaintenanceLog.AsNoTracking().OrderBy(l => l.ChargerId).ThenBy(l => l.Seq).ToListAsync();
        Assert.Equal([("CP-1", "none"), ("CP-1", "time-window"), ("CP-2", "none")], links.Select(l => (l.ChargerId, l.Match)));
        Assert.Equal(order.Id, links[1].WorkOrderId);
        order = Assert.Single(await OrdersAsync());
        Assert.Equal(WorkOrderState.Resolved, order.State); // no sign-off: waits for the customer's confirmation
        Assert.Equal("worn contact; replaced contact", order.Resolution);
    }

    [Fact]
    public async Task A_repeat_repair_for_the_same_fault_within_the_window_marks_the_first_not_fixed_first_time()
    {
        await Bed.BootAsync("CP-1");
        await Bed.BootAsync("CP-2");
        await Bed.RaiseAsync("CP-1", FaultCatalogue.GroundFailure);
        await Bed.RaiseAsync("CP-2", FaultCatalogue.GroundFailure);
        await Bed.ProjectAsync();
        var orders = await OrdersAsync();
        foreach (var o in orders)
        {
            await Bed.ToOnSiteAsync(o.Id);
            await Bed.RecordAsync(o.ChargerId!, ServiceRecordKinds.Repair, "eng-zhang", o.Reference, confirmed: true);
            await Bed.ClearAsync(o.ChargerId!, FaultCatalogue.GroundFailure);
        }

        await Bed.ProjectAsync();
        Assert.All(await OrdersAsync(), o => Assert.Equal(WorkOrderState.Closed, o.State));

        // CP-1's fault comes back within the window; CP-2's only after it.
        Bed.Clock.Advance(TimeSpan.FromDays(10));
        await Bed.RaiseAsync("CP-1", FaultCatalogue.GroundFailure);
        await Bed.ProjectAsync();
        Bed.Clock.Advance(Bed.Options.RepeatVisitWindow);
        await Bed.RaiseAsync("CP-2", FaultCatalogue.GroundFailure);
        await Bed.ProjectAsync();

        orders = await OrdersAsync();
        Assert.Equal(4, orders.Count);
        Assert.True(orders[0].NotFixedFirstTime);
        Assert.Equal(orders[2].Id, orders[0].RepeatWorkOrderId);
        Assert.Contains(orders[0].Transitions, t => t.Action == "not-fixed-first-time");
        Assert.False(orders[1].NotFixedFirstTime);
        var facts = await new FieldServiceFacts(Bed.Factory, Bed.Store).GetWorkOrdersAsync(FieldServiceTestBed.Start, Bed.Clock.GetUtcNow().AddDays(1), CancellationToken.None);
        Assert.Equal([false, true, null, null], facts.Select(f => f.FixedFirstTime));
    }

    [Fact]
    public async Task Downtime_facts_are_the_active_periods_of_blocking_alarms_with_the_model()
    {
        await Bed.BootAsync("CP-1", model: "EVB-7");
        var raisedAt = Bed.Clock.GetUtcNow();
        await Bed.RaiseAsync("CP-1", FaultCatalogue.EmergencyStop);
        await Bed.RaiseAsync("CP-1", FaultCatalogue.WeakSignal);
        Bed.Clock.Advance(TimeSpan.FromHours(2));
        await Bed.ClearAsync("CP-1", FaultCatalogue.EmergencyStop);
        await Bed.ProjectAsync();
        var facts = await new FieldServiceFacts(Bed.Factory, Bed.Store).GetDowntimesAsync(raisedAt.AddHours(-1), raisedAt.AddDays(1), CancellationToken.None);
        var fact = Assert.Single(facts);
        Assert.Equal(new DowntimeFact("CP-1", "EVB-7", raisedAt, raisedAt.AddHours(2), FaultCatalogue.EmergencyStop), fact);
    }

    [Fact]
    public async Task The_SLA_check_records_a_breach_once_in_the_history_and_the_audit_log()
    {
        await Bed.BootAsync("CP-1");
        await Bed.RaiseAsync("CP-1", FaultCatalogue.GroundFailure);
        await Bed.ProjectAsync();
        Bed.Clock.Advance(TimeSpan.FromHours(3));
        Assert.Equal(0, await Bed.NewSlaMonitor().RunOnceAsync(CancellationToken.None));
        Bed.Clock.Advance(TimeSpan.FromHours(1.5)); // 4 h response target passed unassigned
        Assert.Equal(1, await Bed.NewSlaMonitor().RunOnceAsync(CancellationToken.None));
        Assert.Equal(0, await Bed.NewSlaMonitor().RunOnceAsync(CancellationToken.None));
        var order = Assert.Single(await OrdersAsync());
        Assert.Equal(Bed.Clock.GetUtcNow(), order.ResponseBreachedAt);
        Assert.Null(order.ResolutionBreachedAt);
        Assert.Single(order.Transitions, t => t.Action == "sla-response-breached");
        Assert.Single(Bed.Audit.Entries, e => e.Action == "work-order.sla-response-breached" && e.EntityId == order.Reference);
    }

    [Fact]
    public async Task A_repair_engineer_may_not_work_an_order_assigned_to_someone_else()
    {
        await Bed.BootAsync("CP-1");
        await Bed.RaiseAsync("CP-1", FaultCatalogue.GroundFailure);
        await Bed.ProjectAsync();
        var order = Assert.Single(await OrdersAsync());
        await Bed.WorkOrders.FireAsync(order.Id, WorkOrderTrigger.Triage, new TransitionInput(RemoteChecks: "none possible"), FieldServiceTestBed.Support, CancellationToken.None);
        await Bed.WorkOrders.FireAsync(order.Id, WorkOrderTrigger.Assign, new TransitionInput(EngineerId: "eng-wang"), FieldServiceTestBed.Support, CancellationToken.None);
        var ex = await Assert.ThrowsAsync<FieldServiceForbiddenException>(() =>
            Bed.WorkOrders.FireAsync(order.Id, WorkOrderTrigger.SetOff, new TransitionInput(ArrivalAt: Bed.Clock.GetUtcNow()), FieldServiceTestBed.Zhang, CancellationToken.None));
        Assert.Contains("not assigned to eng-zhang", ex.Message, StringComparison.Ordinal);
        var invalid = await Assert.ThrowsAsync<FieldServiceValidationException>(() =>
            Bed.WorkOrders.FireAsync(order.Id, WorkOrderTrigger.Assign, new TransitionInput(EngineerId: "eng-gone"), FieldServiceTestBed.Support, CancellationToken.None));
        Assert.Equal("engineerId", invalid.Field);
    }

    [Fact]
    public async Task Taking_a_charger_out_of_service_blocks_it()
    {
        await Bed.BootAsync("CP-1");
        await Bed.RaiseAsync("CP-1", FaultCatalogue.GroundFailure);
        await Bed.ProjectAsync();
        var order = Assert.Single(await OrdersAsync());
        await Bed.ToOnSiteAsync(order.Id);
        await Bed.WorkOrders.FireAsync(order.Id, WorkOrderTrigger.Escalate, new TransitionInput("insulation burnt at the cable gland"), FieldServiceTestBed.Zhang, CancellationToken.None);
        await Bed.WorkOrders.FireAsync(order.Id, WorkOrderTrigger.DecideTakeOutOfService, new TransitionInput("unsafe until replaced"), FieldServiceTestBed.Boss, CancellationToken.None);
        await using var db = Bed.Factory.Create();
        var blocked = await db.BlockedChargers.AsNoTracking().SingleAsync();
        Assert.Equal(("CP-1", order.Id, "sup-li"), (blocked.ChargerId, blocked.WorkOrderId!.Value, blocked.BlockedBy));
        order = Assert.Single(await OrdersAsync());
        Assert.Equal((WorkOrderState.Resolved, SupervisorDecision.TakeOutOfService), (order.State, order.Decision!.Value));
        Assert.Contains(Bed.Audit.Entries, e => e.Action == "charger.block" && e.EntityId == "CP-1");
    }
}

public sealed class SqliteProjectorTests : ProjectorTests
{
    protected override DomainDbProvider Provider => DomainDbProvider.Sqlite;
}

public sealed class PostgresProjectorTests : ProjectorTests
{
    protected override DomainDbProvider Provider => DomainDbProvider.Postgres;
}

/// <summary>A logger that keeps what was logged at error level, for a test to show.</summary>
internal sealed class ErrorLog<T> : Microsoft.Extensions.Logging.ILogger<T>
{
    public System.Collections.Concurrent.ConcurrentQueue<string> Errors { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => logLevel >= Microsoft.Extensions.Logging.LogLevel.Error;

    public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            Errors.Enqueue($"{formatter(state, exception)} {exception}");
        }
    }
}

/// <summary>A subscriber passed through, which says when a batch holding a given event has been applied (committed).</summary>
internal sealed class ObservedSubscriber(IEventSubscriber inner) : IEventSubscriber
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<(Func<StoredEvent, bool> Match, TaskCompletionSource Done)> _waiters = new();

    public string Name => inner.Name;

    /// <summary>Completes once a batch holding an event that matches has been applied.</summary>
    public Task HandledAsync(Func<StoredEvent, bool> match)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiters.Enqueue((match, done));
        return done.Task;
    }

    public Task<FeedPosition> ReadPositionAsync(CancellationToken cancellationToken) => inner.ReadPositionAsync(cancellationToken);

    public async Task<bool> HandleAsync(FeedPosition from, IReadOnlyList<FeedEvent> events, CancellationToken cancellationToken)
    {
        var applied = await inner.HandleAsync(from, events, cancellationToken);
        if (applied)
        {
            foreach (var (match, done) in _waiters)
            {
                if (events.Any(e => match(e.Event)))
                {
                    done.TrySetResult();
                }
            }
        }

        return applied;
    }
}
