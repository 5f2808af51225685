using System.Globalization;
using Charger.Cloud.AfterSales;
using Charger.Cloud.CustomerCare.Data;
using Charger.Cloud.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Charger.Cloud.CustomerCare.Surveys;

/// <summary>Which surveys a list shows: subject, subject id, recorded in [from, to); null matches any.</summary>
public sealed record SurveyFilter(SurveySubject? Subject = null, string? SubjectId = null, DateTimeOffset? From = null, DateTimeOffset? To = null);

/// <summary>
/// Satisfaction surveys: one per closed work order (checked through <see cref="IFieldServiceFacts.FindWorkOrderAsync"/>) and one
/// per complaint. A complaint's survey is its revisit (written by the complaint workflow), so a survey entered here for a
/// complaint is refused once the revisit has recorded one, and before it (the revisit is where it is taken).
/// </summary>
public sealed class SurveyService(IDomainDbFactory<CareDb> db, IAuditLog auditLog, IFieldServiceFacts facts, TimeProvider clock, ILogger<SurveyService> logger)
{
    /// <summary>Records the survey of a closed work order.</summary>
    public async Task<SurveyRecord> CreateAsync(SurveySubject subject, string subjectId, int? score, string? comment, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var audit = auditLog;
        var now = clock.GetUtcNow();
        Text.Required("subjectId", subjectId, 64);
        if (score is not (>= 1 and <= 5))
        {
            throw new CareValidationException("score", "The satisfaction score is an integer from 1 to 5.");
        }

        comment = Text.Optional("comment", comment, 4000);
        var record = new SurveyRecord
        {
            Subject = subject, SubjectId = subjectId, Score = score.Value, Comment = comment, At = now, RecordedBy = actor.UserId, Source = SurveySource.Survey, Version = 1,
        };
        await using var context = db.Create();
        if (subject == SurveySubject.Complaint)
        {
            if (!long.TryParse(subjectId, NumberStyles.None, CultureInfo.InvariantCulture, out var complaintId)
                || !await context.Complaints.AnyAsync(c => c.Id == complaintId, cancellationToken))
            {
                throw new CareNotFoundException($"No complaint {subjectId}.");
            }

            if (await context.Surveys.AnyAsync(s => s.Subject == subject && s.SubjectId == subjectId, cancellationToken))
            {
                throw new CareConflictException($"Complaint {subjectId} already has its survey (the revisit's score); a complaint has one survey.");
            }

            throw new CareConflictException($"Complaint {subjectId}'s survey is taken at its revisit: record it with POST /api/v1/complaints/{subjectId}/revisit.");
        }

        var workOrder = await facts.FindWorkOrderAsync(subjectId, cancellationToken)
            ?? throw new CareNotFoundException($"No work order '{subjectId}'.");
        if (workOrder.Cancelled || workOrder.ClosedAt is null)
        {
            throw new CareConflictException($"Work order '{subjectId}' is {(workOrder.Cancelled ? "cancelled" : "not closed")}: surveys are taken of closed work orders.");
        }

        if (await context.Surveys.AnyAsync(s => s.Subject == subject && s.SubjectId == subjectId, cancellationToken))
        {
            throw new CareConflictException($"Work order '{subjectId}' already has its survey; a work order has one.");
        }

        record.Team = workOrder.Team;
        record.EngineerId = workOrder.EngineerId;
        record.ChargerModel = workOrder.ChargerModel;
        context.Surveys.Add(record);
        try
        {
            await context.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex is not DbUpdateConcurrencyException)
        {
            // The unique index (subject, subject id): another request recorded it first.
            throw new CareConflictException($"Work order '{subjectId}' already has its survey; a work order has one.");
        }

        await audit.RecordAsync(new AuditEntry(now, actor, "survey.create", "survey", record.Id.ToString(CultureInfo.InvariantCulture), $"work order {subjectId}: score {record.Score}"), cancellationToken);
        CareLog.SurveyRecorded(logger, record.Id, subject, subjectId, record.Score, record.Source, actor.UserId);
        return record;
    }

    /// <summary>
    /// Runs <paramref name="read"/> on the surveys <paramref name="filter"/> selects (unsorted: the list endpoint sorts
    /// and pages them), on a context of its own that ends when it returns.
    /// </summary>
    public async Task<T> QueryAsync<T>(SurveyFilter filter, Func<IQueryable<SurveyRecord>, Task<T>> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(read);
        var (subject, subjectId, from, to) = filter;
        await using var context = db.Create();
        var query = context.Surveys.AsNoTracking();
        if (subject is { } s)
        {
            query = query.Where(x => x.Subject == s);
        }

        if (subjectId is not null)
        {
            query = query.Where(x => x.SubjectId == subjectId);
        }

        if (from is { } f)
        {
            query = query.Where(x => x.At >= f);
        }

        if (to is { } t)
        {
            query = query.Where(x => x.At < t);
        }

        return await read(query);
    }
}
