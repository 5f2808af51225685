using System.Globalization;

namespace Charger.Agentctl;

/// <summary>Durations and times on the command line: <c>500ms</c>, <c>90s</c>, <c>5m</c>, <c>2h</c>, <c>1d</c> or <c>hh:mm:ss</c>; times as ISO-8601 or "that long ago".</summary>
public static class Durations
{
    public static TimeSpan Parse(string text, string option)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        if (t.EndsWith("ms", StringComparison.Ordinal) && double.TryParse(t[..^2], NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms >= 0 && double.IsFinite(ms))
        {
            return TimeSpan.FromMilliseconds(ms);
        }

        if (t.Length > 1 && double.TryParse(t[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= 0 && double.IsFinite(n))
        {
            switch (t[^1])
            {
                case 's': return TimeSpan.FromSeconds(n);
                case 'm': return TimeSpan.FromMinutes(n);
                case 'h': return TimeSpan.FromHours(n);
                case 'd': return TimeSpan.FromDays(n);
            }
        }

        if (TimeSpan.TryParse(t, CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero)
        {
            return span;
        }

        throw new UsageException($"{option} '{text}' is not a duration (examples: 90s, 5m, 2h, 1d, 00:10:00).");
    }

    /// <summary>An ISO-8601 time, or a duration meaning that long before <paramref name="now"/>.</summary>
    public static DateTimeOffset ParseSince(string text, string option, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) && text.Contains('-', StringComparison.Ordinal))
        {
            return at;
        }

        try
        {
            return now - Parse(text, option);
        }
        catch (UsageException)
        {
            throw new UsageException($"{option} '{text}' is neither a time (2026-11-27T14:00:00Z) nor a duration ago (90s, 5m, 2h, 1d).");
        }
    }
}
