using Charger.Cloud.AfterSales;
using Stateless;
using Stateless.Graph;
using Stateless.Reflection;

namespace Charger.Cloud.FieldService.WorkOrders;

/// <summary>What a caller brings to a transition: who, why, and the trigger's own arguments.</summary>
public sealed record TransitionRequest(Actor Actor, DateTimeOffset At, string? Reason = null)
{
    /// <summary>Assign: the engineer as the staff directory knows them.</summary>
    public StaffMember? Engineer { get; init; }

    /// <summary>Triage: the remote checks suggested to the customer.</summary>
    public string? RemoteChecks { get; init; }

    /// <summary>SetOff: the arrival time agreed with the customer.</summary>
    public DateTimeOffset? ArrivalAt { get; init; }
}

/// <summary>A trigger that the work order's state does not permit (or whose guard fails).</summary>
public sealed class WorkOrderTransitionException(WorkOrderState state, WorkOrderTrigger trigger, IReadOnlyList<WorkOrderTrigger> permitted, IReadOnlyList<string> unmetGuards)
    : InvalidOperationException(Describe(state, trigger, permitted, unmetGuards))
{
    public WorkOrderState State { get; } = state;
    public WorkOrderTrigger Trigger { get; } = trigger;
    public IReadOnlyList<WorkOrderTrigger> Permitted { get; } = permitted;
    public IReadOnlyList<string> UnmetGuards { get; } = unmetGuards;

    private static string Describe(WorkOrderState state, WorkOrderTrigger trigger, IReadOnlyList<WorkOrderTrigger> permitted, IReadOnlyList<string> unmet) =>
        unmet.Count > 0
            ? $"'{trigger}' is not possible in state {state}: {string.Join("; ", unmet)}."
            : $"'{trigger}' is not possible in state {state}; allowed: {(permitted.Count == 0 ? "none" : string.Join(", ", permitted))}.";
}

/// <summary>
/// A work order's behaviour: a Stateless machine over the state of its <see cref="WorkOrderRow"/> (external storage),
/// guards with descriptions, entry actions that stamp the row, and every transition recorded with who, when and why.
/// Fire with <see cref="FireAsync"/> only. Not thread-safe: one instance per unit of work.
/// </summary>
public sealed class WorkOrder
{
    private static readonly WorkOrderState[] Active =
    [
        WorkOrderState.Open, WorkOrderState.Triaged, WorkOrderState.Assigned, WorkOrderState.EnRoute, WorkOrderState.OnSite,
        WorkOrderState.WaitingForParts, WorkOrderState.WaitingForCustomer,
    ];

    private readonly StateMachine<WorkOrderState, WorkOrderTrigger> _machine;
    private readonly TimeSpan _reopenWindow;
    private TransitionRequest? _request;

    public WorkOrder(WorkOrderRow row, TimeSpan reopenWindow)
    {
        Row = row;
        _reopenWindow = reopenWindow;
        _machine = new StateMachine<WorkOrderState, WorkOrderTrigger>(() => Row.State, s => Row.State = s);
        Configure();
    }

    public WorkOrderRow Row { get; }

    public WorkOrderState State => Row.State;

    /// <summary>True for the states in which work is still to be done (not resolved, escalated or finished).</summary>
    public static bool IsActive(WorkOrderState state) => Array.IndexOf(Active, state) >= 0;

    /// <summary>True once closed or cancelled.</summary>
    public static bool IsFinished(WorkOrderState state) => state is WorkOrderState.Closed or WorkOrderState.Cancelled;

    /// <summary>The triggers the current state permits (guards on arguments count as satisfiable).</summary>
    public IReadOnlyList<WorkOrderTrigger> PermittedTriggers
    {
        get
        {
            _request = null;
            return Enum.GetValues<WorkOrderTrigger>().Where(t => _machine.CanFire(t)).ToList();
        }
    }

    /// <summary>Fires <paramref name="trigger"/>; throws <see cref="WorkOrderTransitionException"/> when not permitted.</summary>
    public async Task FireAsync(WorkOrderTrigger trigger, TransitionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        _request = request;
        try
        {
            if (!_machine.CanFire(trigger, out var unmet))
            {
                var guards = unmet?.ToList() ?? [];
                throw new WorkOrderTransitionException(State, trigger, PermittedTriggers, guards);
            }

            _request = request;
            await _machine.FireAsync(trigger);
        }
        finally
        {
            _request = null;
        }
    }

    /// <summary>The graph of the machine in Mermaid syntax (docs/work-order-states.md).</summary>
    public static string MermaidGraphText() =>
        MermaidGraph.Format(new WorkOrder(new WorkOrderRow(), TimeSpan.FromDays(30))._machine.GetInfo());

