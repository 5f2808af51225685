using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Charger.Agent.Core;

/// <summary>
/// A <see cref="TimeSpan"/> setting must lie within [minimum, maximum] (constant "c" format, e.g. "00:00:05").
/// Replaces <c>[Range(typeof(TimeSpan), ...)]</c>, whose constructor needs reflection over the type and so cannot be
/// trimmed or compiled ahead of time; the messages name the setting and the bounds the same way.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, AllowMultiple = false)]
public sealed class TimeSpanRangeAttribute : ValidationAttribute
{
    public TimeSpanRangeAttribute(string minimum, string maximum)
        : base("The field {0} must be between {1} and {2}.")
    {
        Minimum = TimeSpan.ParseExact(minimum, "c", CultureInfo.InvariantCulture);
        Maximum = TimeSpan.ParseExact(maximum, "c", CultureInfo.InvariantCulture);
    }

    public TimeSpan Minimum { get; }

    public TimeSpan Maximum { get; }

    public override bool IsValid(object? value) => value is not TimeSpan t || (t >= Minimum && t <= Maximum);

    public override string FormatErrorMessage(string name) =>
        string.Format(CultureInfo.CurrentCulture, ErrorMessageString, name, Minimum.ToString("c", CultureInfo.InvariantCulture), Maximum.ToString("c", CultureInfo.InvariantCulture));
}
