using Charger.Cloud.AfterSales;
using Charger.Cloud.Data;
using Charger.Cloud.FieldService.Data;
using Charger.Cloud.FieldService.Sla;
using Charger.Protocol;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Charger.Cloud.FieldService.WorkOrders;

/// <summary>A request the caller got wrong: names the field.</summary>
public sealed class FieldServiceValidationException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}

/// <summary>The actor's role (or ownership) does not allow the operation.</summary>
public sealed class FieldServiceForbiddenException(string message) : Exception(message);

/// <summary>The entity changed meanwhile, or is in a state that does not allow the operation.</summary>
public sealed class FieldServiceConflictException(string message) : Exception(message);

/// <summary>A manual work order from a customer's call, e-mail or online message.</summary>
public sealed record NewWorkOrder(
    WorkOrderKind Kind, WorkOrderChannel Channel, string? CustomerId, string? ChargerId, string Description, WorkOrderPriority Priority, string? FaultCode = null);

/// <summary>Arguments of a transition from the API.</summary>
public sealed record TransitionInput(string? Reason = null, string? EngineerId = null, string? RemoteChecks = null, DateTimeOffset? ArrivalAt = null);

/// <summary>Opens work orders and moves them through their machine, with role checks, persistence and audit.</summary>
public sealed class WorkOrderService(
    IDomainDbFactory<FieldServiceDb> dbFactory,
    IStaffDirectory staff,
    ICustomerDirectory customers,
    FieldServiceAudit audit,
    IOptions<FieldServiceOptions> options,
    TimeProvider time,
    ILogger<WorkOrderService> logger)
{
    /// <summary>Which roles may fire each trigger; a repair engineer only on orders assigned to them.</summary>
    public static IReadOnlyList<string> RolesFor(WorkOrderTrigger trigger) => trigger switch
    {
        WorkOrderTrigger.Triage or WorkOrderTrigger.Assign => [Roles.TechnicalSupport, Roles.Supervisor],
        WorkOrderTrigger.SetOff or WorkOrderTrigger.Arrive or WorkOrderTrigger.Resolve or WorkOrderTrigger.WaitForParts
            or WorkOrderTrigger.WaitForCustomer or WorkOrderTrigger.Resume => [Roles.RepairEngineer, Roles.Supervisor],
        WorkOrderTrigger.Escalate => [Roles.RepairEngineer, Roles.TechnicalSupport, Roles.Supervisor],
        WorkOrderTrigger.Confirm or WorkOrderTrigger.Close => [Roles.ServiceSpecialist, Roles.Supervisor],
        _ => [Roles.Supervisor], // decisions, cancel, reopen
    };

    /// <summary>Roles that may open work orders by hand.</summary>
    public static IReadOnlyList<string> CreatorRoles { get; } = [Roles.ServiceSpecialist, Roles.Supervisor];

    private FieldServiceOptions Options => options.Value;

    /// <summary>Opens a work order by hand; returns it.</summary>
    public async Task<WorkOrderRow> CreateAsync(NewWorkOrder request, Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(actor);
        if (!CreatorRoles.Contains(actor.Role))
        {
            throw new FieldServiceForbiddenException($"Role '{actor.Role}' may not open work orders.");
        }

        if (string.IsNullOrWhiteSpace(request.Description))
        {
            throw new FieldServiceValidationException("description", "A description of the customer's request is required.");
        }

        if (request.Channel == WorkOrderChannel.Alarm)
        {
            throw new FieldServiceValidationException("channel", "Work orders from alarms are opened by the cloud; use phone, email or online.");
        }

        if (request.ChargerId is not null && !ChargerId.IsValid(request.ChargerId))
        {
            throw new FieldServiceValidationException("chargerId", $"'{request.ChargerId}' is not a valid charger id.");
        }

        CustomerSummary? customer = null;
        if (request.CustomerId is not null)
        {
            customer = await customers.FindAsync(request.CustomerId, ct)
                ?? throw new FieldServiceValidationException("customerId", $"No customer '{request.CustomerId}'.");
        }
        else if (request.ChargerId is not null)
        {
            customer = await customers.FindByChargerAsync(request.ChargerId, ct);
        }

        var now = time.GetUtcNow();
        await using var db = dbFactory.Create();
        var row = new WorkOrderRow
        {
            Kind = request.Kind,
            State = WorkOrderState.Open,
            Priority = request.Priority,
            Channel = request.Channel,
            ChargerId = request.ChargerId,
            CustomerId = customer?.CustomerId ?? request.CustomerId,
            Tier = customer?.Tier ?? CustomerTier.Standard,
            Description = request.Description.Trim(),
            FaultCode = request.FaultCode,
            CreatedBy = actor.UserId,
            CreatedAt = now,
        };
        SlaPolicies.Stamp(row, await SlaPolicies.FindAsync(db, row.Tier, row.Priority, ct));
        Created(row, actor, now, $"{request.Channel}: {row.Description}");
        db.WorkOrders.Add(row);
        await db.SaveChangesAsync(ct);
        if (row.Kind == WorkOrderKind.Repair)
        {
            await MarkRepeatAsync(db, row, now, ct);
            await db.SaveChangesAsync(ct);
        }

        FieldServiceLog.WorkOrderOpened(logger, row.Reference, row.Kind, row.Priority, actor.UserId);
        await audit.RecordAsync(new AuditEntry(now, actor, "work-order.create", "work-order", row.Reference, $"{row.Kind} {row.Priority} via {row.Channel}"), ct);
        return row;
    }

    /// <summary>
    /// Opens a repair work order for a new alarm of a blocking fault when the policy says so, in the caller's unit of
    /// work (the projector's transaction). Links to an unfinished order of the same charger and code instead of
    /// opening a second one. Returns the order and whether it is new, or null when the policy opens none.
    /// </summary>
    internal async Task<(WorkOrderRow Row, bool New)?> OpenForAlarmAsync(FieldServiceDb db, Alarm alarm, DateTimeOffset now, CancellationToken ct)
    {
        if (!Options.AutoWorkOrders || !alarm.BlocksCharging)
        {
            return null;
        }

        var rule = Options.EffectiveRules.FirstOrDefault(r => r.Matches(alarm.Code, alarm.Severity));
        if (rule is null || !rule.Create)
        {
            return null;
        }

        var existing = await db.WorkOrders.FirstOrDefaultAsync(
            w => w.ChargerId == alarm.ChargerId && w.FaultCode == alarm.Code
                && w.State != WorkOrderState.Closed && w.State != WorkOrderState.Cancelled, ct);
        if (existing is not null)
        {
            return (existing, false);
        }

        var customer = await customers.FindByChargerAsync(alarm.ChargerId, ct);
        var row = new WorkOrderRow
        {
            Kind = WorkOrderKind.Repair,
            State = WorkOrderState.Open,
            Priority = rule.Priority,
            Channel = WorkOrderChannel.Alarm,
            ChargerId = alarm.ChargerId,
            CustomerId = customer?.CustomerId,
            Tier = customer?.Tier ?? CustomerTier.Standard,
            Description = $"{alarm.Code} ({alarm.Severity.ToWire()}) on {alarm.ChargerId}: {alarm.Message ?? alarm.Component}",
            FaultCode = alarm.Code,
            AlarmId = alarm.Id,
            SourceKey = "alarm:" + alarm.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            CreatedBy = Actor.System.UserId,
            CreatedAt = now,
        };
        SlaPolicies.Stamp(row, await SlaPolicies.FindAsync(db, row.Tier, row.Priority, ct));
        Created(row, Actor.System, now, $"opened by policy from alarm {alarm.Id} ({alarm.Code}, {alarm.Severity.ToWire()})");
        db.WorkOrders.Add(row);
        return (row, true);
    }

    /// <summary>
    /// First-time fix: a repair of <paramref name="repeat"/>'s fault on its charger follows earlier repairs of the
    /// same fault resolved within <c>Service:RepeatVisitWindow</c> before <paramref name="at"/>; those are marked not fixed first time.
    /// </summary>
    internal async Task MarkRepeatAsync(FieldServiceDb db, WorkOrderRow repeat, DateTimeOffset at, CancellationToken ct)
    {
        if (repeat.ChargerId is null || repeat.FaultCode is null || repeat.Kind != WorkOrderKind.Repair)
        {
            return;
        }

        var since = at - Options.RepeatVisitWindow;
        var earlier = await db.WorkOrders
            .Where(w => w.Id != repeat.Id && w.ChargerId == repeat.ChargerId && w.FaultCode == repeat.FaultCode
                && w.Kind == WorkOrderKind.Repair && !w.NotFixedFirstTime && w.ResolvedAt != null && w.ResolvedAt >= since && w.ResolvedAt <= at)
            .ToListAsync(ct);
        foreach (var w in earlier)
        {
            w.NotFixedFirstTime = true;
            w.RepeatWorkOrderId = repeat.Id;
            w.Version++;
            w.Transitions.Add(new WorkOrderTransitionRow
            {
                WorkOrderId = w.Id, At = at, Action = "not-fixed-first-time", ActorId = Actor.System.UserId, ActorName = Actor.System.DisplayName,
                ActorRole = Actor.System.Role, Reason = $"repeat repair {repeat.Reference} for {repeat.FaultCode} within {Options.RepeatVisitWindow}",
            });
            FieldServiceLog.NotFixedFirstTime(logger, w.Reference, repeat.Reference, repeat.FaultCode, repeat.ChargerId);
        }
    }

    /// <summary>Fires a trigger on behalf of a person; returns the order after the change.</summary>
    public async Task<WorkOrderRow?> FireAsync(long id, WorkOrderTrigger trigger, TransitionInput input, Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(actor);
        if (!RolesFor(trigger).Contains(actor.Role))
        {
            throw new FieldServiceForbiddenException($"Role '{actor.Role}' may not {trigger} a work order; allowed: {string.Join(", ", RolesFor(trigger))}.");
        }

        var now = time.GetUtcNow();
        var request = new TransitionRequest(actor, now, string.IsNullOrWhiteSpace(input.Reason) ? null : input.Reason.Trim())
        {
            RemoteChecks = input.RemoteChecks,
            ArrivalAt = input.ArrivalAt,
        };
        switch (trigger)
        {
            case WorkOrderTrigger.Triage when string.IsNullOrWhiteSpace(input.RemoteChecks):
                throw new FieldServiceValidationException("remoteChecks", "Record the remote checks suggested to the customer.");
            case WorkOrderTrigger.SetOff when input.ArrivalAt is null:
                throw new FieldServiceValidationException("arrivalAt", "Give the arrival time agreed with the customer.");
            case WorkOrderTrigger.Cancel or WorkOrderTrigger.Escalate when request.Reason is null:
                throw new FieldServiceValidationException("reason", trigger == WorkOrderTrigger.Cancel ? "A cancellation needs a reason." : "Describe the quality or safety problem.");
            case WorkOrderTrigger.Assign:
                if (string.IsNullOrWhiteSpace(input.EngineerId))
                {
                    throw new FieldServiceValidationException("engineerId", "Name the repair engineer to assign.");
                }

                var engineer = await staff.FindAsync(input.EngineerId, ct);
                if (engineer is not { Active: true, Role: Roles.RepairEngineer })
                {
                    throw new FieldServiceValidationException("engineerId", engineer is null
                        ? $"No user '{input.EngineerId}'."
                        : $"'{input.EngineerId}' is not an active repair engineer (role {engineer.Role}, {(engineer.Active ? "active" : "disabled")}).");
                }

                request = request with { Engineer = engineer };
                break;
        }

        await using var db = dbFactory.Create();
        var row = await db.WorkOrders.Include(w => w.Pauses).FirstOrDefaultAsync(w => w.Id == id, ct);
        if (row is null)
        {
            return null;
        }

        if (actor.Role == Roles.RepairEngineer && !string.Equals(row.EngineerId, actor.UserId, StringComparison.Ordinal))
        {
            throw new FieldServiceForbiddenException($"{row.Reference} is not assigned to {actor.UserId}: a repair engineer works only the orders assigned to them.");
        }

        var from = row.State;
        await new WorkOrder(row, Options.ReopenWindow).FireAsync(trigger, request);
        var audits = new List<AuditEntry>
        {
            new(now, actor, "work-order." + trigger.ToString().ToLowerInvariant(), "work-order", row.Reference, $"{from} -> {row.State}{(request.Reason is null ? "" : ": " + request.Reason)}"),
        };
        if (trigger == WorkOrderTrigger.DecideTakeOutOfService && row.ChargerId is not null
            && await db.BlockedChargers.FindAsync([row.ChargerId], ct) is null)
        {
            db.BlockedChargers.Add(new BlockedCharger
            {
                ChargerId = row.ChargerId, BlockedAt = now, BlockedBy = actor.UserId, WorkOrderId = row.Id, Reason = request.Reason ?? row.EscalationReason ?? "taken out of service",
            });
            audits.Add(new AuditEntry(now, actor, "charger.block", "charger", row.ChargerId, $"taken out of service by decision on {row.Reference}"));
        }

        row.Version++;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new FieldServiceConflictException($"{row.Reference} was changed meanwhile; read it again and retry.");
        }

        FieldServiceLog.WorkOrderTransition(logger, row.Reference, trigger, from, row.State, actor.UserId);
        await audit.RecordAsync(audits, ct);
        return row;
    }

    /// <summary>Lifts the block of a charger taken out of service; false when it was not blocked.</summary>
    public async Task<bool> UnblockAsync(string chargerId, string reason, Actor actor, CancellationToken ct)
    {
        await using var db = dbFactory.Create();
        var blocked = await db.BlockedChargers.FindAsync([chargerId], ct);
        if (blocked is null)
        {
            return false;
        }

        db.BlockedChargers.Remove(blocked);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditEntry(time.GetUtcNow(), actor, "charger.unblock", "charger", chargerId, reason), ct);
        return true;
    }

    private static void Created(WorkOrderRow row, Actor actor, DateTimeOffset at, string reason) =>
        row.Transitions.Add(new WorkOrderTransitionRow
        {
            At = at, Action = "created", ToState = WorkOrderState.Open, ActorId = actor.UserId, ActorName = actor.DisplayName, ActorRole = actor.Role, Reason = reason,
        });
}
