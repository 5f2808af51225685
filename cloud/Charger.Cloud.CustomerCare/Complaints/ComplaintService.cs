using System.Globalization;
using Charger.Cloud.AfterSales;
using Charger.Cloud.CustomerCare.Data;
using Charger.Cloud.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Charger.Cloud.CustomerCare.Complaints;

/// <summary>Which complaints a list shows; null matches any.</summary>
public sealed record ComplaintFilter(ComplaintState? State = null, string? CustomerId = null);

/// <summary>A new complaint: channel, customer, content, the related charger or work order, and the apology given.</summary>
public sealed record NewComplaint(ContactChannel Channel, string CustomerId, string Content, string? ChargerId, string? WorkOrderId, string Apology);

/// <summary>
/// Complaints (policy 三(五)) stored in <see cref="CareDb"/> and moved by <see cref="Complaint"/>. Each operation loads the
/// complaint, fires one trigger, saves (optimistic concurrency on the record's version) and writes the audit log.
/// The revisit's score is also the complaint's satisfaction survey.
/// </summary>
public sealed class ComplaintService(IDomainDbFactory<CareDb> db, IAuditLog auditLog, ICustomerDirectory customers, TimeProvider clock, IOptions<CareOptions> options, ILogger<ComplaintService> logger)
{
    private int Threshold => options.Value.SatisfiedThreshold;

    /// <summary>Records a complaint with the apology given at intake.</summary>
    public async Task<Complaint> CreateAsync(NewComplaint request, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(actor);
        var audit = auditLog;
        var now = clock.GetUtcNow();
        Text.Required("customerId", request.CustomerId, 64);
        Text.Required("content", request.Content, 4000);
        Text.Required("apology", request.Apology, 2000);
        var chargerId = Text.Optional("chargerId", request.ChargerId, 64);
        var workOrderId = Text.Optional("workOrderId", request.WorkOrderId, 64);
        if (await customers.FindAsync(request.CustomerId, cancellationToken) is null)
        {
            throw new CareValidationException("customerId", $"No customer '{request.CustomerId}' is on record.");
        }

        var record = Complaint.NewRecord(request.Channel, request.CustomerId, request.Content, request.Apology, chargerId, workOrderId, actor, now);
        record.Version = 1;
        record.Transitions.Add(new ComplaintTransitionRecord
        {
            At = now, Trigger = null, FromState = null, ToState = ComplaintState.Recorded,
            ActorId = actor.UserId, ActorName = actor.DisplayName, ActorRole = actor.Role, Reason = "recorded; apology: " + request.Apology,
        });
        await using (var context = db.Create())
        {
            context.Complaints.Add(record);
            await context.SaveChangesAsync(cancellationToken);
        }

        await audit.RecordAsync(new AuditEntry(now, actor, "complaint.create", "complaint", Id(record), $"{record.Channel}, customer {record.CustomerId}; apology given"), cancellationToken);
        CareLog.ComplaintRecorded(logger, record.Id, record.CustomerId, actor.UserId);
        return new Complaint(record, Threshold);
    }

