using Charger.Cloud.AfterSales;
using Charger.Cloud.FieldService.Sla;
using Charger.Cloud.FieldService.WorkOrders;
using Microsoft.Extensions.Time.Testing;

namespace Charger.Cloud.FieldService.Tests;

public sealed class SlaClockTests
{
    private static readonly WorkingHours[] OfficeHours =
    [
        new(DayOfWeek.Monday, new(9, 0), new(18, 0)),
        new(DayOfWeek.Tuesday, new(9, 0), new(18, 0)),
        new(DayOfWeek.Wednesday, new(9, 0), new(18, 0)),
        new(DayOfWeek.Thursday, new(9, 0), new(18, 0)),
        new(DayOfWeek.Friday, new(9, 0), new(18, 0)),
    ];

    // Asia/Shanghai is UTC+8 all year.
    private static readonly WorkingCalendar Shanghai = new("Asia/Shanghai", OfficeHours, [new DateOnly(2025, 10, 1)]);

    private static DateTimeOffset Local(int y, int mo, int d, int h, int mi, int offsetHours) => new(y, mo, d, h, mi, 0, TimeSpan.FromHours(offsetHours));

    [Fact]
    public void Around_the_clock_the_due_time_is_start_plus_target()
    {
        var start = Local(2025, 3, 7, 17, 0, 0);
        Assert.Equal(start.AddHours(4), new SlaClock(null).DueAt(start, TimeSpan.FromHours(4), []));
        Assert.Equal(TimeSpan.FromHours(30), new SlaClock(null).Elapsed(start, start.AddHours(30), []));
    }

    [Fact]
    public void A_closed_pause_moves_the_due_time_by_its_length()
    {
        var start = Local(2025, 3, 7, 8, 0, 0);
        var pause = new ClockPause(start.AddHours(1), start.AddHours(2.5));
        Assert.Equal(start.AddHours(5.5), new SlaClock(null).DueAt(start, TimeSpan.FromHours(4), [pause]));
        Assert.Equal(TimeSpan.FromHours(4), new SlaClock(null).Elapsed(start, start.AddHours(5.5), [pause]));
    }

    [Fact]
    public void An_open_pause_stops_the_clock_and_leaves_no_due_time()
    {
        var start = Local(2025, 3, 7, 8, 0, 0);
        var pause = new ClockPause(start.AddHours(1), null);
        Assert.Null(new SlaClock(null).DueAt(start, TimeSpan.FromHours(4), [pause]));
        Assert.Equal(TimeSpan.FromHours(1), new SlaClock(null).Elapsed(start, start.AddDays(3), [pause]));
    }

    [Fact]
    public void A_target_runs_over_the_weekend_in_working_hours_only()
    {
        // Friday 17:00 local: 1 h on Friday, 3 h on Monday -> Monday 12:00 local.
        var due = new SlaClock(Shanghai).DueAt(Local(2025, 3, 7, 17, 0, 8), TimeSpan.FromHours(4), []);
        Assert.Equal(Local(2025, 3, 10, 12, 0, 8), due);
    }

    [Fact]
    public void A_target_started_on_a_sunday_counts_from_monday_morning()
    {
        var due = new SlaClock(Shanghai).DueAt(Local(2025, 3, 9, 10, 0, 8), TimeSpan.FromHours(1), []);
        Assert.Equal(Local(2025, 3, 10, 10, 0, 8), due);
    }

    [Fact]
    public void A_holiday_has_no_working_time()
    {
        // Tuesday 30 Sep 17:00: 1 h on Tuesday, Wednesday 1 Oct is a holiday, 3 h on Thursday.
        var clock = new SlaClock(Shanghai);
        Assert.Equal(Local(2025, 10, 2, 12, 0, 8), clock.DueAt(Local(2025, 9, 30, 17, 0, 8), TimeSpan.FromHours(4), []));
        Assert.Equal(TimeSpan.FromHours(1), clock.Elapsed(Local(2025, 9, 30, 17, 0, 8), Local(2025, 10, 2, 9, 0, 8), []));
    }

    [Fact]
    public void An_overnight_shift_runs_into_the_next_day()
    {
        var nights = new WorkingCalendar("Asia/Shanghai", [new(DayOfWeek.Monday, new(22, 0), new(6, 0))]);
        var clock = new SlaClock(nights);
        // Monday 21:00: the shift starts at 22:00; 2 h later it is Tuesday 00:00.
        Assert.Equal(Local(2025, 3, 11, 0, 0, 8), clock.DueAt(Local(2025, 3, 10, 21, 0, 8), TimeSpan.FromHours(2), []));
        // From Tuesday 05:00 (inside Monday's shift) 1 h is left of it, the rest waits for next Monday 22:00.
        Assert.Equal(Local(2025, 3, 17, 23, 0, 8), clock.DueAt(Local(2025, 3, 11, 5, 0, 8), TimeSpan.FromHours(2), []));
    }

