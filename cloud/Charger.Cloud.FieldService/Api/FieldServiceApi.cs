using System.Globalization;
using Charger.Cloud.AfterSales;
using Charger.Cloud.Data;
using Charger.Cloud.Http;
using Charger.Cloud.FieldService.Data;
using Charger.Cloud.FieldService.Sla;
using Charger.Cloud.FieldService.WorkOrders;
using Charger.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Charger.Cloud.FieldService.Api;

/// <summary>The service area's endpoints under <c>/api/v1</c>: alarms, work orders, SLA policies and lists, chargers' service view.</summary>
public static class FieldServiceApi
{
    /// <summary>Roles that see SLA lists.</summary>
    public static IReadOnlyList<string> SlaReaders { get; } = [Roles.TechnicalSupport, Roles.Supervisor, Roles.Auditor, Roles.ServiceSpecialist];

    /// <summary>Roles that acknowledge and assign alarms.</summary>
    public static IReadOnlyList<string> AlarmHandlers { get; } = [Roles.TechnicalSupport, Roles.Supervisor];

    /// <summary>The work-order actions: path segment, trigger (reopen and decide pick theirs from the body), summary.</summary>
    public static IReadOnlyList<(string Path, WorkOrderTrigger Trigger, string Summary)> Actions { get; } =
    [
        ("triage", WorkOrderTrigger.Triage, "Triage: record the remote checks suggested to the customer (open -> triaged)."),
        ("assign", WorkOrderTrigger.Assign, "Assign (or re-assign) an active repair engineer (triaged -> assigned)."),
        ("set-off", WorkOrderTrigger.SetOff, "The engineer sets off with an agreed arrival time (assigned -> en-route)."),
        ("arrive", WorkOrderTrigger.Arrive, "The engineer is on site (en-route -> on-site)."),
        ("resolve", WorkOrderTrigger.Resolve, "The engineer resolved the problem (on-site -> resolved)."),
        ("wait-for-parts", WorkOrderTrigger.WaitForParts, "Wait for parts: pauses the SLA clock."),
        ("wait-for-customer", WorkOrderTrigger.WaitForCustomer, "Wait for the customer: pauses the SLA clock."),
        ("resume", WorkOrderTrigger.Resume, "Resume after waiting: back to the state it paused from."),
        ("escalate", WorkOrderTrigger.Escalate, "Escalate a serious quality or safety problem to the supervisor."),
        ("decide", WorkOrderTrigger.DecideContinue, "Supervisor's decision on an escalation: replace-charger, take-out-of-service (blocks the charger) or continue-repair."),
        ("confirm", WorkOrderTrigger.Confirm, "Record the customer's confirmation (resolved -> confirmed)."),
        ("close", WorkOrderTrigger.Close, "Close a confirmed work order."),
        ("reopen", WorkOrderTrigger.Reopen, "Reopen within the window, to triage or (toAssigned) to the engineer."),
        ("cancel", WorkOrderTrigger.Cancel, "Cancel with a reason (not once closed)."),
    ];

    /// <summary>What the alarms list sorts by.</summary>
    internal static SortKeys<Alarm> AlarmSort { get; } = new SortKeys<Alarm>("-raisedAt", a => a.Id)
        .Add("raisedAt", a => a.RaisedAt).Add("lastRaisedAt", a => a.LastRaisedAt).Add("clearedAt", a => a.ClearedAt)
        .AddRanked("severity", a => a.Severity).Add("code", a => a.Code).Add("chargerId", a => a.ChargerId).Add("status", a => a.Status)
        .Add("raiseCount", a => a.RaiseCount).Add("id", a => a.Id);

    /// <summary>What the work-orders list sorts by.</summary>
    internal static SortKeys<WorkOrderRow> WorkOrderSort { get; } = new SortKeys<WorkOrderRow>("-id", w => w.Id)
        .Add("id", w => w.Id).Add("createdAt", w => w.CreatedAt).AddRanked("state", w => w.State).AddRanked("priority", w => w.Priority)
        .Add("kind", w => w.Kind).Add("chargerId", w => w.ChargerId).Add("engineerId", w => w.EngineerId);

