using System.Globalization;
using System.Text.RegularExpressions;

namespace Charger.Testing;

/// <summary>Reads samples out of a <c>/metrics</c> page (Prometheus text format).</summary>
public static class PrometheusText
{
    /// <summary>
    /// The sum of the samples of <paramref name="name"/>, optionally only those whose labels contain
    /// <paramref name="label"/> (e.g. <c>outcome="stored"</c>); 0 when there is none.
    /// </summary>
    public static double Sum(string metrics, string name, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var sum = 0.0;
        foreach (var line in metrics.Split('\n'))
        {
            var m = Regex.Match(line, "^" + Regex.Escape(name) + @"(\{(?<labels>[^}]*)\})? (?<value>\S+)");
            if (m.Success && (label is null || m.Groups["labels"].Value.Contains(label, StringComparison.Ordinal)))
            {
                sum += double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }

        return sum;
    }
}
