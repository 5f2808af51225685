using System.Text.Json;
using Charger.Cloud.Core;
using Charger.Cloud.AfterSales;
using Charger.Cloud.Data;
using Charger.Cloud.FieldService.Data;
using Charger.Cloud.FieldService.WorkOrders;
using Charger.Protocol;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Charger.Cloud.FieldService.Projection;

/// <summary>
/// Derives the service area's state from the chargers' applied events, as a subscription of the applied-event feed
/// (<see cref="IEventSubscriber"/>, named <c>service</c>): alarms from <c>fault.raised</c>/<c>fault.cleared</c>, work
/// orders opened by policy from blocking faults, service records attached to work orders. Offline alarms come from the
/// chargers' last-seen times, checked on a timer (<see cref="CheckOfflineAsync(CancellationToken)"/>).
/// <para>
/// Exactly once: a batch of events is applied in one transaction that first moves the subscription's position
/// conditionally (<see cref="SubscriptionPositions.TryAdvanceAsync"/>). A second receiver on the same database that read
/// the same position moves no row, rolls back and reads on from where the first one left it; a crash before the commit
/// leaves position and effects as they were, so nothing is applied twice and nothing is lost.
/// </para>
/// <para>
/// The audit rows of a batch are written in the same transaction (<see cref="FieldServiceAudit.RecordInAsync"/>): a batch
/// whose audit cannot be written is not applied, and is tried again.
/// </para>
/// <para>
/// Upgrade: before the feed, the projector kept a cursor per charger (<c>service_projector_cursors.seq</c>). Events that
/// entered the feed with the migration (transaction 0) at or below their charger's cursor were applied then and are
/// skipped; the rows stay as the lock of the offline check.
/// </para>
/// </summary>
public sealed class FieldServiceProjector(
    IDomainDbFactory<FieldServiceDb> dbFactory,
    IEventStore store,
    IEventFeed feed,
    WorkOrderService workOrders,
    FieldServiceAudit audit,
    LiveUpdates live,
    IOptions<FieldServiceOptions> options,
    TimeProvider time,
    ILogger<FieldServiceProjector> logger) : IEventSubscriber
{
    /// <summary>The subscription's name in <c>subscription_positions</c>.</summary>
    public const string SubscriptionName = "service";

    private FieldServiceOptions Options => options.Value;

    /// <inheritdoc />
    public string Name => SubscriptionName;

    /// <summary>Catches up with the feed, then checks for silent chargers; returns the number of events applied by this projector.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var applied = await EventSubscriptions.CatchUpAsync(feed, this, Options.BatchSize, ct);
        await CheckOfflineAsync(ct);
        return applied;
    }

    /// <inheritdoc />
    public async Task<FeedPosition> ReadPositionAsync(CancellationToken cancellationToken)
    {
        await using var db = dbFactory.Create();
        await db.Database.OpenConnectionAsync(cancellationToken);
        return await SubscriptionPositions.ReadAsync(db.Database.GetDbConnection(), null, Name, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> HandleAsync(FeedPosition from, IReadOnlyList<FeedEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return true;
        }

        var now = time.GetUtcNow();
        var audits = new List<AuditEntry>();
        await using var db = dbFactory.Create();
        var legacy = events[0].Position.Tx == 0
            ? await db.Cursors.AsNoTracking().ToDictionaryAsync(c => c.ChargerId, c => c.Seq, StringComparer.Ordinal, cancellationToken)
            : [];
        await using (var tx = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            if (!await SubscriptionPositions.TryAdvanceAsync(db.Database.GetDbConnection(), tx.GetDbTransaction(), Name, from, events[^1].Position, now, cancellationToken))
            {
                await tx.RollbackAsync(cancellationToken);
                FieldServiceLog.PositionRace(logger, Name, from);
                return false;
            }

            foreach (var e in events)
            {
                if (e.Position.Tx == 0 && legacy.TryGetValue(e.Event.ChargerId, out var done) && e.Event.Seq <= done)
                {
                    continue; // applied before the upgrade, by the per-charger cursor
                }

                await ApplyAsync(db, e.Event, now, audits, cancellationToken);
            }

            // The audit rows of this batch commit with it, or neither does.
            await audit.RecordInAsync(audits, tx.GetDbTransaction(), cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }

        return true;
    }

    /// <summary>Raises an Offline alarm for each charger silent for <c>Service:OfflineAfter</c>, and clears it when heard from again.</summary>
    public async Task CheckOfflineAsync(CancellationToken ct)
    {
        var chargers = await store.ListChargersAsync(ct);
        Dictionary<string, Alarm> offline;
        await using (var db = dbFactory.Create())
        {
            offline = await db.Alarms.AsNoTracking().Where(a => a.Code == Alarm.OfflineCode && a.Status == AlarmStatus.Active)
                .ToDictionaryAsync(a => a.ChargerId, StringComparer.Ordinal, ct);
        }

        foreach (var charger in chargers)
        {
            offline.TryGetValue(charger.ChargerId, out var alarm);
            await CheckOfflineAsync(charger, alarm, ct);
        }
    }

    private static async Task EnsureCursorAsync(FieldServiceDb db, string chargerId, DateTimeOffset now, CancellationToken ct)
    {
        var ms = now.ToUnixTimeMilliseconds();
        // Same statement on SQLite (3.24+) and PostgreSQL: a cursor row at 0 unless one exists.
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO service_projector_cursors (charger_id, seq, updated_at) VALUES ({chargerId}, {0L}, {ms}) ON CONFLICT DO NOTHING", ct);
    }

    /// <summary>Locks the charger's row (PostgreSQL: until the transaction ends), serialising the offline check of two receivers.</summary>
    private static async Task LockChargerAsync(FieldServiceDb db, string chargerId, DateTimeOffset now, CancellationToken ct) =>
        await db.Cursors.Where(c => c.ChargerId == chargerId).ExecuteUpdateAsync(s => s.SetProperty(c => c.UpdatedAt, now), ct);

    private async Task ApplyAsync(FieldServiceDb db, StoredEvent e, DateTimeOffset now, List<AuditEntry> audits, CancellationToken ct)
    {
        try
        {
            switch (e.Type)
            {
                case EventTypes.FaultRaised:
                    await RaiseAsync(db, e, JsonSerializer.Deserialize(e.DataJson, ProtocolJsonContext.Default.FaultRaisedData)!, now, audits, ct);
                    break;
                case EventTypes.FaultCleared:
                    await ClearAsync(db, e, JsonSerializer.Deserialize(e.DataJson, ProtocolJsonContext.Default.FaultClearedData)!, audits, ct);
                    break;
                case EventTypes.ServiceRecord:
                    await AttachRecordAsync(db, e, JsonSerializer.Deserialize(e.DataJson, ProtocolJsonContext.Default.ServiceRecordData)!, now, audits, ct);
                    break;
            }
        }
        catch (JsonException ex)
        {
            // Ingest validated it; an unreadable one here is skipped (logged), never retried forever.
            FieldServiceLog.UnreadableEvent(logger, e.ChargerId, e.Seq, e.Type, ex.Message);
        }
    }

    private async Task RaiseAsync(FieldServiceDb db, StoredEvent e, FaultRaisedData f, DateTimeOffset now, List<AuditEntry> audits, CancellationToken ct)
    {
        var key = Alarm.KeyOf(e.ChargerId, f.Code);
        var alarm = await db.Alarms.FirstOrDefaultAsync(a => a.ActiveKey == key, ct);
        var blocks = f.BlocksCharging || (FaultCatalogue.TryGet(f.Code, out var d) && d.BlocksCharging);
        if (alarm is not null)
        {
            alarm.RaiseCount++;
            alarm.Severity = f.Severity;
            alarm.Message = f.Message ?? alarm.Message;
            alarm.BlocksCharging |= blocks;
            TakeLastRaise(alarm, e, f);
            alarm.Version++;
            alarm.History.Add(History(alarm, e.Ts, AlarmAction.ReRaised, Actor.System, $"raised again ({f.Severity.ToWire()})", e.Seq));
            await db.SaveChangesAsync(ct);
            return;
        }

        alarm = new Alarm
        {
            ChargerId = e.ChargerId,
            Code = f.Code,
            Severity = f.Severity,
            Component = f.Component,
            Message = f.Message,
            BlocksCharging = blocks,
            Status = AlarmStatus.Active,
            ActiveKey = key,
            RaisedAt = e.Ts,
            RaisedSeq = e.Seq,
            RaiseCount = 1,
        };
        TakeLastRaise(alarm, e, f);
        alarm.History.Add(History(alarm, e.Ts, AlarmAction.Raised, Actor.System, f.Message, e.Seq));
        db.Alarms.Add(alarm);
        await db.SaveChangesAsync(ct);
        FieldServiceLog.AlarmRaised(logger, alarm.Id, alarm.ChargerId, alarm.Code, alarm.Severity);
        audits.Add(new AuditEntry(now, Actor.System, "alarm.raise", "alarm", Id(alarm.Id), $"{alarm.ChargerId} {alarm.Code} {alarm.Severity.ToWire()}"));

        if (await workOrders.OpenForAlarmAsync(db, alarm, now, ct) is { } opened)
        {
            await db.SaveChangesAsync(ct);
            alarm.WorkOrderId = opened.Row.Id;
            alarm.History.Add(History(alarm, now, AlarmAction.WorkOrderLinked, Actor.System, (opened.New ? "opened " : "linked to open ") + opened.Row.Reference, null));
            if (opened.New)
            {
                await workOrders.MarkRepeatAsync(db, opened.Row, now, ct);
                FieldServiceLog.WorkOrderOpened(logger, opened.Row.Reference, opened.Row.Kind, opened.Row.Priority, Actor.System.UserId);
                audits.Add(new AuditEntry(now, Actor.System, "work-order.create", "work-order", opened.Row.Reference, $"from alarm {alarm.Id} ({alarm.Code})"));
            }

            await db.SaveChangesAsync(ct);
        }
    }

    /// <summary>What the fleet's view shows of the fault: the details of its last raise.</summary>
    private static void TakeLastRaise(Alarm alarm, StoredEvent e, FaultRaisedData f)
    {
        alarm.Component = f.Component;
        alarm.Value = f.Value;
        alarm.Unit = f.Unit;
        alarm.Cause = f.Cause;
        alarm.Latching = f.Latching;
        alarm.LastRaisedAt = e.Ts;
        alarm.LastRaisedSeq = e.Seq;
        alarm.LastRaisedEventId = e.Id;
    }

    /// <summary>
    /// Upgrade from release 5, where the store kept the fleet's faults and service records in tables of its own
    /// (<c>active_faults</c>, <c>service_records</c>): fills what the rows of this area lacked then from the stored
    /// events: the details of the last raise of the alarms active then, and each record's whole data. Idempotent;
    /// returns how many rows it completed.
    /// </summary>
    public async Task<int> CompleteEarlierRowsAsync(CancellationToken ct) =>
        await CompleteEarlierAlarmsAsync(ct) + await CompleteEarlierRecordsAsync(ct);

    private async Task<int> CompleteEarlierRecordsAsync(CancellationToken ct)
    {
        await using var db = dbFactory.Create();
        var earlier = await db.MaintenanceLog.Where(r => r.Data == null).ToListAsync(ct);
        foreach (var row in earlier)
        {
            var stored = await store.QueryEventsAsync(new EventQuery(row.ChargerId) { AfterSeq = row.Seq - 1, Limit = 1 }, ct);
            // The record's event is stored (it was applied); a row without one keeps an empty object rather than nothing.
            row.Data = stored is [{ } e] && e.Seq == row.Seq ? e.DataJson : "{}";
        }

        await db.SaveChangesAsync(ct);
        return earlier.Count;
    }

    private async Task<int> CompleteEarlierAlarmsAsync(CancellationToken ct)
    {
        await using var db = dbFactory.Create();
        var earlier = await db.Alarms
            .Where(a => a.Status == AlarmStatus.Active && a.Code != Alarm.OfflineCode && a.LastRaisedEventId == null)
            .ToListAsync(ct);
        var completed = 0;
        foreach (var alarm in earlier)
        {
            StoredEvent? last = null;
            FaultRaisedData? lastData = null;
            var after = (alarm.RaisedSeq ?? 1) - 1;
            while (true)
            {
                var page = await store.QueryEventsAsync(new EventQuery(alarm.ChargerId) { Type = EventTypes.FaultRaised, AfterSeq = after, Limit = 500 }, ct);
                foreach (var e in page)
                {
                    if (ReadRaised(e) is { } f && string.Equals(f.Code, alarm.Code, StringComparison.Ordinal))
                    {
                        (last, lastData) = (e, f);
                    }
                }

                if (page.Count < 500)
                {
                    break;
                }

                after = page[^1].Seq;
            }

            if (last is not null)
            {
                TakeLastRaise(alarm, last, lastData!);
                alarm.Version++;
                completed++;
            }
        }

        await db.SaveChangesAsync(ct);
        return completed;
    }

    private static FaultRaisedData? ReadRaised(StoredEvent e)
    {
        try
        {
            return JsonSerializer.Deserialize(e.DataJson, ProtocolJsonContext.Default.FaultRaisedData);
        }
        catch (JsonException)
        {
            return null; // ingest validated it; an unreadable one completes nothing
        }
    }

    private async Task ClearAsync(FieldServiceDb db, StoredEvent e, FaultClearedData f, List<AuditEntry> audits, CancellationToken ct)
    {
        var key = Alarm.KeyOf(e.ChargerId, f.Code);
        var alarm = await db.Alarms.FirstOrDefaultAsync(a => a.ActiveKey == key, ct);
        if (alarm is null)
        {
            return;
        }

        Clear(alarm, e.Ts, e.Seq, f.Reason ?? "cleared by the charger");
        await db.SaveChangesAsync(ct);
        FieldServiceLog.AlarmCleared(logger, alarm.Id, alarm.ChargerId, alarm.Code);
        audits.Add(new AuditEntry(time.GetUtcNow(), Actor.System, "alarm.clear", "alarm", Id(alarm.Id), $"{alarm.ChargerId} {alarm.Code}"));
    }

    private static void Clear(Alarm alarm, DateTimeOffset at, long? seq, string reason)
    {
        alarm.Status = AlarmStatus.Cleared;
        alarm.ActiveKey = null;
        alarm.ClearedAt = at;
        alarm.ClearedSeq = seq;
        alarm.Version++;
        alarm.History.Add(History(alarm, at, AlarmAction.Cleared, Actor.System, reason, seq));
    }

    private async Task AttachRecordAsync(FieldServiceDb db, StoredEvent e, ServiceRecordData r, DateTimeOffset now, List<AuditEntry> audits, CancellationToken ct)
    {
        if (await db.MaintenanceLog.FindAsync([e.ChargerId, e.Seq], ct) is not null)
        {
            return;
        }

        WorkOrderRow? wo = null;
        var match = "none";
        if (WorkOrderReference.TryParse(r.WorkOrderRef, out var id))
        {
            wo = await db.WorkOrders.Include(w => w.Pauses).FirstOrDefaultAsync(w => w.Id == id && (w.ChargerId == null || w.ChargerId == e.ChargerId), ct);
            match = "reference";
        }

        if (wo is null)
        {
            var slack = Options.RecordMatchSlack;
            var candidates = await db.WorkOrders.Include(w => w.Pauses)
                .Where(w => w.ChargerId == e.ChargerId && w.State != WorkOrderState.Closed && w.State != WorkOrderState.Cancelled
                    && (w.EnRouteAt != null || w.OnSiteAt != null))
                .ToListAsync(ct);
            wo = candidates
                .Where(w => (w.EnRouteAt ?? w.OnSiteAt)!.Value - slack <= e.Ts
                    && e.Ts <= (w.State is WorkOrderState.EnRoute or WorkOrderState.OnSite ? DateTimeOffset.MaxValue - slack : w.LastResolvedAt ?? now) + slack)
                .OrderByDescending(w => w.EnRouteAt ?? w.OnSiteAt)
                .FirstOrDefault();
            match = wo is null ? "none" : "time-window";
        }

        db.MaintenanceLog.Add(new ServiceRecordRow
        {
            ChargerId = e.ChargerId, Seq = e.Seq, EventId = e.Id, Ts = e.Ts, Kind = r.Kind, EngineerId = r.EngineerId, WorkOrderRef = r.WorkOrderRef,
            WorkOrderId = wo?.Id, Match = match, CustomerConfirmed = r.CustomerConfirmed, Data = e.DataJson,
        });
        if (wo is null)
        {
            FieldServiceLog.RecordUnmatched(logger, e.ChargerId, e.Seq, r.Kind);
            await db.SaveChangesAsync(ct);
            return;
        }

        FieldServiceLog.RecordAttached(logger, e.ChargerId, e.Seq, r.Kind, wo.Reference, match);
        var engineer = new Actor(r.EngineerId, r.EngineerId, Roles.RepairEngineer);
        wo.Transitions.Add(new WorkOrderTransitionRow
        {
            WorkOrderId = wo.Id, At = e.Ts, Action = "service-record", ActorId = engineer.UserId, ActorName = engineer.DisplayName, ActorRole = engineer.Role,
            Reason = $"{r.Kind} record {e.ChargerId}#{e.Seq} attached by {match}",
        });
        var machine = new WorkOrder(wo, Options.ReopenWindow);
        var isRepair = string.Equals(r.Kind, ServiceRecordKinds.Repair, StringComparison.OrdinalIgnoreCase);
        if (isRepair && wo.State == WorkOrderState.OnSite)
        {
            await FireFromRecordAsync(machine, WorkOrderTrigger.Resolve, new TransitionRequest(engineer, e.Ts, Summary(r)), e, audits, now);
        }

        if (r.CustomerConfirmed && wo.State == WorkOrderState.Resolved)
        {
            var customer = new Actor("customer", string.IsNullOrWhiteSpace(r.CustomerName) ? "customer" : r.CustomerName, "customer");
            await FireFromRecordAsync(machine, WorkOrderTrigger.Confirm, new TransitionRequest(customer, e.Ts, $"signed off on record {e.ChargerId}#{e.Seq}"), e, audits, now);
            await FireFromRecordAsync(machine, WorkOrderTrigger.Close, new TransitionRequest(Actor.System, e.Ts, "closed on the customer's sign-off"), e, audits, now);
        }

        if (isRepair)
        {
            await workOrders.MarkRepeatAsync(db, wo, e.Ts, ct);
        }

        wo.Version++;
        await db.SaveChangesAsync(ct);
    }

    private async Task FireFromRecordAsync(WorkOrder machine, WorkOrderTrigger trigger, TransitionRequest request, StoredEvent e, List<AuditEntry> audits, DateTimeOffset now)
    {
        var from = machine.State;
        try
        {
            await machine.FireAsync(trigger, request);
            FieldServiceLog.WorkOrderTransition(logger, machine.Row.Reference, trigger, from, machine.State, request.Actor.UserId);
            audits.Add(new AuditEntry(now, request.Actor, "work-order." + trigger.ToString().ToLowerInvariant(), "work-order", machine.Row.Reference,
                $"{from} -> {machine.State}: {request.Reason} (record {e.ChargerId}#{e.Seq})"));
        }
        catch (WorkOrderTransitionException ex)
        {
            FieldServiceLog.RecordTransitionRefused(logger, machine.Row.Reference, e.ChargerId, e.Seq, ex.Message);
        }
    }

    private static string Summary(ServiceRecordData r) =>
        string.Join("; ", new[] { r.Cause, r.Actions }.Where(s => !string.IsNullOrWhiteSpace(s))) is { Length: > 0 } s ? s : "repair record";

    private async Task CheckOfflineAsync(ChargerView charger, Alarm? active, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var silent = charger.LastSeen is { } seen && now - seen >= Options.OfflineAfter;
        var heard = active is not null && charger.Online && charger.LastSeen > active.RaisedAt;
        if ((active is null && !silent) || (active is not null && !heard))
        {
            return;
        }

        var audits = new List<AuditEntry>();
        await using var db = dbFactory.Create();
        await EnsureCursorAsync(db, charger.ChargerId, now, ct);
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            // Holding the charger's row serialises this with another receiver's check of the same charger.
            await LockChargerAsync(db, charger.ChargerId, now, ct);

            var key = Alarm.KeyOf(charger.ChargerId, Alarm.OfflineCode);
            var alarm = await db.Alarms.FirstOrDefaultAsync(a => a.ActiveKey == key, ct);
            if (alarm is null && silent)
            {
                alarm = new Alarm
                {
                    ChargerId = charger.ChargerId, Code = Alarm.OfflineCode, Severity = Options.OfflineSeverity, Component = "link",
                    Message = $"not heard from since {charger.LastSeen:O}", Status = AlarmStatus.Active, ActiveKey = key,
                    RaisedAt = charger.LastSeen!.Value, LastRaisedAt = charger.LastSeen.Value, RaiseCount = 1,
                };
                alarm.History.Add(History(alarm, now, AlarmAction.Raised, Actor.System, $"no event or status for {Options.OfflineAfter}", null));
                db.Alarms.Add(alarm);
                await db.SaveChangesAsync(ct);
                FieldServiceLog.Offline(logger, charger.ChargerId, charger.LastSeen, alarm.Id);
                audits.Add(new AuditEntry(now, Actor.System, "alarm.raise", "alarm", Id(alarm.Id), $"{charger.ChargerId} Offline"));
            }
            else if (alarm is not null && charger.Online && charger.LastSeen > alarm.RaisedAt)
            {
                Clear(alarm, charger.LastSeen!.Value, null, "heard from again");
                await db.SaveChangesAsync(ct);
                FieldServiceLog.AlarmCleared(logger, alarm.Id, alarm.ChargerId, alarm.Code);
                audits.Add(new AuditEntry(now, Actor.System, "alarm.clear", "alarm", Id(alarm.Id), $"{charger.ChargerId} Offline"));
            }

            await audit.RecordInAsync(audits, tx.GetDbTransaction(), ct);
            await tx.CommitAsync(ct);
        }

        if (audits.Count > 0)
        {
            live.Publish(SubscriptionName); // an Offline alarm raised or cleared
        }
    }

    private static AlarmHistoryEntry History(Alarm alarm, DateTimeOffset at, AlarmAction action, Actor actor, string? reason, long? seq) => new()
    {
        AlarmId = alarm.Id, At = at, Action = action, ActorId = actor.UserId, ActorName = actor.DisplayName, Reason = reason, Seq = seq,
    };

    private static string Id(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
