using System.ComponentModel.DataAnnotations;
using Charger.Cloud.FieldService.WorkOrders;
using Charger.Protocol;
using ValidationResult = System.ComponentModel.DataAnnotations.ValidationResult;

namespace Charger.Cloud.FieldService;

/// <summary>Settings of the service area (section <c>Service</c>); see the README for defaults and ranges.</summary>
public sealed class FieldServiceOptions : IValidatableObject
{
    public const string SectionName = "Service";

    /// <summary>Run the alarm projector and the SLA monitor in this process.</summary>
    public bool EnableProjector { get; set; } = true;

    /// <summary>
    /// How often chargers are checked for silence (Offline alarms). Events reach the projector through the feed's
    /// subscription (<c>Cloud:Subscriptions</c>), not through this interval.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Events applied per transaction.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 200;

    /// <summary>A charger not heard from (no event, no status) for this long gets an Offline alarm.</summary>
    public TimeSpan OfflineAfter { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Severity of Offline alarms.</summary>
    public Severity OfflineSeverity { get; set; } = Severity.Major;

    /// <summary>How often SLA breaches are checked and recorded.</summary>
    public TimeSpan SlaCheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A resolved, confirmed or closed work order may be reopened for this long after it was resolved.</summary>
    public TimeSpan ReopenWindow { get; set; } = TimeSpan.FromDays(30);

    /// <summary>A repeat repair for the same fault on the same charger within this time marks the earlier order as not fixed first time.</summary>
    public TimeSpan RepeatVisitWindow { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Slack around a work order's en-route/on-site period when a service record without reference is matched by time.</summary>
    public TimeSpan RecordMatchSlack { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Open work orders automatically from alarms of blocking faults.</summary>
    public bool AutoWorkOrders { get; set; } = true;

    /// <summary>
    /// Rules for automatic work orders, first match wins (a rule matches when its code, if set, and its severity, if set,
    /// match). Empty: the built-in rules (critical: urgent, major: high, others: none).
    /// </summary>
    public List<AutoWorkOrderRule> AutoWorkOrderRules { get; set; } = [];

    /// <summary>The rules in force.</summary>
    public IReadOnlyList<AutoWorkOrderRule> EffectiveRules => AutoWorkOrderRules.Count > 0 ? AutoWorkOrderRules : DefaultRules;

    /// <summary>Built-in rules: blocking critical faults open urgent repairs, major ones high-priority repairs.</summary>
    public static IReadOnlyList<AutoWorkOrderRule> DefaultRules { get; } =
    [
        new() { Severity = Severity.Critical, Create = true, Priority = WorkOrderPriority.Urgent },
        new() { Severity = Severity.Major, Create = true, Priority = WorkOrderPriority.High },
    ];

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PollInterval < TimeSpan.FromMilliseconds(50) || PollInterval > TimeSpan.FromMinutes(10))
        {
            yield return new ValidationResult("Service:PollInterval must be from 00:00:00.05 to 00:10:00.", [nameof(PollInterval)]);
        }

        if (OfflineAfter < TimeSpan.FromSeconds(30) || OfflineAfter > TimeSpan.FromDays(7))
        {
            yield return new ValidationResult("Service:OfflineAfter must be from 00:00:30 to 7.00:00:00.", [nameof(OfflineAfter)]);
        }

        if (SlaCheckInterval < TimeSpan.FromSeconds(1) || SlaCheckInterval > TimeSpan.FromHours(1))
        {
            yield return new ValidationResult("Service:SlaCheckInterval must be from 00:00:01 to 01:00:00.", [nameof(SlaCheckInterval)]);
        }

        if (ReopenWindow < TimeSpan.Zero || ReopenWindow > TimeSpan.FromDays(365))
        {
            yield return new ValidationResult("Service:ReopenWindow must be from 0 to 365.00:00:00.", [nameof(ReopenWindow)]);
        }

        if (RepeatVisitWindow < TimeSpan.Zero || RepeatVisitWindow > TimeSpan.FromDays(365))
        {
            yield return new ValidationResult("Service:RepeatVisitWindow must be from 0 to 365.00:00:00.", [nameof(RepeatVisitWindow)]);
        }

        if (RecordMatchSlack < TimeSpan.Zero || RecordMatchSlack > TimeSpan.FromDays(2))
        {
            yield return new ValidationResult("Service:RecordMatchSlack must be from 0 to 2.00:00:00.", [nameof(RecordMatchSlack)]);
        }
    }
}

/// <summary>One rule of <see cref="FieldServiceOptions.AutoWorkOrderRules"/>.</summary>
public sealed class AutoWorkOrderRule
{
    /// <summary>Only this fault code; null: any.</summary>
    public string? Code { get; set; }

    /// <summary>Only this severity; null: any.</summary>
    public Severity? Severity { get; set; }

    /// <summary>Open a work order (false: a rule that suppresses them).</summary>
    public bool Create { get; set; } = true;

    public WorkOrderPriority Priority { get; set; } = WorkOrderPriority.High;

    public bool Matches(string code, Severity severity) =>
        (Code is null || string.Equals(Code, code, StringComparison.Ordinal)) && (Severity is null || Severity == severity);
}
