using Charger.Cloud.AfterSales;

namespace Charger.Cloud.CustomerCare.Kpis;

/// <summary>How the KPIs are grouped besides the fleet total.</summary>
public enum KpiGroupBy
{
    None,
    Team,
    Engineer,
    Model,
}

/// <summary>A complaint as the KPIs see it; a complaint is closed only when its customer was satisfied, so closed = closed satisfied.</summary>
/// <param name="Team">The team of its related work order, when there is one.</param>
/// <param name="EngineerId">The engineer of its related work order.</param>
/// <param name="ChargerModel">The model of its related charger (or the work order's).</param>
public sealed record ComplaintFact(string ComplaintId, DateTimeOffset ReceivedAt, DateTimeOffset? ClosedAt, string? Team, string? EngineerId, string? ChargerModel);

/// <summary>A satisfaction survey (score 1-5) with the dimensions of its subject.</summary>
public sealed record SurveyFact(string Subject, string SubjectId, int Score, DateTimeOffset At, string? Team, string? EngineerId, string? ChargerModel);

/// <summary>A charger of the fleet and its model (null when it has not reported one).</summary>
public sealed record ChargerFact(string ChargerId, string? Model);

/// <summary>Everything the KPIs of one period are computed from.</summary>
/// <param name="From">Start of the period (inclusive).</param>
/// <param name="To">End of the period (exclusive).</param>
/// <param name="SatisfiedScore">A survey score at or above this counts as satisfied.</param>
public sealed record KpiInput(
    DateTimeOffset From,
    DateTimeOffset To,
    IReadOnlyList<WorkOrderFact> WorkOrders,
    IReadOnlyList<DowntimeFact> Downtimes,
    IReadOnlyList<ComplaintFact> Complaints,
    IReadOnlyList<SurveyFact> Surveys,
    IReadOnlyList<ChargerFact> Chargers,
    int SatisfiedScore = 4);

/// <summary>
/// The KPIs of one group (or the fleet). Counts are the denominators and numerators the rates come from; a figure whose
/// denominator is zero is null (no data), never 0. The charger figures (MTBF, availability) exist for the fleet and per
/// model only; they are null in team and engineer groups.
/// </summary>
public sealed record KpiFigures(
    int Surveys,
    double? MeanSatisfaction,
    int SatisfiedSurveys,
    double? SatisfiedShare,
    int RepairsResolved,
    int RepairsSlaKnown,
    int RepairsWithinSla,
    double? RepairTimelinessRate,
    int RepairsFixKnown,
    int RepairsFixedFirstTime,
    double? FirstTimeFixRate,
    int ComplaintsReceived,
    int ComplaintsClosedSatisfied,
    double? ComplaintHandlingRate,
    int Responses,
    double? MeanResponseMinutes,
    double? MttrHours,
    int? Chargers,
    int? Failures,
    double? DowntimeHours,
    double? MtbfHours,
    double? Availability);

/// <summary>The KPIs of one group: <see cref="Key"/> is the team, engineer or model (null: none recorded).</summary>
public sealed record KpiGroup(string? Key, KpiFigures Figures);

/// <summary>The KPIs of a period: the fleet total and, when grouped, one entry per group.</summary>
public sealed record KpiReport(DateTimeOffset From, DateTimeOffset To, KpiGroupBy GroupBy, KpiFigures Fleet, IReadOnlyList<KpiGroup> Groups);

/// <summary>
/// Computes the KPIs from facts: no database, no clock, the same facts give the same figures. The formulas (and the
/// README's) are:
/// <list type="bullet">
/// <item>satisfaction: surveys recorded in [from, to): mean score, and the share with score &gt;= the satisfied score;</item>
/// <item>repair timeliness: repair work orders (not cancelled) first resolved in the period: resolved within SLA / resolved (those whose SLA outcome is known);</item>
/// <item>first-time fix: the same repairs: fixed first time / those whose outcome is known;</item>
/// <item>complaint handling: complaints received in the period: closed (customer satisfied) before <c>to</c> / received;</item>
/// <item>response time: work orders (not cancelled) first assigned in the period: mean of assigned - created, in minutes;</item>
/// <item>MTTR: repair work orders resolved in the period: mean of resolved - created, in hours;</item>
/// <item>MTBF and availability per model: downtimes of a charger merged where they overlap, clipped to the period;
/// failures = merged downtimes starting in the period; MTBF = (chargers x period - downtime) / failures;
/// availability = 1 - downtime / (chargers x period).</item>
/// </list>
/// </summary>
public static class KpiCalculator
{
    /// <summary>The work-order kind the repair KPIs count.</summary>
    public const string RepairKind = "repair";

