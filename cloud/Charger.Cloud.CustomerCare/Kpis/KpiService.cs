using System.Globalization;
using Charger.Cloud.Core;
using Charger.Cloud.AfterSales;
using Charger.Cloud.CustomerCare.Complaints;
using Charger.Cloud.CustomerCare.Data;
using Charger.Cloud.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Charger.Cloud.CustomerCare.Kpis;

/// <summary>
/// Gathers the facts of a period (work orders and downtimes from <see cref="IFieldServiceFacts"/>, complaints and surveys from
/// <see cref="CareDb"/>, the fleet's chargers and models from <see cref="IEventStore"/>) and hands them to <see cref="KpiCalculator"/>.
/// </summary>
public sealed class KpiService(IDomainDbFactory<CareDb> db, IFieldServiceFacts facts, IEventStore store, IOptions<CareOptions> options, ILogger<KpiService> logger)
{
    /// <summary>The KPIs of [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public async Task<KpiReport> ComputeAsync(DateTimeOffset from, DateTimeOffset to, KpiGroupBy groupBy, CancellationToken cancellationToken)
    {
        var workOrders = await facts.GetWorkOrdersAsync(from, to, cancellationToken);
        var downtimes = await facts.GetDowntimesAsync(from, to, cancellationToken);
        var chargers = (await store.ListChargersAsync(cancellationToken)).Select(c => new ChargerFact(c.ChargerId, c.Model)).ToList();
        var modelOf = chargers.ToDictionary(c => c.ChargerId, c => c.Model, StringComparer.Ordinal);
        var byId = workOrders.ToDictionary(w => w.WorkOrderId, StringComparer.Ordinal);

        List<ComplaintRecord> complaints;
        List<SurveyRecord> surveys;
        await using (var context = db.Create())
        {
            complaints = await context.Complaints.AsNoTracking().Where(c => c.ReceivedAt >= from && c.ReceivedAt < to).ToListAsync(cancellationToken);
            surveys = await context.Surveys.AsNoTracking().Where(s => s.At >= from && s.At < to).ToListAsync(cancellationToken);
            // Complaints surveyed in the period but received before it still give their survey a team, engineer and model.
            var missing = surveys.Where(s => s.Subject == SurveySubject.Complaint)
                .Select(s => long.TryParse(s.SubjectId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : -1)
                .Where(id => id > 0 && complaints.All(c => c.Id != id))
                .ToList();
            if (missing.Count > 0)
            {
                complaints.AddRange(await context.Complaints.AsNoTracking().Where(c => missing.Contains(c.Id)).ToListAsync(cancellationToken));
            }
        }

        var complaintFacts = new Dictionary<long, ComplaintFact>();
        foreach (var c in complaints)
        {
            WorkOrderFact? wo = null;
            if (c.WorkOrderId is { } woId && !byId.TryGetValue(woId, out wo))
            {
                wo = await facts.FindWorkOrderAsync(woId, cancellationToken);
            }

            var model = c.ChargerId is { } chargerId && modelOf.TryGetValue(chargerId, out var m) ? m : wo?.ChargerModel;
            complaintFacts[c.Id] = new ComplaintFact(
                c.Id.ToString(CultureInfo.InvariantCulture), c.ReceivedAt, c.State == ComplaintState.Closed ? c.ClosedAt : null, wo?.Team, wo?.EngineerId, model);
        }

        var surveyFacts = surveys.Select(s =>
        {
            if (s.Subject == SurveySubject.Complaint
                && long.TryParse(s.SubjectId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                && complaintFacts.TryGetValue(id, out var cf))
            {
                return new SurveyFact("complaint", s.SubjectId, s.Score, s.At, cf.Team, cf.EngineerId, cf.ChargerModel);
            }

            return new SurveyFact(s.Subject == SurveySubject.WorkOrder ? "work-order" : "complaint", s.SubjectId, s.Score, s.At, s.Team, s.EngineerId, s.ChargerModel);
        }).ToList();

        var received = complaintFacts.Values.Where(c => c.ReceivedAt >= from && c.ReceivedAt < to).ToList();
        var report = KpiCalculator.Compute(
            new KpiInput(from, to, workOrders, downtimes, received, surveyFacts, chargers, options.Value.SatisfiedSurveyScore), groupBy);
        CareLog.KpisComputed(logger, from, to, groupBy, workOrders.Count, received.Count, surveyFacts.Count, downtimes.Count);
        return report;
    }
}
