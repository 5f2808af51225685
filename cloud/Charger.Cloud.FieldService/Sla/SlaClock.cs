using System.Text.Json.Serialization;

namespace Charger.Cloud.FieldService.Sla;

/// <summary>
/// Working hours of one weekday, in the calendar's time zone. <see cref="End"/> at or before <see cref="Start"/> runs
/// overnight into the next day (22:00-06:00); 00:00-00:00 is the whole day. A span belongs to the day it starts on
/// (a holiday removes the spans starting on it).
/// </summary>
/// <param name="Day">The weekday the span starts on.</param>
/// <param name="Start">Local start.</param>
/// <param name="End">Local end.</param>
public sealed record WorkingHours(
    [property: JsonConverter(typeof(JsonStringEnumConverter<DayOfWeek>))] DayOfWeek Day, TimeOnly Start, TimeOnly End);

/// <summary>A working-hours calendar: SLA targets count only time inside its hours.</summary>
/// <param name="TimeZone">An IANA time zone id (e.g. <c>Asia/Shanghai</c>, <c>Europe/Berlin</c>).</param>
/// <param name="Hours">The weekly working hours.</param>
/// <param name="Holidays">Local dates without working time.</param>
public sealed record WorkingCalendar(string TimeZone, IReadOnlyList<WorkingHours> Hours, IReadOnlyList<DateOnly>? Holidays = null);

/// <summary>A period the clock stands still; <see cref="To"/> null while it lasts.</summary>
/// <param name="From">Start.</param>
/// <param name="To">End, or null when still paused.</param>
public readonly record struct ClockPause(DateTimeOffset From, DateTimeOffset? To);

/// <summary>
/// The SLA clock arithmetic, pure: a calendar (or none: around the clock) and pauses in, elapsed working time and due
/// instants out. Nothing here reads the time; callers pass "now".
/// </summary>
public sealed class SlaClock
{
    // Far enough for any real target; bounds the scan when a calendar has (almost) no working time.
    private const int MaxDaysScanned = 3 * 366;

    private readonly TimeZoneInfo? _zone;
    private readonly ILookup<DayOfWeek, WorkingHours>? _hours;
    private readonly HashSet<DateOnly> _holidays;

    /// <summary>A clock counting in <paramref name="calendar"/>'s working time, or all the time when null.</summary>
    public SlaClock(WorkingCalendar? calendar)
    {
        if (calendar is null)
        {
            _holidays = [];
            return;
        }

        _zone = TimeZoneInfo.FindSystemTimeZoneById(calendar.TimeZone);
        _hours = calendar.Hours.OrderBy(h => h.Start).ToLookup(h => h.Day);
        _holidays = [.. calendar.Holidays ?? []];
    }

    /// <summary>True when the calendar's time zone is known here (validation of policies).</summary>
    public static bool IsKnownTimeZone(string id)
    {
        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (TimeZoneNotFoundException)
        {
            return false;
        }
        catch (InvalidTimeZoneException)
        {
            return false;
        }
    }

    /// <summary>Working time between <paramref name="from"/> and <paramref name="to"/>, pauses excluded.</summary>
    public TimeSpan Elapsed(DateTimeOffset from, DateTimeOffset to, IReadOnlyList<ClockPause> pauses)
    {
        var total = TimeSpan.Zero;
        if (to <= from)
        {
            return total;
        }

        foreach (var (start, end) in Counting(from, pauses))
        {
            if (start >= to)
            {
                break;
            }

            total += (end < to ? end : to) - start;
            if (end >= to)
            {
                break;
            }
        }

        return total;
    }

    /// <summary>
    /// The instant at which <paramref name="target"/> of working time, pauses excluded, has run from
    /// <paramref name="start"/>; null when the clock stops before (an open pause, or a calendar without hours).
    /// </summary>
    public DateTimeOffset? DueAt(DateTimeOffset start, TimeSpan target, IReadOnlyList<ClockPause> pauses)
    {
        var left = target;
        if (left <= TimeSpan.Zero)
        {
            return start;
        }

        foreach (var (s, e) in Counting(start, pauses))
        {
            var length = e - s;
            if (length >= left)
            {
                return s + left;
            }

            left -= length;
        }

        return null;
    }

    /// <summary>Intervals in which the clock runs from <paramref name="from"/> on: working time minus pauses, in order.</summary>
    private IEnumerable<(DateTimeOffset Start, DateTimeOffset End)> Counting(DateTimeOffset from, IReadOnlyList<ClockPause> pauses)
    {
        var ordered = pauses.OrderBy(p => p.From).ToList();
        foreach (var (ws, we) in Working(from))
        {
            var s = ws;
            foreach (var p in ordered)
            {
                var pEnd = p.To ?? DateTimeOffset.MaxValue;
                if (pEnd <= s || p.From >= we)
                {
                    continue;
                }

                if (p.From > s)
                {
                    yield return (s, p.From);
                }

                if (p.To is null)
                {
                    yield break; // stopped until resumed
                }

                s = pEnd;
                if (s >= we)
                {
                    break;
                }
            }

            if (s < we)
            {
                yield return (s, we);
            }
        }
    }

    /// <summary>Working intervals from <paramref name="from"/> on, merged and in order (UTC instants).</summary>
    private IEnumerable<(DateTimeOffset Start, DateTimeOffset End)> Working(DateTimeOffset from)
    {
        if (_zone is null)
        {
            yield return (from, DateTimeOffset.MaxValue);
            yield break;
        }

        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(from, _zone).DateTime).AddDays(-1);
        var last = from;
        var daysWithout = 0;
        while (daysWithout < MaxDaysScanned)
        {
            var any = false;
            if (!_holidays.Contains(day))
            {
                foreach (var h in _hours![day.DayOfWeek])
                {
                    var start = ToUtc(day.ToDateTime(h.Start));
                    var endDay = h.End > h.Start ? day : day.AddDays(1);
                    var end = ToUtc(endDay.ToDateTime(h.End));
                    if (start < last)
                    {
                        start = last;
                    }

                    if (end <= start)
                    {
                        continue;
                    }

                    any = true;
                    last = end;
                    yield return (start, end);
                }
            }

            daysWithout = any ? 0 : daysWithout + 1;
            day = day.AddDays(1);
        }
    }

    private DateTimeOffset ToUtc(DateTime local)
    {
        // A local time skipped by a daylight-saving change starts at the end of the gap.
        var guard = 0;
        while (_zone!.IsInvalidTime(local) && guard++ < 240)
        {
            local = local.AddMinutes(1);
        }

        return new DateTimeOffset(local, _zone.GetUtcOffset(local)).ToUniversalTime();
    }
}