    private static string? Iso(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static readonly CsvColumn<AlarmDto>[] AlarmColumns =
    [
        new("id", a => a.Id.ToString(CultureInfo.InvariantCulture)), new("chargerId", a => a.ChargerId), new("code", a => a.Code),
        new("severity", a => a.Severity), new("status", a => a.Status), new("component", a => a.Component), new("message", a => a.Message),
        new("blocksCharging", a => a.BlocksCharging ? "true" : "false"), new("raisedAt", a => Iso(a.RaisedAt)), new("lastRaisedAt", a => Iso(a.LastRaisedAt)),
        new("raiseCount", a => a.RaiseCount.ToString(CultureInfo.InvariantCulture)), new("clearedAt", a => Iso(a.ClearedAt)),
        new("acknowledgedAt", a => Iso(a.AcknowledgedAt)), new("acknowledgedBy", a => a.AcknowledgedBy), new("assignedTo", a => a.AssignedTo),
        new("workOrder", a => a.WorkOrder),
    ];

    private static readonly CsvColumn<WorkOrderDto>[] WorkOrderColumns =
    [
        new("id", w => w.Id), new("kind", w => w.Kind), new("state", w => w.State), new("priority", w => w.Priority), new("channel", w => w.Channel),
        new("chargerId", w => w.ChargerId), new("customerId", w => w.CustomerId), new("tier", w => w.Tier), new("description", w => w.Description),
        new("faultCode", w => w.FaultCode), new("engineerId", w => w.EngineerId), new("team", w => w.Team), new("createdBy", w => w.CreatedBy),
        new("createdAt", w => Iso(w.CreatedAt)), new("respondedAt", w => Iso(w.RespondedAt)), new("resolvedAt", w => Iso(w.ResolvedAt)),
        new("closedAt", w => Iso(w.ClosedAt)), new("responseDueAt", w => Iso(w.Sla.ResponseDueAt)), new("resolutionDueAt", w => Iso(w.Sla.ResolutionDueAt)),
        new("responseBreached", w => w.Sla.ResponseBreached ? "true" : "false"), new("resolutionBreached", w => w.Sla.ResolutionBreached ? "true" : "false"),
        new("fixedFirstTime", w => w.FixedFirstTime switch { true => "true", false => "false", null => null }),
    ];

    /// <summary>Maps the endpoints; every one requires the roles of the README's table.</summary>
    public static IEndpointRouteBuilder MapFieldService(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup("/api/v1").WithTags("service");

        api.MapGet("/alarms", ListAlarmsAsync).RequireAuthorization(Policies.AnyStaff)
            .WithSummary("Alarms, newest first").Produces<Page<AlarmDto>>().ProducesValidationProblem()
            .WithQueryParameters(
                ("status", JsonSchemaType.String, null, "active (default), cleared or all."),
                ("chargerId", JsonSchemaType.String, null, "Only this charger's alarms."),
                ("severity", JsonSchemaType.String, null, "critical, major, minor or warning."),
                ("code", JsonSchemaType.String, null, "Only this fault code (or Offline)."))
            .WithListParameters(AlarmSort);
        api.MapGet("/alarms/{id:long}", GetAlarmAsync).RequireAuthorization(Policies.AnyStaff)
            .WithSummary("One alarm with its history").Produces<AlarmDetailDto>().ProducesProblem(404);
        api.MapPost("/alarms/{id:long}/acknowledge", AcknowledgeAlarmAsync).RequireAuthorization(p => p.RequireRole(AlarmHandlers))
            .WithSummary("Acknowledge an alarm").Produces<AlarmDto>().ProducesProblem(404).ProducesProblem(409);
        api.MapPost("/alarms/{id:long}/assign", AssignAlarmAsync).RequireAuthorization(p => p.RequireRole(AlarmHandlers))
            .WithSummary("Assign an alarm to a user").Produces<AlarmDto>().ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409);

        api.MapGet("/work-orders", ListWorkOrdersAsync).RequireAuthorization(Policies.AnyStaff)
            .WithSummary("Work orders, newest first").Produces<Page<WorkOrderDto>>().ProducesValidationProblem()
            .WithQueryParameters(
                ("state", JsonSchemaType.String, null, "open, triaged, assigned, en-route, on-site, waiting-for-parts, ..., or unfinished."),
                ("chargerId", JsonSchemaType.String, null, "Only this charger's."),
                ("engineer", JsonSchemaType.String, null, "Only those assigned to this engineer."),
                ("kind", JsonSchemaType.String, null, "repair, installation, maintenance, inspection, complaint-follow-up."))
            .WithListParameters(WorkOrderSort);
        api.MapGet("/work-orders/{id}", GetWorkOrderAsync).RequireAuthorization(Policies.AnyStaff)
            .WithSummary("One work order with its history, pauses and service records").Produces<WorkOrderDetailDto>().ProducesProblem(404);
        api.MapPost("/work-orders", CreateWorkOrderAsync).RequireAuthorization(p => p.RequireRole(WorkOrderService.CreatorRoles))
            .WithSummary("Open a work order from a customer's call, e-mail or online message").Produces<WorkOrderDto>(201).ProducesValidationProblem();
        foreach (var (path, trigger, summary) in Actions)
        {
            var roles = path switch
            {
                "decide" => [Roles.Supervisor],
                _ => WorkOrderService.RolesFor(trigger),
            };
            api.MapPost($"/work-orders/{{id}}/{path}", (string id, WorkOrderActionRequest? body, HttpContext http, WorkOrderService service, IOptions<FieldServiceOptions> options, TimeProvider time, CancellationToken ct) =>
                    ActAsync(id, path, trigger, body, http, service, options, time, ct))
                .RequireAuthorization(p => p.RequireRole(roles))
                .WithSummary(summary).Produces<WorkOrderDto>().ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        }

        api.MapGet("/sla/due-soon", DueSoonAsync).RequireAuthorization(p => p.RequireRole(SlaReaders))
            .WithSummary("Unfinished work orders whose response or resolution falls due within the horizon").Produces<List<WorkOrderDto>>().ProducesValidationProblem()
            .WithQueryParameters(("within", JsonSchemaType.String, null, "Horizon as a time span (hh:mm:ss or d.hh:mm:ss), default 04:00:00, at most 30 days."));
        api.MapGet("/sla/breached", BreachedAsync).RequireAuthorization(p => p.RequireRole(SlaReaders))
            .WithSummary("Work orders whose response or resolution target is breached (computed now)").Produces<List<WorkOrderDto>>()
            .WithQueryParameters(("include", JsonSchemaType.String, null, "unfinished (default) or all (finished ones too)."));
        api.MapGet("/sla/policies", ListPoliciesAsync).RequireAuthorization(Policies.AnyStaff)
            .WithSummary("SLA policies by customer tier and priority").Produces<List<SlaPolicyDto>>();
        api.MapPut("/sla/policies/{tier}/{priority}", PutPolicyAsync).RequireAuthorization(p => p.RequireRole(Roles.Supervisor))
            .WithSummary("Set the SLA policy of a tier and priority (applies to work orders opened afterwards)").Produces<SlaPolicyDto>().ProducesValidationProblem();

        api.MapGet("/chargers/{id}/service", ChargerServiceAsync).RequireAuthorization(Policies.AnyStaff)
            .WithSummary("A charger's service view: blocked, active alarms, unfinished work orders").Produces<ChargerServiceDto>().ProducesValidationProblem();
        api.MapPost("/chargers/{id}/unblock", UnblockAsync).RequireAuthorization(p => p.RequireRole(Roles.Supervisor))
            .WithSummary("Lift the block of a charger taken out of service").ProducesProblem(404).ProducesValidationProblem();
        return app;
    }

