using System.ComponentModel.DataAnnotations;

namespace Charger.Cloud.CustomerCare;

/// <summary>Settings of the customer-care area (section <c>Care</c>).</summary>
public sealed class CareOptions
{
    public const string SectionName = "Care";

    /// <summary>A complaint's revisit score at or above this means the customer is satisfied (1-5, default 4).</summary>
    [Range(1, 5)]
    public int SatisfiedThreshold { get; set; } = 4;

    /// <summary>A survey score at or above this counts as satisfied in the KPI's share (1-5, default 4).</summary>
    [Range(1, 5)]
    public int SatisfiedSurveyScore { get; set; } = 4;

    /// <summary>The longest KPI period one request may ask for, in days (1-3660, default 366).</summary>
    [Range(1, 3660)]
    public int MaxKpiPeriodDays { get; set; } = 366;

    /// <summary>The KPI period when <c>from</c> is not given: this many days before <c>to</c> (1-3660, default 30).</summary>
    [Range(1, 3660)]
    public int DefaultKpiPeriodDays { get; set; } = 30;
}

/// <summary>A request field is wrong (400, naming the field).</summary>
public sealed class CareValidationException(string field, string message) : ArgumentException(message, field)
{
    public string Field { get; } = field;
}

/// <summary>The thing asked for does not exist (404).</summary>
public sealed class CareNotFoundException(string message) : InvalidOperationException(message);

/// <summary>The request conflicts with the current state (409).</summary>
public sealed class CareConflictException(string message) : InvalidOperationException(message);

/// <summary>The actor's role may do this in general, but not to this record (e.g. an inquiry routed to someone else): 403.</summary>
public sealed class CareForbiddenException(string message) : InvalidOperationException(message);