    // Guards on the trigger's arguments hold when there is no request (listing what the state permits).
    private bool Arg(Func<TransitionRequest, bool> check) => _request is null || check(_request);

    private TransitionRequest Request => _request ?? throw new InvalidOperationException("No transition in progress.");

    private void Configure()
    {
        var hasReason = (Func<bool>)(() => Arg(r => !string.IsNullOrWhiteSpace(r.Reason)));
        var withinReopenWindow = (Func<bool>)(() =>
            Row.LastResolvedAt is { } resolved && (_request is null || _request.At - resolved <= _reopenWindow));
        var engineerOk = (Func<bool>)(() => Arg(r => r.Engineer is { Active: true, Role: Roles.RepairEngineer }));

        _machine.Configure(WorkOrderState.Open)
            .PermitIf(WorkOrderTrigger.Triage, WorkOrderState.Triaged,
                () => Arg(r => !string.IsNullOrWhiteSpace(r.RemoteChecks)), "remote checks suggested to the customer are recorded");

        _machine.Configure(WorkOrderState.Triaged)
            .OnEntryFrom(WorkOrderTrigger.Triage, () => Row.RemoteChecks = Request.RemoteChecks, "record the remote checks")
            .PermitIf(WorkOrderTrigger.Assign, WorkOrderState.Assigned, engineerOk, "the engineer is an active repair engineer");

        _machine.Configure(WorkOrderState.Assigned)
            .OnEntry(t =>
            {
                if (t.Trigger == WorkOrderTrigger.Assign)
                {
                    Row.EngineerId = Request.Engineer!.UserId;
                    Row.Team = Request.Engineer.Team;
                    Row.RespondedAt ??= Request.At;
                }
            }, "set the engineer; first assignment is the response")
            .PermitReentryIf(WorkOrderTrigger.Assign, engineerOk, "the engineer is an active repair engineer")
            .PermitIf(WorkOrderTrigger.SetOff, WorkOrderState.EnRoute, () => Arg(r => r.ArrivalAt is not null), "an arrival time is agreed with the customer");

        _machine.Configure(WorkOrderState.EnRoute)
            .OnEntry(() =>
            {
                Row.AgreedArrivalAt = Request.ArrivalAt ?? Row.AgreedArrivalAt;
                Row.EnRouteAt ??= Request.At;
            }, "record the agreed arrival time")
            .Permit(WorkOrderTrigger.Arrive, WorkOrderState.OnSite);

        _machine.Configure(WorkOrderState.OnSite)
            .OnEntry(() => Row.OnSiteAt ??= Request.At, "stamp arrival")
            .Permit(WorkOrderTrigger.Resolve, WorkOrderState.Resolved);

        foreach (var waiting in new[] { WorkOrderState.WaitingForParts, WorkOrderState.WaitingForCustomer })
        {
            _machine.Configure(waiting)
                .OnEntry(t =>
                {
                    Row.ReturnState = t.Source;
                    Row.Pauses.Add(new WorkOrderPauseRow { WorkOrderId = Row.Id, Waiting = t.Destination, From = Request.At });
                }, "pause the SLA clock")
                .OnExit(() =>
                {
                    foreach (var p in Row.Pauses.Where(p => p.To is null))
                    {
                        p.To = Request.At;
                    }
                }, "resume the SLA clock")
                .PermitDynamic(WorkOrderTrigger.Resume, () => Row.ReturnState ?? WorkOrderState.Assigned, "the state it paused from",
                    new DynamicStateInfos { { WorkOrderState.Assigned, "paused from assigned" }, { WorkOrderState.EnRoute, "paused from en route" }, { WorkOrderState.OnSite, "paused from on site" } });
        }

        foreach (var from in new[] { WorkOrderState.Assigned, WorkOrderState.EnRoute, WorkOrderState.OnSite })
        {
            _machine.Configure(from)
                .Permit(WorkOrderTrigger.WaitForParts, WorkOrderState.WaitingForParts)
                .Permit(WorkOrderTrigger.WaitForCustomer, WorkOrderState.WaitingForCustomer);
        }

        foreach (var state in Active)
        {
            _machine.Configure(state)
                .PermitIf(WorkOrderTrigger.Escalate, WorkOrderState.Escalated, hasReason, "the quality or safety problem is described");
        }

        _machine.Configure(WorkOrderState.Escalated)
            .OnEntry(t =>
            {
                // From a waiting state, continuing returns to where the work had paused (the pause ends here).
                if (t.Source is not WorkOrderState.WaitingForParts and not WorkOrderState.WaitingForCustomer)
                {
                    Row.ReturnState = t.Source;
                }

                Row.EscalationReason = Request.Reason;
                Row.Decision = null;
            }, "hand over to the supervisor")
            .PermitDynamic(WorkOrderTrigger.DecideReplace, () => Row.EngineerId is null ? WorkOrderState.Triaged : WorkOrderState.Assigned,
                "back to the engineer, or to dispatch when none was assigned",
                new DynamicStateInfos { { WorkOrderState.Assigned, "an engineer was assigned" }, { WorkOrderState.Triaged, "no engineer yet" } })
            .Permit(WorkOrderTrigger.DecideTakeOutOfService, WorkOrderState.Resolved)
            .PermitDynamic(WorkOrderTrigger.DecideContinue, () => Row.ReturnState ?? WorkOrderState.Triaged, "the state it was escalated from",
                new DynamicStateInfos { { WorkOrderState.OnSite, "escalated from on site" }, { WorkOrderState.Assigned, "escalated from assigned" }, { WorkOrderState.Triaged, "escalated from triage" } })
            .OnExit(t => Row.Decision = t.Trigger switch
            {
                WorkOrderTrigger.DecideReplace => SupervisorDecision.ReplaceCharger,
                WorkOrderTrigger.DecideTakeOutOfService => SupervisorDecision.TakeOutOfService,
                WorkOrderTrigger.DecideContinue => SupervisorDecision.ContinueRepair,
                _ => Row.Decision,
            }, "record the supervisor's decision");

        _machine.Configure(WorkOrderState.Resolved)
            .OnEntry(() =>
            {
                Row.ResolvedAt ??= Request.At;
                Row.LastResolvedAt = Request.At;
                Row.Resolution = Request.Reason;
            }, "stamp the resolution")
            .Permit(WorkOrderTrigger.Confirm, WorkOrderState.Confirmed)
            .PermitIf(WorkOrderTrigger.Reopen, WorkOrderState.Triaged, withinReopenWindow, "within the reopen window")
            .PermitIf(WorkOrderTrigger.ReopenToAssigned, WorkOrderState.Assigned,
                () => withinReopenWindow() && Row.EngineerId is not null, "within the reopen window and an engineer was assigned");

        _machine.Configure(WorkOrderState.Confirmed)
            .OnEntry(() => Row.ConfirmedAt = Request.At, "stamp the customer's confirmation")
            .Permit(WorkOrderTrigger.Close, WorkOrderState.Closed)
            .PermitIf(WorkOrderTrigger.Reopen, WorkOrderState.Triaged, withinReopenWindow, "within the reopen window")
            .PermitIf(WorkOrderTrigger.ReopenToAssigned, WorkOrderState.Assigned,
                () => withinReopenWindow() && Row.EngineerId is not null, "within the reopen window and an engineer was assigned");

        _machine.Configure(WorkOrderState.Closed)
            .OnEntry(() => Row.ClosedAt = Request.At, "stamp closing")
            .OnExit(() =>
            {
                Row.ClosedAt = null;
                Row.ConfirmedAt = null;
            }, "reopened: no longer closed")
            .PermitIf(WorkOrderTrigger.Reopen, WorkOrderState.Triaged, withinReopenWindow, "within the reopen window")
            .PermitIf(WorkOrderTrigger.ReopenToAssigned, WorkOrderState.Assigned,
                () => withinReopenWindow() && Row.EngineerId is not null, "within the reopen window and an engineer was assigned");

        _machine.Configure(WorkOrderState.Cancelled)
            .OnEntry(() =>
            {
                Row.CancelledAt = Request.At;
                Row.CancelReason = Request.Reason;
            }, "stamp the cancellation and its reason");

        foreach (var state in Enum.GetValues<WorkOrderState>().Where(s => s is not WorkOrderState.Closed and not WorkOrderState.Cancelled))
        {
            _machine.Configure(state).PermitIf(WorkOrderTrigger.Cancel, WorkOrderState.Cancelled, hasReason, "a reason is given");
        }

        _machine.OnTransitioned(t => Row.Transitions.Add(new WorkOrderTransitionRow
        {
            WorkOrderId = Row.Id,
            At = Request.At,
            Action = t.Trigger.ToString(),
            FromState = t.Source,
            ToState = t.Destination,
            ActorId = Request.Actor.UserId,
            ActorName = Request.Actor.DisplayName,
            ActorRole = Request.Actor.Role,
            Reason = Request.Reason,
        }));
    }
}