    // ---- alarms ----

    /// <summary>The alarms list's filters (query parameters).</summary>
    internal sealed record AlarmFilter(string? Status = null, string? ChargerId = null, string? Severity = null, string? Code = null);

    internal static async Task<IResult> ListAlarmsAsync([AsParameters] AlarmFilter filter, [AsParameters] ListQuery listQuery, IDomainDbFactory<FieldServiceDb> dbFactory, CancellationToken ct)
    {
        var status = filter.Status ?? string.Empty;
        if (status.Length > 0 && status is not ("active" or "cleared" or "all"))
        {
            return Invalid("status", "Use active, cleared or all.");
        }

        Severity? severity = null;
        if (filter.Severity is { Length: > 0 } s)
        {
            if (!SeverityNames.TryParse(s, out var parsed))
            {
                return Invalid("severity", "Use critical, major, minor or warning.");
            }

            severity = parsed;
        }

        if (!ListRequest.TryRead(listQuery, AlarmSort, out var list, out var problem))
        {
            return problem!;
        }

        await using var db = dbFactory.Create();
        var query = db.Alarms.AsNoTracking();
        query = status switch
        {
            "cleared" => query.Where(a => a.Status == AlarmStatus.Cleared),
            "all" => query,
            _ => query.Where(a => a.Status == AlarmStatus.Active),
        };
        if (filter.ChargerId is { Length: > 0 } charger)
        {
            query = query.Where(a => a.ChargerId == charger);
        }

        if (filter.Code is { Length: > 0 } code)
        {
            query = query.Where(a => a.Code == code);
        }

        if (severity is { } sev)
        {
            query = query.Where(a => a.Severity == sev);
        }

        return await ListResponse.PageAsync(query, AlarmSort, list, AlarmDto.From, AlarmColumns, "alarms.csv", ct);
    }

