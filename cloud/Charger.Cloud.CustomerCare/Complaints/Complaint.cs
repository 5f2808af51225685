using Charger.Cloud.AfterSales;
using Charger.Cloud.CustomerCare.Data;
using Stateless;
using Stateless.Graph;
using Stateless.Reflection;

namespace Charger.Cloud.CustomerCare.Complaints;

/// <summary>Where a complaint stands (policy 三(五)).</summary>
public enum ComplaintState
{
    /// <summary>Recorded with the apology given to the customer.</summary>
    Recorded,

    /// <summary>The supervisor has organised the investigation; cause and responsible party are being established.</summary>
    Investigating,

    /// <summary>A handling plan exists (measures, responsible person, deadline).</summary>
    Planned,

    /// <summary>The plan's measures are being carried out; the customer gets progress updates.</summary>
    InProgress,

    /// <summary>The measures are done; the service specialist is to call the customer back.</summary>
    AwaitingRevisit,

    /// <summary>The customer was not satisfied at the revisit: a new plan is needed.</summary>
    Reopened,

    /// <summary>The customer was satisfied at the revisit; it closes once the lessons learned are recorded.</summary>
    Satisfied,

    /// <summary>Closed: customer satisfied, lessons learned recorded.</summary>
    Closed,
}

/// <summary>What can happen to a complaint.</summary>
public enum ComplaintTrigger
{
    Investigate,
    DetermineCause,
    Plan,
    StartWork,
    UpdateProgress,
    CompleteMeasures,
    RecordRevisit,
    RecordLessons,
    Close,
}

/// <summary>A refused complaint transition: the state, the trigger, and what would be allowed instead.</summary>
public sealed class ComplaintTransitionRefusedException(
    long complaintId, ComplaintState state, ComplaintTrigger trigger, IReadOnlyList<ComplaintTrigger> allowed, IReadOnlyList<string> unmetGuards)
    : InvalidOperationException(Describe(complaintId, state, trigger, allowed, unmetGuards))
{
    public long ComplaintId { get; } = complaintId;

    public ComplaintState State { get; } = state;

    public ComplaintTrigger Trigger { get; } = trigger;

    /// <summary>The triggers the complaint accepts in its state now.</summary>
    public IReadOnlyList<ComplaintTrigger> Allowed { get; } = allowed;

    /// <summary>The descriptions of the guards that stopped <see cref="Trigger"/>, when it is configured in this state.</summary>
    public IReadOnlyList<string> UnmetGuards { get; } = unmetGuards;

    private static string Describe(long id, ComplaintState state, ComplaintTrigger trigger, IReadOnlyList<ComplaintTrigger> allowed, IReadOnlyList<string> unmet) =>
        unmet.Count > 0
            ? $"Complaint {id} is {state}: {trigger} needs {string.Join(" and ", unmet)}."
            : $"Complaint {id} is {state}: {trigger} is not allowed; allowed: {(allowed.Count == 0 ? "none" : string.Join(", ", allowed))}.";
}

/// <summary>The plan of a complaint's handling.</summary>
public sealed record ComplaintPlan(string Measures, string ResponsiblePerson, DateTimeOffset Deadline);

/// <summary>
/// A complaint and its workflow: recorded with an apology -> investigating (cause, responsible party) -> planned ->
/// in progress (progress updates) -> awaiting revisit -> satisfied (score at or above the threshold) -> closed with the
/// lessons learned; an unsatisfied revisit reopens it for a new plan, until the customer is satisfied.
/// A Stateless machine on <see cref="ComplaintRecord.State"/>; only <c>FireAsync</c> is used. Every transition, re-entries
/// (cause, progress, lessons) included, is appended to <see cref="ComplaintRecord.Transitions"/> with who, when and why. Not thread-safe:
/// one request works one instance (the record's version guards concurrent requests).
/// </summary>
public sealed class Complaint
{
    private readonly StateMachine<ComplaintState, ComplaintTrigger> _machine;
    private readonly StateMachine<ComplaintState, ComplaintTrigger>.TriggerWithParameters<int> _revisit;
    private readonly int _threshold;

