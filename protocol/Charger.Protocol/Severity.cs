using System.Text.Json.Serialization;

namespace Charger.Protocol;

/// <summary>Fault severity, ordered from least to most serious.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Severity>))]
public enum Severity
{
    [JsonStringEnumMemberName("warning")] Warning = 0,
    [JsonStringEnumMemberName("minor")] Minor = 1,
    [JsonStringEnumMemberName("major")] Major = 2,
    [JsonStringEnumMemberName("critical")] Critical = 3,
}

/// <summary>Parsing of the wire names of <see cref="Severity"/>.</summary>
public static class SeverityNames
{
    public static string ToWire(this Severity severity) => severity switch
    {
        Severity.Warning => "warning",
        Severity.Minor => "minor",
        Severity.Major => "major",
        Severity.Critical => "critical",
        _ => throw new ArgumentOutOfRangeException(nameof(severity)),
    };

    public static bool TryParse(string? text, out Severity severity)
    {
        switch (text)
        {
            case "warning": severity = Severity.Warning; return true;
            case "minor": severity = Severity.Minor; return true;
            case "major": severity = Severity.Major; return true;
            case "critical": severity = Severity.Critical; return true;
            default: severity = default; return false;
        }
    }
}