    internal static async Task<IResult> GetAlarmAsync(long id, IDomainDbFactory<FieldServiceDb> dbFactory, CancellationToken ct)
    {
        await using var db = dbFactory.Create();
        var alarm = await db.Alarms.AsNoTracking().Include(a => a.History).FirstOrDefaultAsync(a => a.Id == id, ct);
        return alarm is null
            ? NotFound("alarm", id.ToString(CultureInfo.InvariantCulture))
            : TypedResults.Ok(new AlarmDetailDto(AlarmDto.From(alarm), alarm.History.OrderBy(h => h.At).ThenBy(h => h.Id).Select(AlarmHistoryDto.From).ToList()));
    }

    internal static async Task<IResult> AcknowledgeAlarmAsync(
        long id, AcknowledgeAlarmRequest? body, HttpContext http, IDomainDbFactory<FieldServiceDb> dbFactory, FieldServiceAudit audit, TimeProvider time, CancellationToken ct)
    {
        var actor = Actor.FromPrincipal(http.User)!;
        await using var db = dbFactory.Create();
        var alarm = await db.Alarms.FirstOrDefaultAsync(a => a.Id == id, ct);
        if (alarm is null)
        {
            return NotFound("alarm", id.ToString(CultureInfo.InvariantCulture));
        }

        if (alarm.AcknowledgedAt is not null)
        {
            return Conflict($"Alarm {id} was acknowledged by {alarm.AcknowledgedBy} at {alarm.AcknowledgedAt:O}.");
        }

        var now = time.GetUtcNow();
        alarm.AcknowledgedAt = now;
        alarm.AcknowledgedBy = actor.UserId;
        alarm.Version++;
        alarm.History.Add(new AlarmHistoryEntry { AlarmId = id, At = now, Action = AlarmAction.Acknowledged, ActorId = actor.UserId, ActorName = actor.DisplayName, Reason = body?.Reason });
        if (await SaveAsync(db, ct) is { } conflict)
        {
            return conflict;
        }

        await audit.RecordAsync(new AuditEntry(now, actor, "alarm.acknowledge", "alarm", id.ToString(CultureInfo.InvariantCulture), body?.Reason), ct);
        return TypedResults.Ok(AlarmDto.From(alarm));
    }

    internal static async Task<IResult> AssignAlarmAsync(
        long id, AssignAlarmRequest? body, HttpContext http, IDomainDbFactory<FieldServiceDb> dbFactory, IServiceProvider services, FieldServiceAudit audit, TimeProvider time, CancellationToken ct)
    {
        var actor = Actor.FromPrincipal(http.User)!;
        if (string.IsNullOrWhiteSpace(body?.UserId))
        {
            return Invalid("userId", "Name the user to assign the alarm to.");
        }

        if (services.GetService(typeof(IStaffDirectory)) is IStaffDirectory staff && await staff.FindAsync(body.UserId, ct) is not { Active: true })
        {
            return Invalid("userId", $"'{body.UserId}' is not an active user.");
        }

        await using var db = dbFactory.Create();
        var alarm = await db.Alarms.FirstOrDefaultAsync(a => a.Id == id, ct);
        if (alarm is null)
        {
            return NotFound("alarm", id.ToString(CultureInfo.InvariantCulture));
        }

        var now = time.GetUtcNow();
        alarm.AssignedTo = body.UserId;
        alarm.AssignedAt = now;
        alarm.Version++;
        alarm.History.Add(new AlarmHistoryEntry
        {
            AlarmId = id, At = now, Action = AlarmAction.Assigned, ActorId = actor.UserId, ActorName = actor.DisplayName, Reason = $"to {body.UserId}{(body.Reason is null ? "" : ": " + body.Reason)}",
        });
        if (await SaveAsync(db, ct) is { } conflict)
        {
            return conflict;
        }

        await audit.RecordAsync(new AuditEntry(now, actor, "alarm.assign", "alarm", id.ToString(CultureInfo.InvariantCulture), $"to {body.UserId}"), ct);
        return TypedResults.Ok(AlarmDto.From(alarm));
    }