    /// <summary>Wraps a stored (or new) complaint record.</summary>
    /// <param name="record">The record; its state is the machine's state.</param>
    /// <param name="satisfiedThreshold">A revisit score at or above this closes the loop (1-5).</param>
    public Complaint(ComplaintRecord record, int satisfiedThreshold)
    {
        ArgumentNullException.ThrowIfNull(record);
        Record = record;
        _threshold = satisfiedThreshold;
        _machine = new StateMachine<ComplaintState, ComplaintTrigger>(() => Record.State, s => Record.State = s);
        _revisit = _machine.SetTriggerParameters<int>(ComplaintTrigger.RecordRevisit);

        _machine.Configure(ComplaintState.Recorded)
            .Permit(ComplaintTrigger.Investigate, ComplaintState.Investigating);

        _machine.Configure(ComplaintState.Investigating)
            .PermitReentry(ComplaintTrigger.DetermineCause)
            .PermitReentry(ComplaintTrigger.UpdateProgress)
            .PermitReentry(ComplaintTrigger.RecordLessons)
            .PermitIf(ComplaintTrigger.Plan, ComplaintState.Planned, () => HasCause, CauseGuard);

        _machine.Configure(ComplaintState.Planned)
            .PermitReentry(ComplaintTrigger.UpdateProgress)
            .PermitReentry(ComplaintTrigger.RecordLessons)
            .Permit(ComplaintTrigger.StartWork, ComplaintState.InProgress);

        _machine.Configure(ComplaintState.InProgress)
            .PermitReentry(ComplaintTrigger.UpdateProgress)
            .PermitReentry(ComplaintTrigger.RecordLessons)
            .Permit(ComplaintTrigger.CompleteMeasures, ComplaintState.AwaitingRevisit);

        _machine.Configure(ComplaintState.AwaitingRevisit)
            .PermitReentry(ComplaintTrigger.RecordLessons)
            .PermitDynamic(
                _revisit,
                score => score >= _threshold ? ComplaintState.Satisfied : ComplaintState.Reopened,
                "customer's score against the satisfied threshold",
                new DynamicStateInfos
                {
                    { ComplaintState.Satisfied, "score >= threshold" },
                    { ComplaintState.Reopened, "score < threshold" },
                });

        _machine.Configure(ComplaintState.Reopened)
            .PermitReentry(ComplaintTrigger.DetermineCause)
            .PermitReentry(ComplaintTrigger.UpdateProgress)
            .PermitReentry(ComplaintTrigger.RecordLessons)
            .PermitIf(ComplaintTrigger.Plan, ComplaintState.Planned, () => HasCause, CauseGuard);

        _machine.Configure(ComplaintState.Satisfied)
            .PermitReentry(ComplaintTrigger.RecordLessons)
            .PermitIf(ComplaintTrigger.Close, ComplaintState.Closed, () => HasLessons, LessonsGuard);

        _machine.Configure(ComplaintState.Closed);
    }

    /// <summary>Description of the guard on <see cref="ComplaintTrigger.Plan"/>.</summary>
    public const string CauseGuard = "cause and responsible party recorded";

    /// <summary>Description of the guard on <see cref="ComplaintTrigger.Close"/>.</summary>
    public const string LessonsGuard = "lessons learned recorded (summary and improvement)";

    /// <summary>The record (mutated by the transitions).</summary>
    public ComplaintRecord Record { get; }

    public ComplaintState State => Record.State;

    private bool HasCause => !string.IsNullOrWhiteSpace(Record.Cause) && !string.IsNullOrWhiteSpace(Record.ResponsibleParty);

    private bool HasLessons => !string.IsNullOrWhiteSpace(Record.LessonsSummary) && !string.IsNullOrWhiteSpace(Record.LessonsImprovement);

    /// <summary>The triggers accepted now (guards evaluated; the revisit is listed whenever it is configured).</summary>
    public async Task<IReadOnlyList<ComplaintTrigger>> GetPermittedTriggersAsync() =>
        (await _machine.GetPermittedTriggersAsync(_threshold)).Distinct().Order().ToList();

    /// <summary>A new complaint in <see cref="ComplaintState.Recorded"/> (the creation is recorded as its first history entry).</summary>
    public static ComplaintRecord NewRecord(
        ContactChannel channel, string customerId, string content, string apology, string? chargerId, string? workOrderId, Actor actor, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return new ComplaintRecord
        {
            Channel = channel,
            CustomerId = customerId,
            Content = content,
            Apology = apology,
            ChargerId = chargerId,
            WorkOrderId = workOrderId,
            ReceivedAt = at,
            RecordedBy = actor.UserId,
            State = ComplaintState.Recorded,
        };
    }

    /// <summary>The supervisor organises the investigation, naming who investigates.</summary>
    public Task InvestigateAsync(string? investigator, Actor actor, DateTimeOffset at, string? reason) =>
        FireAsync(ComplaintTrigger.Investigate, actor, at, reason, () => Record.Investigator = investigator ?? actor.UserId);

    /// <summary>Records (or revises) the cause and the responsible party.</summary>
    public Task DetermineCauseAsync(string cause, string responsibleParty, Actor actor, DateTimeOffset at, string? reason) =>
        FireAsync(ComplaintTrigger.DetermineCause, actor, at, reason ?? $"cause: {cause}; responsible: {responsibleParty}", () =>
        {
            Record.Cause = cause;
            Record.ResponsibleParty = responsibleParty;
        });