    [Fact]
    public void Working_time_follows_the_time_zone_across_a_daylight_saving_change()
    {
        var berlin = new WorkingCalendar("Europe/Berlin", OfficeHours);
        // Friday 28 Mar 2025 16:00 CET (+1): 2 h of Friday; Monday 31 Mar is CEST (+2): 1 h more -> 10:00 CEST = 08:00Z.
        var due = new SlaClock(berlin).DueAt(Local(2025, 3, 28, 16, 0, 1), TimeSpan.FromHours(3), []);
        Assert.Equal(new DateTimeOffset(2025, 3, 31, 8, 0, 0, TimeSpan.Zero), due);
    }

    [Fact]
    public void Paused_time_outside_and_inside_working_hours_is_excluded()
    {
        var clock = new SlaClock(Shanghai);
        // Monday 09:00 opened; waiting for parts Monday 10:00 to Tuesday 10:00; at Tuesday 12:00: 1 h + 2 h.
        var pause = new ClockPause(Local(2025, 3, 10, 10, 0, 8), Local(2025, 3, 11, 10, 0, 8));
        Assert.Equal(TimeSpan.FromHours(3), clock.Elapsed(Local(2025, 3, 10, 9, 0, 8), Local(2025, 3, 11, 12, 0, 8), [pause]));
        // 8 h target: 1 h Monday, Tuesday 10:00-17:00 = 7 h -> Tuesday 17:00.
        Assert.Equal(Local(2025, 3, 11, 17, 0, 8), clock.DueAt(Local(2025, 3, 10, 9, 0, 8), TimeSpan.FromHours(8), [pause]));
    }

    [Fact]
    public void A_calendar_without_hours_never_falls_due()
    {
        Assert.Null(new SlaClock(new WorkingCalendar("Asia/Shanghai", [])).DueAt(Local(2025, 3, 10, 9, 0, 8), TimeSpan.FromHours(1), []));
    }

    [Fact]
    public void Breach_pause_and_resume_with_a_fake_clock()
    {
        var clock = new FakeTimeProvider(Local(2025, 3, 10, 8, 0, 0));
        var row = new WorkOrderRow
        {
            State = WorkOrderState.Assigned, Tier = CustomerTier.Standard, CreatedAt = clock.GetUtcNow(), RespondedAt = clock.GetUtcNow().AddMinutes(30),
            ResponseTargetMinutes = 60, ResolutionTargetMinutes = 240,
        };
        clock.Advance(TimeSpan.FromHours(3));
        Assert.False(SlaPolicies.Evaluate(row, clock.GetUtcNow()).ResolutionBreached);
        Assert.Equal(row.CreatedAt.AddHours(4), SlaPolicies.Evaluate(row, clock.GetUtcNow()).ResolutionDueAt);

        // Waiting for parts for 2 h: the clock stands still, no due time, no breach.
        row.Pauses.Add(new WorkOrderPauseRow { Waiting = WorkOrderState.WaitingForParts, From = clock.GetUtcNow() });
        clock.Advance(TimeSpan.FromHours(2));
        var paused = SlaPolicies.Evaluate(row, clock.GetUtcNow());
        Assert.True(paused.Paused);
        Assert.Null(paused.ResolutionDueAt);
        Assert.False(paused.ResolutionBreached);
        Assert.Equal(TimeSpan.FromHours(3), paused.ResolutionElapsed);

        // Resumed: due 2 h later than without the pause; breached only after it.
        row.Pauses[0].To = clock.GetUtcNow();
        Assert.Equal(row.CreatedAt.AddHours(6), SlaPolicies.Evaluate(row, clock.GetUtcNow()).ResolutionDueAt);
        clock.Advance(TimeSpan.FromMinutes(59));
        Assert.False(SlaPolicies.Evaluate(row, clock.GetUtcNow()).ResolutionBreached);
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.True(SlaPolicies.Evaluate(row, clock.GetUtcNow()).ResolutionBreached);
        Assert.False(SlaPolicies.Evaluate(row, clock.GetUtcNow()).ResponseBreached);
    }

    [Fact]
    public void An_unassigned_order_breaches_its_response_target_in_working_time()
    {
        // Opened Friday 17:30 Shanghai with a 1 h response target: due Monday 09:30; not breached on Saturday.
        var created = Local(2025, 3, 7, 17, 30, 8);
        var row = new WorkOrderRow { CreatedAt = created, ResponseTargetMinutes = 60, ResolutionTargetMinutes = 600, CalendarJson = SlaPolicies.SerializeCalendar(Shanghai) };
        Assert.Equal(Local(2025, 3, 10, 9, 30, 8), SlaPolicies.Evaluate(row, created).ResponseDueAt);
        Assert.False(SlaPolicies.Evaluate(row, Local(2025, 3, 8, 12, 0, 8)).ResponseBreached);
        Assert.True(SlaPolicies.Evaluate(row, Local(2025, 3, 10, 9, 31, 8)).ResponseBreached);
    }
}