    // ---- work orders ----

    /// <summary>The work-orders list's filters (query parameters).</summary>
    internal sealed record WorkOrderFilter(string? State = null, string? ChargerId = null, string? Engineer = null, string? Kind = null);

    internal static async Task<IResult> ListWorkOrdersAsync(
        [AsParameters] WorkOrderFilter filter, [AsParameters] ListQuery listQuery, IDomainDbFactory<FieldServiceDb> dbFactory, IOptions<FieldServiceOptions> options,
        TimeProvider time, CancellationToken ct)
    {
        if (!ListRequest.TryRead(listQuery, WorkOrderSort, out var list, out var problem))
        {
            return problem!;
        }

        await using var db = dbFactory.Create();
        var query = db.WorkOrders.AsNoTracking().Include(w => w.Pauses).AsQueryable();
        if (filter.State is { Length: > 0 } stateText)
        {
            if (stateText == "unfinished")
            {
                query = query.Where(w => w.State != WorkOrderState.Closed && w.State != WorkOrderState.Cancelled);
            }
            else if (Wire.TryParse<WorkOrderState>(stateText, out var state))
            {
                query = query.Where(w => w.State == state);
            }
            else
            {
                return Invalid("state", $"Use unfinished or one of {Wire.All<WorkOrderState>()}.");
            }
        }

        if (filter.Kind is { Length: > 0 } kindText)
        {
            if (!TryKind(kindText, out var kind))
            {
                return Invalid("kind", "Use repair, installation, maintenance, inspection or complaint-follow-up.");
            }

            query = query.Where(w => w.Kind == kind);
        }

        if (filter.ChargerId is { Length: > 0 } charger)
        {
            query = query.Where(w => w.ChargerId == charger);
        }

        if (filter.Engineer is { Length: > 0 } engineer)
        {
            query = query.Where(w => w.EngineerId == engineer);
        }

        var now = time.GetUtcNow();
        return await ListResponse.PageAsync(query, WorkOrderSort, list, w => WorkOrderDto.From(w, now, options.Value.ReopenWindow), WorkOrderColumns, "work-orders.csv", ct);
    }

    internal static async Task<IResult> GetWorkOrderAsync(
        string id, IDomainDbFactory<FieldServiceDb> dbFactory, IOptions<FieldServiceOptions> options, TimeProvider time, CancellationToken ct)
    {
        if (!WorkOrderReference.TryParse(id, out var woId))
        {
            return NotFound("work order", id);
        }

        await using var db = dbFactory.Create();
        var row = await db.WorkOrders.AsNoTracking().Include(w => w.Pauses).Include(w => w.Transitions).FirstOrDefaultAsync(w => w.Id == woId, ct);
        if (row is null)
        {
            return NotFound("work order", id);
        }

        var records = await db.MaintenanceLog.AsNoTracking().Where(l => l.WorkOrderId == woId).OrderBy(l => l.Ts).ToListAsync(ct);
        return TypedResults.Ok(new WorkOrderDetailDto(
            WorkOrderDto.From(row, time.GetUtcNow(), options.Value.ReopenWindow),
            row.Transitions.OrderBy(t => t.At).ThenBy(t => t.Id).Select(WorkOrderTransitionDto.From).ToList(),
            row.Pauses.OrderBy(p => p.From).Select(p => new WorkOrderPauseDto(Wire.Name(p.Waiting), p.From, p.To)).ToList(),
            records.Select(l => new AttachedRecordDto(l.ChargerId, l.Seq, l.Ts, l.Kind, l.EngineerId, l.Match, l.CustomerConfirmed)).ToList()));
    }