    /// <summary>A (new) handling plan: measures, responsible person, deadline.</summary>
    public Task PlanAsync(ComplaintPlan plan, Actor actor, DateTimeOffset at, string? reason)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(actor);
        return FireAsync(ComplaintTrigger.Plan, actor, at, reason ?? $"plan {Record.PlanNumber + 1}: {plan.Measures}", () =>
        {
            Record.PlanNumber++;
            Record.PlanMeasures = plan.Measures;
            Record.PlanResponsiblePerson = plan.ResponsiblePerson;
            Record.PlanDeadline = plan.Deadline;
            Record.Plans.Add(new ComplaintPlanRecord
            {
                Number = Record.PlanNumber, Measures = plan.Measures, ResponsiblePerson = plan.ResponsiblePerson, Deadline = plan.Deadline, At = at, By = actor.UserId,
            });
        });
    }

    /// <summary>The measures of the plan start.</summary>
    public Task StartWorkAsync(Actor actor, DateTimeOffset at, string? reason) => FireAsync(ComplaintTrigger.StartWork, actor, at, reason, null);

    /// <summary>A progress update given to the customer, with its channel.</summary>
    public Task UpdateProgressAsync(ContactChannel channel, string message, Actor actor, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return FireAsync(ComplaintTrigger.UpdateProgress, actor, at, $"{channel}: {message}", () =>
            Record.ProgressUpdates.Add(new ComplaintProgressRecord { At = at, Channel = channel, Message = message, By = actor.UserId }));
    }

    /// <summary>The plan's measures are done; the customer is to be called back.</summary>
    public Task CompleteMeasuresAsync(Actor actor, DateTimeOffset at, string? reason) => FireAsync(ComplaintTrigger.CompleteMeasures, actor, at, reason, null);

    /// <summary>
    /// The specialist's call back: a score (1-5) at or above the threshold makes the complaint <see cref="ComplaintState.Satisfied"/>,
    /// a lower one <see cref="ComplaintState.Reopened"/>. Returns whether the customer was satisfied.
    /// </summary>
    public async Task<bool> RecordRevisitAsync(int score, string? comment, Actor actor, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentOutOfRangeException.ThrowIfLessThan(score, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(score, 5);
        var satisfied = score >= _threshold;
        await FireCoreAsync(ComplaintTrigger.RecordRevisit, actor, at,
            $"score {score} ({(satisfied ? "satisfied" : "not satisfied")}, threshold {_threshold}){(string.IsNullOrWhiteSpace(comment) ? string.Empty : ": " + comment)}",
            () => _machine.FireAsync(_revisit, score),
            () =>
            {
                Record.LastRevisitScore = score;
                Record.Revisits.Add(new ComplaintRevisitRecord { At = at, Score = score, Comment = comment, Satisfied = satisfied, By = actor.UserId });
            });
        return satisfied;
    }

    /// <summary>The lessons learned: what happened and what is improved.</summary>
    public Task RecordLessonsAsync(string summary, string improvement, Actor actor, DateTimeOffset at) =>
        FireAsync(ComplaintTrigger.RecordLessons, actor, at, $"lessons: {summary}; improvement: {improvement}", () =>
        {
            Record.LessonsSummary = summary;
            Record.LessonsImprovement = improvement;
        });

    /// <summary>Closes a complaint whose customer is satisfied and whose lessons are recorded.</summary>
    public Task CloseAsync(Actor actor, DateTimeOffset at, string? reason) =>
        FireAsync(ComplaintTrigger.Close, actor, at, reason, () => Record.ClosedAt = at);

    /// <summary>The machine's graph as a Mermaid state diagram (docs/complaint-states.md).</summary>
    public static string ToMermaid() =>
        MermaidGraph.Format(new Complaint(NewRecord(ContactChannel.Phone, "x", "x", "x", null, null, Actor.System, DateTimeOffset.UnixEpoch), 4)._machine.GetInfo());

    /// <summary>The machine's graph in DOT.</summary>
    public static string ToDot() =>
        UmlDotGraph.Format(new Complaint(NewRecord(ContactChannel.Phone, "x", "x", "x", null, null, Actor.System, DateTimeOffset.UnixEpoch), 4)._machine.GetInfo());

    private Task FireAsync(ComplaintTrigger trigger, Actor actor, DateTimeOffset at, string? reason, Action? apply) =>
        FireCoreAsync(trigger, actor, at, reason, () => _machine.FireAsync(trigger), apply);

    private async Task FireCoreAsync(ComplaintTrigger trigger, Actor actor, DateTimeOffset at, string? reason, Func<Task> fire, Action? apply)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var canFire = trigger == ComplaintTrigger.RecordRevisit
            ? _machine.CanFire(_revisit, _threshold, out var unmet)
            : _machine.CanFire(trigger, out unmet);
        if (!canFire)
        {
            throw new ComplaintTransitionRefusedException(Record.Id, Record.State, trigger, await GetPermittedTriggersAsync(), unmet?.ToList() ?? []);
        }

        var from = Record.State;
        await fire();
        apply?.Invoke();
        Record.Version++;
        Record.Transitions.Add(new ComplaintTransitionRecord
        {
            At = at, Trigger = trigger, FromState = from, ToState = Record.State,
            ActorId = actor.UserId, ActorName = actor.DisplayName, ActorRole = actor.Role, Reason = reason,
        });
    }
}
