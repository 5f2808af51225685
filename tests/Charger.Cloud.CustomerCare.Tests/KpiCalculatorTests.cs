using Charger.Cloud.AfterSales;
using Charger.Cloud.CustomerCare.Kpis;

namespace Charger.Cloud.CustomerCare.Tests;

/// <summary>
/// The KPIs of a hand-made fixture, every expected value worked out by hand below.
/// Period: [2025-03-01 00:00, 2025-03-11 00:00) = 10 days = 240 h.
/// Fleet: model A = CP-A1, CP-A2 (2 chargers); model B = CP-B1 (1 charger). Teams North and South; engineers e1, e2, e3.
/// </summary>
public sealed class KpiCalculatorTests
{
    private const double Tolerance = 1e-9;
    private static readonly DateTimeOffset From = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = new(2025, 3, 11, 0, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset At(int day, int hour, int minute = 0) => new(2025, day < 20 ? 3 : 2, day, hour, minute, 0, TimeSpan.Zero);

    private static DateTimeOffset Feb(int day, int hour) => new(2025, 2, day, hour, 0, 0, TimeSpan.Zero);

    // Work orders                      kind          charger model team    eng   created        assigned (response)     resolved (repair time)     SLA    FTF
    // WO-1 repair  CP-A1 A North e1   03-01 08:00   03-01 09:00 (60 min)   03-01 14:00 (6 h)          yes    no (WO-2 is a repeat visit)
    // WO-2 repair  CP-A1 A North e2   03-03 10:00   03-03 10:30 (30 min)   03-04 10:00 (24 h)         no     yes
    // WO-3 repair  CP-B1 B South e3   03-05 00:00   03-05 02:00 (120 min)  03-05 12:00 (12 h)         yes    yes   (paused for parts: the SLA clock
    //                                                                                                              excludes the pause, so "yes" though 12 h)
    // WO-4 maint.  CP-A2 A South e3   03-06 00:00   03-06 00:45 (45 min)   03-06 03:00 (not a repair) -      -
    // WO-5 repair  CP-B1 B North e1   02-27 00:00   02-27 01:00 (before)   03-02 00:00 (72 h)         no     yes
    // WO-6 repair  CP-A2 A South e2   03-07 00:00   03-07 01:00            cancelled: in no KPI
    // WO-7 repair  CP-A2 A South e2   03-10 20:00   03-10 21:00 (60 min)   open
    private static readonly WorkOrderFact[] WorkOrders =
    [
        new("WO-1", "repair", "CP-A1", "A", "North", "e1", At(1, 8), At(1, 9), At(1, 14), At(2, 0), false, true, false),
        new("WO-2", "repair", "CP-A1", "A", "North", "e2", At(3, 10), At(3, 10, 30), At(4, 10), At(4, 12), false, false, true),
        new("WO-3", "repair", "CP-B1", "B", "South", "e3", At(5, 0), At(5, 2), At(5, 12), At(6, 0), false, true, true),
        new("WO-4", "maintenance", "CP-A2", "A", "South", "e3", At(6, 0), At(6, 0, 45), At(6, 3), At(6, 4), false, true, true),
        new("WO-5", "repair", "CP-B1", "B", "North", "e1", Feb(27, 0), Feb(27, 1), At(2, 0), At(2, 6), false, false, true),
        new("WO-6", "repair", "CP-A2", "A", "South", "e2", At(7, 0), At(7, 1), null, null, true, null, null),
        new("WO-7", "repair", "CP-A2", "A", "South", "e2", At(10, 20), At(10, 21), null, null, false, null, null),
    ];

    // Complaints: C0 received before the period (not in the cohort); C1 closed satisfied in the period; C2 not closed;
    // C3 closed after the period's end (not counted as handled in this period).
    private static readonly ComplaintFact[] Complaints =
    [
        new("C0", Feb(20, 0), At(3, 0), "North", "e1", "A"),
        new("C1", At(2, 0), At(8, 0), "North", "e1", "A"),       // about WO-1
        new("C2", At(4, 0), null, null, null, "B"),              // about CP-B1, no work order
        new("C3", At(9, 0), new DateTimeOffset(2025, 3, 12, 0, 0, 0, TimeSpan.Zero), "South", "e3", "B"), // about WO-3
    ];

    // Surveys: S6 is after the period.
    private static readonly SurveyFact[] Surveys =
    [
        new("work-order", "WO-1", 5, At(2, 0), "North", "e1", "A"),
        new("work-order", "WO-3", 3, At(6, 0), "South", "e3", "B"),
        new("work-order", "WO-5", 4, At(3, 0), "North", "e1", "B"),
        new("complaint", "C1", 4, At(7, 0), "North", "e1", "A"),
        new("complaint", "C2", 2, At(6, 0), null, null, "B"),
        new("work-order", "WO-2", 1, new DateTimeOffset(2025, 3, 11, 1, 0, 0, TimeSpan.Zero), "North", "e2", "A"),
    ];

    // Downtimes:
    // D1 CP-A1 02-28 00:00 -> 03-01 12:00  crosses the start: 12 h inside, no failure in the period (it started before)
    // D2 CP-A1 03-03 06:00 -> 03-04 06:00  24 h, a failure
    // D3 CP-A1 03-03 12:00 -> 03-03 18:00  inside D2 (a second fault during the same outage): merged, adds nothing
    // D4 CP-B1 03-05 00:00 -> 03-05 12:00  12 h, a failure
    // D5 CP-B1 03-10 12:00 -> still down   crosses the end: 12 h inside, a failure
    // D6 CP-A2 03-12 00:00 -> 03-12 02:00  after the period: nothing
    private static readonly DowntimeFact[] Downtimes =
    [
        new("CP-A1", "A", Feb(28, 0), At(1, 12), "GroundFailure"),
        new("CP-A1", "A", At(3, 6), At(4, 6), "HighTemperature"),
        new("CP-A1", "A", At(3, 12), At(3, 18), "OverCurrentFailure"),
        new("CP-B1", "B", At(5, 0), At(5, 12), "PowerSwitchFailure"),
        new("CP-B1", "B", At(10, 12), null, "GroundFailure"),
        new("CP-A2", "A", new DateTimeOffset(2025, 3, 12, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 3, 12, 2, 0, 0, TimeSpan.Zero), "EmergencyStop"),
    ];

    private static readonly ChargerFact[] Chargers = [new("CP-A1", "A"), new("CP-A2", "A"), new("CP-B1", "B")];

    private static KpiInput Input() => new(From, To, WorkOrders, Downtimes, Complaints, Surveys, Chargers);

    [Fact]
    public void Fleet_KPIs_match_the_hand_worked_values()
    {
        var fleet = KpiCalculator.Compute(Input(), KpiGroupBy.None).Fleet;

        // Satisfaction: S1..S5 in the period: 5, 3, 4, 4, 2 -> mean 18 / 5 = 3.6; scores >= 4: 5, 4, 4 -> 3 / 5 = 0.6.
        Assert.Equal(5, fleet.Surveys);
        Assert.Equal(3.6, fleet.MeanSatisfaction!.Value, Tolerance);
        Assert.Equal(0.6, fleet.SatisfiedShare!.Value, Tolerance);

        // Repairs resolved in the period: WO-1, WO-2, WO-3, WO-5 (WO-4 is maintenance, WO-6 cancelled, WO-7 open) = 4.
        // Within SLA: WO-1, WO-3 -> 2 / 4 = 0.5. First-time fix: WO-2, WO-3, WO-5 (WO-1 had a repeat visit) -> 3 / 4 = 0.75.
        Assert.Equal((4, 4, 2), (fleet.RepairsResolved, fleet.RepairsSlaKnown, fleet.RepairsWithinSla));
        Assert.Equal(0.5, fleet.RepairTimelinessRate!.Value, Tolerance);
        Assert.Equal((4, 3), (fleet.RepairsFixKnown, fleet.RepairsFixedFirstTime));
        Assert.Equal(0.75, fleet.FirstTimeFixRate!.Value, Tolerance);

        // MTTR: (6 + 24 + 12 + 72) / 4 = 114 / 4 = 28.5 h.
        Assert.Equal(28.5, fleet.MttrHours!.Value, Tolerance);

        // Response: first assigned in the period, not cancelled: WO-1 60, WO-2 30, WO-3 120, WO-4 45, WO-7 60 min
        // (WO-5 was assigned before the period, WO-6 is cancelled) -> 315 / 5 = 63 min.
        Assert.Equal(5, fleet.Responses);
        Assert.Equal(63, fleet.MeanResponseMinutes!.Value, Tolerance);

        // Complaints received in the period: C1, C2, C3 = 3; closed satisfied before its end: C1 -> 1 / 3.
        Assert.Equal((3, 1), (fleet.ComplaintsReceived, fleet.ComplaintsClosedSatisfied));
        Assert.Equal(1.0 / 3, fleet.ComplaintHandlingRate!.Value, Tolerance);

        // Fleet: 3 chargers x 240 h = 720 h. Downtime 12 (D1) + 24 (D2, D3 merged) + 12 (D4) + 12 (D5) = 60 h.
        // Failures starting in the period: D2, D4, D5 = 3. MTBF = (720 - 60) / 3 = 220 h. Availability = 1 - 60 / 720.
        Assert.Equal((3, 3), (fleet.Chargers, fleet.Failures));
        Assert.Equal(60, fleet.DowntimeHours!.Value, Tolerance);
        Assert.Equal(220, fleet.MtbfHours!.Value, Tolerance);
        Assert.Equal(1 - (60.0 / 720), fleet.Availability!.Value, Tolerance);
    }

    [Fact]
    public void Per_model_KPIs_match_the_hand_worked_values_including_MTBF_and_availability()
    {
        var report = KpiCalculator.Compute(Input(), KpiGroupBy.Model);
        Assert.Equal(["A", "B"], report.Groups.Select(g => g.Key));
        var a = report.Groups[0].Figures;
        var b = report.Groups[1].Figures;

        // Model A: 2 chargers x 240 h = 480 h; downtime 12 (D1) + 24 (D2+D3) = 36 h; failures 1 (D2).
        // MTBF = (480 - 36) / 1 = 444 h; availability = 1 - 36 / 480 = 0.925.
        Assert.Equal((2, 1), (a.Chargers, a.Failures));
        Assert.Equal(36, a.DowntimeHours!.Value, Tolerance);
        Assert.Equal(444, a.MtbfHours!.Value, Tolerance);
        Assert.Equal(0.925, a.Availability!.Value, Tolerance);
        // Repairs: WO-1 (SLA yes, FTF no, 6 h), WO-2 (SLA no, FTF yes, 24 h) -> 0.5, 0.5, MTTR 15 h.
        // Response: WO-1 60, WO-2 30, WO-4 45, WO-7 60 -> 195 / 4 = 48.75 min.
        Assert.Equal(0.5, a.RepairTimelinessRate!.Value, Tolerance);
        Assert.Equal(0.5, a.FirstTimeFixRate!.Value, Tolerance);
        Assert.Equal(15, a.MttrHours!.Value, Tolerance);
        Assert.Equal(48.75, a.MeanResponseMinutes!.Value, Tolerance);
        // Complaints: C1 closed -> 1 / 1. Surveys: S1 5, S4 4 -> 4.5, share 1.
        Assert.Equal(1.0, a.ComplaintHandlingRate!.Value, Tolerance);
        Assert.Equal(4.5, a.MeanSatisfaction!.Value, Tolerance);
        Assert.Equal(1.0, a.SatisfiedShare!.Value, Tolerance);

        // Model B: 1 charger x 240 h; downtime 12 (D4) + 12 (D5) = 24 h; failures 2.
        // MTBF = (240 - 24) / 2 = 108 h; availability = 1 - 24 / 240 = 0.9.
        Assert.Equal((1, 2), (b.Chargers, b.Failures));
        Assert.Equal(24, b.DowntimeHours!.Value, Tolerance);
        Assert.Equal(108, b.MtbfHours!.Value, Tolerance);
        Assert.Equal(0.9, b.Availability!.Value, Tolerance);
        // Repairs: WO-3 (SLA yes, 12 h), WO-5 (SLA no, 72 h), both fixed first time -> 0.5, 1.0, MTTR 42 h. Response: WO-3 120 min.
        Assert.Equal(0.5, b.RepairTimelinessRate!.Value, Tolerance);
        Assert.Equal(1.0, b.FirstTimeFixRate!.Value, Tolerance);
        Assert.Equal(42, b.MttrHours!.Value, Tolerance);
        Assert.Equal(120, b.MeanResponseMinutes!.Value, Tolerance);
        // Complaints: C2 open, C3 closed after the period -> 0 / 2 = 0 (a real zero, not "no data").
        Assert.Equal(0.0, b.ComplaintHandlingRate!.Value, Tolerance);
        // Surveys: S2 3, S3 4, S5 2 -> 9 / 3 = 3; share 1 / 3.
        Assert.Equal(3.0, b.MeanSatisfaction!.Value, Tolerance);
        Assert.Equal(1.0 / 3, b.SatisfiedShare!.Value, Tolerance);
    }

    [Fact]
    public void Per_team_KPIs_match_the_hand_worked_values_and_leave_charger_figures_out()
    {
        var report = KpiCalculator.Compute(Input(), KpiGroupBy.Team);
        Assert.Equal(["North", "South", null], report.Groups.Select(g => g.Key));
        var north = report.Groups[0].Figures;
        var south = report.Groups[1].Figures;
        var none = report.Groups[2].Figures;

        // North: repairs WO-1 (SLA yes, FTF no, 6 h), WO-2 (no, yes, 24 h), WO-5 (no, yes, 72 h):
        // timeliness 1 / 3, FTF 2 / 3, MTTR 102 / 3 = 34 h; response WO-1 60, WO-2 30 -> 45 min.
        Assert.Equal(1.0 / 3, north.RepairTimelinessRate!.Value, Tolerance);
        Assert.Equal(2.0 / 3, north.FirstTimeFixRate!.Value, Tolerance);
        Assert.Equal(34, north.MttrHours!.Value, Tolerance);
        Assert.Equal(45, north.MeanResponseMinutes!.Value, Tolerance);
        // C1 -> 1 / 1; surveys S1 5, S3 4, S4 4 -> 13 / 3, share 3 / 3.
        Assert.Equal(1.0, north.ComplaintHandlingRate!.Value, Tolerance);
        Assert.Equal(13.0 / 3, north.MeanSatisfaction!.Value, Tolerance);
        Assert.Equal(1.0, north.SatisfiedShare!.Value, Tolerance);
        Assert.Null(north.Availability);
        Assert.Null(north.MtbfHours);
        Assert.Null(north.Chargers);

        // South: repair WO-3 -> 1.0, 1.0, 12 h; response WO-3 120, WO-4 45, WO-7 60 -> 225 / 3 = 75 min;
        // C3 not closed in the period -> 0 / 1; survey S2 3 -> 3, share 0.
        Assert.Equal(1.0, south.RepairTimelinessRate!.Value, Tolerance);
        Assert.Equal(12, south.MttrHours!.Value, Tolerance);
        Assert.Equal(75, south.MeanResponseMinutes!.Value, Tolerance);
        Assert.Equal(0.0, south.ComplaintHandlingRate!.Value, Tolerance);
        Assert.Equal(0.0, south.SatisfiedShare!.Value, Tolerance);

        // No team: C2 (about a charger, no work order) and its survey S5 (2); no work orders -> repair figures null.
        Assert.Equal(2.0, none.MeanSatisfaction!.Value, Tolerance);
        Assert.Equal(0.0, none.ComplaintHandlingRate!.Value, Tolerance);
        Assert.Null(none.RepairTimelinessRate);
        Assert.Null(none.FirstTimeFixRate);
        Assert.Null(none.MttrHours);
        Assert.Null(none.MeanResponseMinutes);
    }

    [Fact]
    public void Per_engineer_KPIs_match_the_hand_worked_values()
    {
        var report = KpiCalculator.Compute(Input(), KpiGroupBy.Engineer);
        Assert.Equal(["e1", "e2", "e3", null], report.Groups.Select(g => g.Key));
        var e1 = report.Groups[0].Figures;
        var e2 = report.Groups[1].Figures;
        var e3 = report.Groups[2].Figures;

        // e1: WO-1 (SLA yes, FTF no, 6 h, 60 min), WO-5 (no, yes, 72 h, assigned before) -> 0.5, 0.5, 39 h, 60 min.
        Assert.Equal(0.5, e1.RepairTimelinessRate!.Value, Tolerance);
        Assert.Equal(0.5, e1.FirstTimeFixRate!.Value, Tolerance);
        Assert.Equal(39, e1.MttrHours!.Value, Tolerance);
        Assert.Equal(60, e1.MeanResponseMinutes!.Value, Tolerance);
        // e2: WO-2 (no, yes, 24 h, 30 min), WO-7 (60 min), WO-6 cancelled -> 0.0, 1.0, 24 h, 45 min; no complaint, no survey in the period.
        Assert.Equal(0.0, e2.RepairTimelinessRate!.Value, Tolerance);
        Assert.Equal(1.0, e2.FirstTimeFixRate!.Value, Tolerance);
        Assert.Equal(24, e2.MttrHours!.Value, Tolerance);
        Assert.Equal(45, e2.MeanResponseMinutes!.Value, Tolerance);
        Assert.Null(e2.ComplaintHandlingRate);
        Assert.Null(e2.MeanSatisfaction);
        Assert.Equal(0, e2.Surveys);
        // e3: WO-3 (120 min), WO-4 (45 min) -> 82.5 min.
        Assert.Equal(82.5, e3.MeanResponseMinutes!.Value, Tolerance);
    }

    [Fact]
    public void No_data_gives_null_figures_not_zero()
    {
        var empty = KpiCalculator.Compute(new KpiInput(From, To, [], [], [], [], []), KpiGroupBy.None).Fleet;
        Assert.Equal((0, 0, 0, 0), (empty.Surveys, empty.RepairsResolved, empty.ComplaintsReceived, empty.Responses));
        Assert.Null(empty.MeanSatisfaction);
        Assert.Null(empty.SatisfiedShare);
        Assert.Null(empty.RepairTimelinessRate);
        Assert.Null(empty.FirstTimeFixRate);
        Assert.Null(empty.ComplaintHandlingRate);
        Assert.Null(empty.MeanResponseMinutes);
        Assert.Null(empty.MttrHours);
        Assert.Null(empty.MtbfHours);
        Assert.Null(empty.Availability);
        Assert.Equal(0, empty.Chargers);

        // Chargers that never failed: available all the time, MTBF undefined (no failure to divide by).
        var healthy = KpiCalculator.Compute(new KpiInput(From, To, [], [], [], [], Chargers), KpiGroupBy.None).Fleet;
        Assert.Equal(1.0, healthy.Availability!.Value, Tolerance);
        Assert.Null(healthy.MtbfHours);
        Assert.Equal(0, healthy.Failures);
    }

    [Fact]
    public void An_empty_or_inverted_period_is_refused() =>
        Assert.Throws<ArgumentException>(() => KpiCalculator.Compute(new KpiInput(To, From, [], [], [], [], []), KpiGroupBy.None));
}