    internal static async Task<IResult> CreateWorkOrderAsync(
        CreateWorkOrderRequest? body, HttpContext http, WorkOrderService service, IOptions<FieldServiceOptions> options, TimeProvider time, CancellationToken ct)
    {
        if (body is null)
        {
            return Invalid("body", "A JSON body is required.");
        }

        if (!TryKind(body.Kind ?? "repair", out var kind))
        {
            return Invalid("kind", "Use repair, installation, maintenance, inspection or complaint-follow-up.");
        }

        if (!Wire.TryParse<WorkOrderChannel>(body.Channel, out var channel))
        {
            return Invalid("channel", "Use phone, email or online.");
        }

        if (!Wire.TryParse<WorkOrderPriority>(body.Priority ?? "normal", out var priority))
        {
            return Invalid("priority", $"Use one of {Wire.All<WorkOrderPriority>()}.");
        }

        return await RunAsync(async () =>
        {
            var row = await service.CreateAsync(
                new NewWorkOrder(kind, channel, Blank(body.CustomerId), Blank(body.ChargerId), body.Description ?? string.Empty, priority, Blank(body.FaultCode)),
                Actor.FromPrincipal(http.User)!, ct);
            return TypedResults.Created($"/api/v1/work-orders/{row.Reference}", WorkOrderDto.From(row, time.GetUtcNow(), options.Value.ReopenWindow));
        });
    }

    internal static async Task<IResult> ActAsync(
        string id, string path, WorkOrderTrigger trigger, WorkOrderActionRequest? body, HttpContext http, WorkOrderService service,
        IOptions<FieldServiceOptions> options, TimeProvider time, CancellationToken ct)
    {
        if (!WorkOrderReference.TryParse(id, out var woId))
        {
            return NotFound("work order", id);
        }

        body ??= new WorkOrderActionRequest(null, null, null, null, null, null);
        if (path == "reopen" && body.ToAssigned == true)
        {
            trigger = WorkOrderTrigger.ReopenToAssigned;
        }
        else if (path == "decide")
        {
            if (!Wire.TryParse<SupervisorDecision>(body.Decision, out var decision))
            {
                return Invalid("decision", $"Use one of {Wire.All<SupervisorDecision>()}.");
            }

            trigger = decision switch
            {
                SupervisorDecision.ReplaceCharger => WorkOrderTrigger.DecideReplace,
                SupervisorDecision.TakeOutOfService => WorkOrderTrigger.DecideTakeOutOfService,
                _ => WorkOrderTrigger.DecideContinue,
            };
        }

        return await RunAsync(async () =>
        {
            var row = await service.FireAsync(woId, trigger, new TransitionInput(body.Reason, Blank(body.EngineerId), body.RemoteChecks, body.ArrivalAt), Actor.FromPrincipal(http.User)!, ct);
            return row is null ? NotFound("work order", id) : TypedResults.Ok(WorkOrderDto.From(row, time.GetUtcNow(), options.Value.ReopenWindow));
        });
    }

    // ---- SLA ----

    internal static async Task<IResult> DueSoonAsync(HttpRequest request, IDomainDbFactory<FieldServiceDb> dbFactory, IOptions<FieldServiceOptions> options, TimeProvider time, CancellationToken ct)
    {
        var within = TimeSpan.FromHours(4);
        if (request.Query["within"].ToString() is { Length: > 0 } text
            && (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out within) || within <= TimeSpan.Zero || within > TimeSpan.FromDays(30)))
        {
            return Invalid("within", "A time span from 00:00:01 to 30.00:00:00, e.g. 04:00:00.");
        }