    public static KpiReport Compute(KpiInput input, KpiGroupBy groupBy)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.To <= input.From)
        {
            throw new ArgumentException("The period must end after it starts.", nameof(input));
        }

        var modelOf = input.Chargers
            .GroupBy(c => c.ChargerId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Model, StringComparer.Ordinal);
        foreach (var d in input.Downtimes)
        {
            // A charger with a downtime is part of the fleet even when the charger list has not got it.
            if (!modelOf.TryGetValue(d.ChargerId, out var known) || (known is null && d.ChargerModel is not null))
            {
                modelOf[d.ChargerId] = known ?? d.ChargerModel;
            }
        }

        var downtimes = input.Downtimes.Where(d => d.From < input.To && (d.To is null || d.To > input.From)).ToList();
        var fleet = Figures(input, input.WorkOrders, input.Complaints, input.Surveys, Charged(input, modelOf.Keys, downtimes));
        if (groupBy == KpiGroupBy.None)
        {
            return new KpiReport(input.From, input.To, groupBy, fleet, []);
        }

        Func<WorkOrderFact, string?> woKey = groupBy switch
        {
            KpiGroupBy.Team => w => w.Team,
            KpiGroupBy.Engineer => w => w.EngineerId,
            _ => w => w.ChargerModel,
        };
        Func<ComplaintFact, string?> complaintKey = groupBy switch
        {
            KpiGroupBy.Team => c => c.Team,
            KpiGroupBy.Engineer => c => c.EngineerId,
            _ => c => c.ChargerModel,
        };
        Func<SurveyFact, string?> surveyKey = groupBy switch
        {
            KpiGroupBy.Team => s => s.Team,
            KpiGroupBy.Engineer => s => s.EngineerId,
            _ => s => s.ChargerModel,
        };

        var keys = new HashSet<string?>();
        keys.UnionWith(input.WorkOrders.Where(w => Counts(input, w)).Select(woKey));
        keys.UnionWith(input.Complaints.Where(c => In(input, c.ReceivedAt)).Select(complaintKey));
        keys.UnionWith(input.Surveys.Where(s => In(input, s.At)).Select(surveyKey));
        if (groupBy == KpiGroupBy.Model)
        {
            keys.UnionWith(modelOf.Values);
        }

        var groups = keys
            .OrderBy(k => k is null)
            .ThenBy(k => k, StringComparer.Ordinal)
            .Select(key => new KpiGroup(key, Figures(
                input,
                input.WorkOrders.Where(w => woKey(w) == key).ToList(),
                input.Complaints.Where(c => complaintKey(c) == key).ToList(),
                input.Surveys.Where(s => surveyKey(s) == key).ToList(),
                groupBy == KpiGroupBy.Model
                    ? Charged(input, modelOf.Where(m => m.Value == key).Select(m => m.Key), downtimes)
                    : null)))
            .ToList();
        return new KpiReport(input.From, input.To, groupBy, fleet, groups);
    }

    private static bool In(KpiInput input, DateTimeOffset at) => at >= input.From && at < input.To;

    private static bool In(KpiInput input, DateTimeOffset? at) => at is { } t && In(input, t);

    // A work order appears in some KPI of the period: first assigned or (repairs) resolved in it.
    private static bool Counts(KpiInput input, WorkOrderFact w) =>
        !w.Cancelled && (In(input, w.RespondedAt) || (IsRepair(w) && In(input, w.ResolvedAt)));

    private static bool IsRepair(WorkOrderFact w) => string.Equals(w.Kind, RepairKind, StringComparison.OrdinalIgnoreCase);

    private static KpiFigures Figures(
        KpiInput input, IReadOnlyList<WorkOrderFact> workOrders, IReadOnlyList<ComplaintFact> complaints, IReadOnlyList<SurveyFact> surveys, ChargerFigures? chargers)
    {
        var scores = surveys.Where(s => In(input, s.At)).Select(s => s.Score).ToList();
        var satisfied = scores.Count(s => s >= input.SatisfiedScore);

        var repairs = workOrders.Where(w => !w.Cancelled && IsRepair(w) && In(input, w.ResolvedAt)).ToList();
        var slaKnown = repairs.Where(w => w.ResolvedWithinSla is not null).ToList();
        var withinSla = slaKnown.Count(w => w.ResolvedWithinSla == true);
        var fixKnown = repairs.Where(w => w.FixedFirstTime is not null).ToList();
        var fixedFirst = fixKnown.Count(w => w.FixedFirstTime == true);

        var received = complaints.Where(c => In(input, c.ReceivedAt)).ToList();
        var closedSatisfied = received.Count(c => c.ClosedAt is { } closed && closed < input.To);

        var responses = workOrders.Where(w => !w.Cancelled && In(input, w.RespondedAt)).Select(w => (w.RespondedAt!.Value - w.CreatedAt).TotalMinutes).ToList();
        var repairHours = repairs.Select(w => (w.ResolvedAt!.Value - w.CreatedAt).TotalHours).ToList();

        return new KpiFigures(
            scores.Count,
            scores.Count == 0 ? null : scores.Average(),
            satisfied,
            Rate(satisfied, scores.Count),
            repairs.Count,
            slaKnown.Count,
            withinSla,
            Rate(withinSla, slaKnown.Count),
            fixKnown.Count,
            fixedFirst,
            Rate(fixedFirst, fixKnown.Count),
            received.Count,
            closedSatisfied,
            Rate(closedSatisfied, received.Count),
            responses.Count,
            responses.Count == 0 ? null : responses.Average(),
            repairHours.Count == 0 ? null : repairHours.Average(),
            chargers?.Chargers,
            chargers?.Failures,
            chargers?.DowntimeHours,
            chargers?.MtbfHours,
            chargers?.Availability);
    }

    private static double? Rate(int numerator, int denominator) => denominator == 0 ? null : (double)numerator / denominator;

    private sealed record ChargerFigures(int Chargers, int Failures, double DowntimeHours, double? MtbfHours, double? Availability);

    private static ChargerFigures Charged(KpiInput input, IEnumerable<string> chargerIds, IReadOnlyList<DowntimeFact> downtimes)
    {
        var ids = chargerIds.ToHashSet(StringComparer.Ordinal);
        var periodHours = (input.To - input.From).TotalHours;
        var failures = 0;
        var downHours = 0.0;
        foreach (var perCharger in downtimes.Where(d => ids.Contains(d.ChargerId)).GroupBy(d => d.ChargerId, StringComparer.Ordinal))
        {
            // Two blocking faults at once are one outage: merge overlapping (or touching) downtimes before counting.
            DateTimeOffset? start = null;
            var end = DateTimeOffset.MinValue;
            foreach (var d in perCharger.OrderBy(d => d.From))
            {
                var dEnd = d.To ?? DateTimeOffset.MaxValue;
                if (start is not null && d.From <= end)
                {
                    end = dEnd > end ? dEnd : end;
                    continue;
                }

                if (start is { } s)
                {
                    Add(s, end);
                }

                start = d.From;
                end = dEnd;
            }

            if (start is { } last)
            {
                Add(last, end);
            }
        }

        var capacity = ids.Count * periodHours;
        return new ChargerFigures(
            ids.Count,
            failures,
            downHours,
            failures == 0 || ids.Count == 0 ? null : (capacity - downHours) / failures,
            ids.Count == 0 ? null : 1 - (downHours / capacity));

        void Add(DateTimeOffset from, DateTimeOffset to)
        {
            if (In(input, from))
            {
                failures++;
            }

            var clippedFrom = from > input.From ? from : input.From;
            var clippedTo = to < input.To ? to : input.To;
            if (clippedTo > clippedFrom)
            {
                downHours += (clippedTo - clippedFrom).TotalHours;
            }
        }
    }
}
