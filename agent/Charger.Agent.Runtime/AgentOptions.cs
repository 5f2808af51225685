using Charger.Agent.Core;
using System.ComponentModel.DataAnnotations;

namespace Charger.Agent;

/// <summary>Identity and files of this agent (section <c>Agent</c>).</summary>
public sealed class AgentOptions : IValidatableObject
{
    public const string Section = "Agent";

    /// <summary>This charger's id; also its MQTT client id and username.</summary>
    [Required]
    public string ChargerId { get; set; } = string.Empty;

    /// <summary>Where the journal and markers live.</summary>
    [Required]
    public string DataDirectory { get; set; } = "/var/lib/charger-agent";

    /// <summary>Run on the simulated board (<c>--simulate</c>).</summary>
    public bool Simulate { get; set; }

    /// <summary>Scenario file the simulated board plays (only with <see cref="Simulate"/>).</summary>
    public string? Scenario { get; set; }

    /// <summary>When true, a charger that has never been commissioned starts in Commissioning.</summary>
    public bool RequireCommissioning { get; set; }

    /// <summary>How often a telemetry summary is queued (0 = never).</summary>
    [TimeSpanRange("00:00:00", "1.00:00:00")]
    public TimeSpan TelemetryInterval { get; set; } = TimeSpan.FromSeconds(60);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Charger.Protocol.ChargerId.IsValid(ChargerId))
        {
            yield return new ValidationResult($"{Section}:ChargerId '{ChargerId}' must match [A-Za-z0-9._-]{{1,64}}.", [nameof(ChargerId)]);
        }

        if (Scenario is not null && !Simulate)
        {
            yield return new ValidationResult($"{Section}:Scenario needs {Section}:Simulate=true (--simulate).", [nameof(Scenario)]);
        }
    }
}