    /// <summary>One complaint with its history.</summary>
    public async Task<Complaint> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var context = db.Create();
        return new Complaint(await LoadAsync(context, id, tracking: false, cancellationToken), Threshold);
    }

    /// <summary>
    /// Runs <paramref name="read"/> on the complaints <paramref name="filter"/> selects (unsorted: the list endpoint sorts
    /// and pages them), on a context of its own that ends when it returns.
    /// </summary>
    public async Task<T> QueryAsync<T>(ComplaintFilter filter, Func<IQueryable<ComplaintRecord>, Task<T>> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(read);
        await using var context = db.Create();
        var query = context.Complaints.AsNoTracking();
        if (filter.State is { } s)
        {
            query = query.Where(c => c.State == s);
        }

        if (filter.CustomerId is { } customerId)
        {
            query = query.Where(c => c.CustomerId == customerId);
        }

        return await read(query);
    }

    public Task<Complaint> InvestigateAsync(long id, string? investigator, string? reason, Actor actor, CancellationToken cancellationToken) =>
        TransitionAsync(id, ComplaintTrigger.Investigate, actor, (c, now) =>
            c.InvestigateAsync(Text.Optional("investigator", investigator, 64), actor, now, Text.Optional("reason", reason, 2000)), cancellationToken);

    public Task<Complaint> DetermineCauseAsync(long id, string cause, string responsibleParty, string? reason, Actor actor, CancellationToken cancellationToken) =>
        TransitionAsync(id, ComplaintTrigger.DetermineCause, actor, (c, now) =>
            c.DetermineCauseAsync(Text.Required("cause", cause, 4000), Text.Required("responsibleParty", responsibleParty, 200), actor, now, Text.Optional("reason", reason, 2000)),
            cancellationToken);

    public Task<Complaint> PlanAsync(long id, string measures, string responsiblePerson, DateTimeOffset? deadline, string? reason, Actor actor, CancellationToken cancellationToken) =>
        TransitionAsync(id, ComplaintTrigger.Plan, actor, (c, now) =>
        {
            var m = Text.Required("measures", measures, 4000);
            var p = Text.Required("responsiblePerson", responsiblePerson, 64);
            if (deadline is not { } d)
            {
                throw new CareValidationException("deadline", "A plan needs a deadline.");
            }

            if (d <= now)
            {
                throw new CareValidationException("deadline", $"The deadline must be in the future (now {now:o}).");
            }

            return c.PlanAsync(new ComplaintPlan(m, p, d.ToUniversalTime()), actor, now, Text.Optional("reason", reason, 2000));
        }, cancellationToken);

    public Task<Complaint> StartWorkAsync(long id, string? reason, Actor actor, CancellationToken cancellationToken) =>
        TransitionAsync(id, ComplaintTrigger.StartWork, actor, (c, now) => c.StartWorkAsync(actor, now, Text.Optional("reason", reason, 2000)), cancellationToken);

    public Task<Complaint> UpdateProgressAsync(long id, ContactChannel channel, string message, Actor actor, CancellationToken cancellationToken) =>
        TransitionAsync(id, ComplaintTrigger.UpdateProgress, actor, (c, now) => c.UpdateProgressAsync(channel, Text.Required("message", message, 4000), actor, now), cancellationToken);

    public Task<Complaint> CompleteMeasuresAsync(long id, string? reason, Actor actor, CancellationToken cancellationToken) =>
        TransitionAsync(id, ComplaintTrigger.CompleteMeasures, actor, (c, now) => c.CompleteMeasuresAsync(actor, now, Text.Optional("reason", reason, 2000)), cancellationToken);

    /// <summary>The revisit: satisfied closes the loop (then lessons and close), unsatisfied reopens for a new plan. The score is the complaint's survey.</summary>
    public Task<Complaint> RecordRevisitAsync(long id, int? score, string? comment, Actor actor, CancellationToken cancellationToken) =>
        TransitionAsync(id, ComplaintTrigger.RecordRevisit, actor, async (c, now) =>
        {
            if (score is not (>= 1 and <= 5))
            {
                throw new CareValidationException("score", "The satisfaction score is an integer from 1 to 5.");
            }

            var text = Text.Optional("comment", comment, 4000);
            await c.RecordRevisitAsync(score.Value, text, actor, now);
        }, cancellationToken, async (context, c, now) =>
        {
            // The complaint's survey is its latest revisit: created by the first, updated by later ones.
            var key = Id(c.Record);
            var survey = await context.Surveys.FirstOrDefaultAsync(s => s.Subject == SurveySubject.Complaint && s.SubjectId == key, cancellationToken);
            if (survey is null)
            {
                survey = new SurveyRecord { Subject = SurveySubject.Complaint, SubjectId = key, RecordedBy = actor.UserId, Source = SurveySource.Revisit };
                context.Surveys.Add(survey);
            }

            survey.Score = score!.Value;
            survey.Comment = comment;
            survey.At = now;
            survey.RecordedBy = actor.UserId;
            survey.Source = SurveySource.Revisit;
            survey.Version++;
        });

    public Task<Complaint> RecordLessonsAsync(long id, string summary, string improvement, Actor actor, CancellationToken cancellationToken) =>
        TransitionAsync(id, ComplaintTrigger.RecordLessons, actor, (c, now) =>
            c.RecordLessonsAsync(Text.Required("summary", summary, 4000), Text.Required("improvement", improvement, 4000), actor, now), cancellationToken);

    public Task<Complaint> CloseAsync(long id, string? reason, Actor actor, CancellationToken cancellationToken) =>
        TransitionAsync(id, ComplaintTrigger.Close, actor, (c, now) => c.CloseAsync(actor, now, Text.Optional("reason", reason, 2000)), cancellationToken);

    private async Task<Complaint> TransitionAsync(
        long id, ComplaintTrigger trigger, Actor actor, Func<Complaint, DateTimeOffset, Task> fire, CancellationToken cancellationToken,
        Func<CareDb, Complaint, DateTimeOffset, Task>? alongside = null)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var audit = auditLog;
        var now = clock.GetUtcNow();
        await using var context = db.Create();
        var complaint = new Complaint(await LoadAsync(context, id, tracking: true, cancellationToken), Threshold);
        var from = complaint.State;
        try
        {
            await fire(complaint, now);
        }
        catch (ComplaintTransitionRefusedException)
        {
            CareLog.ComplaintTransitionRefused(logger, id, trigger, from, actor.UserId);
            throw;
        }

        if (alongside is not null)
        {
            await alongside(context, complaint, now);
        }

        try
        {
            await context.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new CareConflictException($"Complaint {id} was changed by someone else meanwhile; read it again.");
        }

        var last = complaint.Record.Transitions[^1];
        await audit.RecordAsync(new AuditEntry(now, actor, "complaint." + Kebab(trigger), "complaint", Id(complaint.Record),
            $"{from} -> {complaint.State}{(last.Reason is null ? string.Empty : ": " + last.Reason)}"), cancellationToken);
        CareLog.ComplaintTransitioned(logger, id, trigger, from, complaint.State, actor.UserId);
        return complaint;
    }

    private static async Task<ComplaintRecord> LoadAsync(CareDb context, long id, bool tracking, CancellationToken cancellationToken)
    {
        var query = context.Complaints
            .Include(c => c.Transitions.OrderBy(t => t.Id))
            .Include(c => c.Plans.OrderBy(p => p.Number))
            .Include(c => c.ProgressUpdates.OrderBy(p => p.Id))
            .Include(c => c.Revisits.OrderBy(r => r.Id))
            .AsSplitQuery();
        var record = await (tracking ? query : query.AsNoTracking()).FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        return record ?? throw new CareNotFoundException($"No complaint {id}.");
    }

    /// <summary><c>RecordRevisit</c> -> <c>record-revisit</c>.</summary>
    internal static string Kebab(ComplaintTrigger trigger) =>
        string.Concat(trigger.ToString().Select((ch, i) => char.IsUpper(ch) && i > 0 ? "-" + char.ToLowerInvariant(ch) : char.ToLowerInvariant(ch).ToString()));

    private static string Id(ComplaintRecord r) => r.Id.ToString(CultureInfo.InvariantCulture);
}