        var now = time.GetUtcNow();
        var horizon = now + within;
        var rows = await UnfinishedAsync(dbFactory, ct);
        var due = rows.Select(w => (Row: w, Sla: SlaPolicies.Evaluate(w, now)))
            .Select(x => (x.Row, x.Sla, Next: NextDue(x.Row, x.Sla)))
            .Where(x => x.Next is { } next && next > now && next <= horizon)
            .OrderBy(x => x.Next)
            .Select(x => WorkOrderDto.From(x.Row, now, options.Value.ReopenWindow))
            .ToList();
        return TypedResults.Ok(due);
    }

    internal static async Task<IResult> BreachedAsync(HttpRequest request, IDomainDbFactory<FieldServiceDb> dbFactory, IOptions<FieldServiceOptions> options, TimeProvider time, CancellationToken ct)
    {
        var include = request.Query["include"].ToString();
        if (include.Length > 0 && include is not ("unfinished" or "all"))
        {
            return Invalid("include", "Use unfinished or all.");
        }

        var now = time.GetUtcNow();
        List<WorkOrderRow> rows;
        if (include == "all")
        {
            await using var db = dbFactory.Create();
            rows = await db.WorkOrders.AsNoTracking().Include(w => w.Pauses).Where(w => w.State != WorkOrderState.Cancelled).ToListAsync(ct);
        }
        else
        {
            rows = await UnfinishedAsync(dbFactory, ct);
        }

        return TypedResults.Ok(rows.Select(w => (Row: w, Sla: SlaPolicies.Evaluate(w, now)))
            .Where(x => x.Sla.ResponseBreached || x.Sla.ResolutionBreached)
            .OrderBy(x => x.Row.CreatedAt)
            .Select(x => WorkOrderDto.From(x.Row, now, options.Value.ReopenWindow))
            .ToList());
    }

    private static DateTimeOffset? NextDue(WorkOrderRow w, SlaStatus s)
    {
        if (w.RespondedAt is null && !s.ResponseBreached)
        {
            return s.ResponseDueAt;
        }

        return w.ResolvedAt is null && !s.ResolutionBreached ? s.ResolutionDueAt : null;
    }

    private static async Task<List<WorkOrderRow>> UnfinishedAsync(IDomainDbFactory<FieldServiceDb> dbFactory, CancellationToken ct)
    {
        await using var db = dbFactory.Create();
        return await db.WorkOrders.AsNoTracking().Include(w => w.Pauses)
            .Where(w => w.State != WorkOrderState.Closed && w.State != WorkOrderState.Cancelled).ToListAsync(ct);
    }

    internal static async Task<IResult> ListPoliciesAsync(IDomainDbFactory<FieldServiceDb> dbFactory, CancellationToken ct)
    {
        await using var db = dbFactory.Create();
        return TypedResults.Ok((await SlaPolicies.ListAsync(db, ct)).Select(SlaPolicyDto.From).ToList());
    }

    internal static async Task<IResult> PutPolicyAsync(
        string tier, string priority, SlaPolicyRequest? body, HttpContext http, IDomainDbFactory<FieldServiceDb> dbFactory, FieldServiceAudit audit, TimeProvider time, CancellationToken ct)
    {
        if (!Wire.TryParse<CustomerTier>(tier, out var t))
        {
            return Invalid("tier", $"Use one of {Wire.All<CustomerTier>()}.");
        }

        if (!Wire.TryParse<WorkOrderPriority>(priority, out var p))
        {
            return Invalid("priority", $"Use one of {Wire.All<WorkOrderPriority>()}.");
        }

        if (body?.ResponseMinutes is not (>= 1 and <= 525_600) || body.ResolutionMinutes is not (>= 1 and <= 525_600))
        {
            return Invalid(body?.ResponseMinutes is (>= 1 and <= 525_600) ? "resolutionMinutes" : "responseMinutes", "Minutes from 1 to 525600 (a year).");
        }

        if (body.ResolutionMinutes < body.ResponseMinutes)
        {
            return Invalid("resolutionMinutes", "The resolution target cannot be shorter than the response target.");
        }

        if (body.Calendar is { } calendar)
        {
            if (!SlaClock.IsKnownTimeZone(calendar.TimeZone ?? string.Empty))
            {
                return Invalid("calendar.timeZone", $"'{calendar.TimeZone}' is not a known time zone id (e.g. Asia/Shanghai).");
            }

            if (calendar.Hours is not { Count: > 0 })
            {
                return Invalid("calendar.hours", "Give at least one span of working hours.");
            }
        }

        var actor = Actor.FromPrincipal(http.User)!;
        var now = time.GetUtcNow();
        await using var db = dbFactory.Create();
        var row = await db.SlaPolicies.FirstOrDefaultAsync(r => r.Tier == t && r.Priority == p, ct);
        if (row is null)
        {
            row = new SlaPolicyRow { Tier = t, Priority = p };
            db.SlaPolicies.Add(row);
        }

        row.ResponseMinutes = body.ResponseMinutes.Value;
        row.ResolutionMinutes = body.ResolutionMinutes.Value;
        row.CalendarJson = SlaPolicies.SerializeCalendar(body.Calendar);
        row.UpdatedAt = now;
        row.UpdatedBy = actor.UserId;
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditEntry(now, actor, "sla-policy.set", "sla-policy", $"{Wire.Name(t)}/{Wire.Name(p)}",
            $"response {row.ResponseMinutes} min, resolution {row.ResolutionMinutes} min, {(body.Calendar is null ? "around the clock" : "calendar " + body.Calendar.TimeZone)}"), ct);
        return TypedResults.Ok(SlaPolicyDto.From(SlaPolicies.FromRow(row)));
    }

    // ---- chargers ----

    internal static async Task<IResult> ChargerServiceAsync(
        string id, IDomainDbFactory<FieldServiceDb> dbFactory, IOptions<FieldServiceOptions> options, TimeProvider time, CancellationToken ct)
    {
        if (!ChargerId.IsValid(id))
        {
            return Invalid("id", $"'{id}' is not a valid charger id.");
        }

        await using var db = dbFactory.Create();
        var blocked = await db.BlockedChargers.AsNoTracking().FirstOrDefaultAsync(b => b.ChargerId == id, ct);
        var alarms = await db.Alarms.AsNoTracking().Where(a => a.ChargerId == id && a.Status == AlarmStatus.Active).OrderBy(a => a.RaisedAt).ToListAsync(ct);
        var orders = await db.WorkOrders.AsNoTracking().Include(w => w.Pauses)
            .Where(w => w.ChargerId == id && w.State != WorkOrderState.Closed && w.State != WorkOrderState.Cancelled).OrderBy(w => w.Id).ToListAsync(ct);
        var now = time.GetUtcNow();
        return TypedResults.Ok(new ChargerServiceDto(id, blocked is not null, blocked?.BlockedAt, blocked?.BlockedBy, blocked?.Reason,
            blocked?.WorkOrderId is { } w ? WorkOrderReference.Format(w) : null,
            alarms.Select(AlarmDto.From).ToList(), orders.Select(o => WorkOrderDto.From(o, now, options.Value.ReopenWindow)).ToList()));
    }

    internal static async Task<IResult> UnblockAsync(string id, UnblockRequest? body, HttpContext http, WorkOrderService service, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body?.Reason))
        {
            return Invalid("reason", "Say why the charger may be used again.");
        }

        return await service.UnblockAsync(id, body.Reason, Actor.FromPrincipal(http.User)!, ct)
            ? TypedResults.NoContent()
            : NotFound("blocked charger", id);
    }

    // ---- helpers ----

    private static async Task<IResult> RunAsync(Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (FieldServiceValidationException ex)
        {
            return Invalid(ex.Field, ex.Message);
        }
        catch (FieldServiceForbiddenException ex)
        {
            return TypedResults.Problem(title: "Not allowed", detail: ex.Message, statusCode: StatusCodes.Status403Forbidden);
        }
        catch (FieldServiceConflictException ex)
        {
            return Conflict(ex.Message);
        }
        catch (WorkOrderTransitionException ex)
        {
            return TypedResults.Problem(title: $"Not possible in state {Wire.Name(ex.State)}", detail: ex.Message, statusCode: StatusCodes.Status409Conflict,
                extensions: new Dictionary<string, object?>
                {
                    ["state"] = Wire.Name(ex.State),
                    ["trigger"] = Wire.Name(ex.Trigger),
                    ["allowed"] = ex.Permitted.Select(Wire.Name).ToArray(),
                    ["unmetGuards"] = ex.UnmetGuards.ToArray(),
                });
        }
    }

    private static async Task<IResult?> SaveAsync(FieldServiceDb db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            return Conflict("It was changed meanwhile; read it again and retry.");
        }
    }

    private static bool TryKind(string text, out WorkOrderKind kind) => Wire.TryParse(text, out kind);

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static IResult Invalid(string field, string message) => ApiProblems.Field(field, message);

    private static IResult NotFound(string what, string id) =>
        TypedResults.Problem(title: $"Unknown {what}", detail: $"No {what} '{id}'.", statusCode: StatusCodes.Status404NotFound);

    private static IResult Conflict(string detail) =>
        TypedResults.Problem(title: "Conflict", detail: detail, statusCode: StatusCodes.Status409Conflict);
}
