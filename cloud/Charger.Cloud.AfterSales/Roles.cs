using System.Security.Claims;

namespace Charger.Cloud.AfterSales;

/// <summary>
/// The roles of the after-sales organisation (DESIGN.md; the policy's 售后服务主管, 技术支持工程师, 维修工程师, 售后服务专员),
/// plus the auditor (reads everything, changes nothing) and the administrator (people and access). A user has one role.
/// Endpoints name the roles they admit with <c>RequireAuthorization(new AuthorizeAttribute { Roles = ... })</c> or the
/// policies of <see cref="Policies"/>; the role x endpoint matrix test holds every endpoint to its declared roles.
/// </summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string Supervisor = "supervisor";
    public const string TechnicalSupport = "technical-support";
    public const string RepairEngineer = "repair-engineer";
    public const string ServiceSpecialist = "service-specialist";
    public const string Auditor = "auditor";

    /// <summary>Every role, in the order the UI lists them.</summary>
    public static IReadOnlyList<string> All { get; } = [Admin, Supervisor, TechnicalSupport, RepairEngineer, ServiceSpecialist, Auditor];

    /// <summary>True for one of <see cref="All"/>.</summary>
    public static bool IsKnown(string? role) => role is not null && All.Contains(role, StringComparer.Ordinal);
}

/// <summary>Authorization policy names shared by every area's endpoints (registered by Charger.Cloud.Access).</summary>
public static class Policies
{
    /// <summary>Any signed-in user, whatever the role: reading the fleet, alarms, work orders.</summary>
    public const string AnyStaff = "any-staff";

    /// <summary>Reads of personal data in clear (customers' contact data): supervisor and service specialist.</summary>
    public const string PersonalData = "personal-data";

    /// <summary>People, roles and tokens: admin only.</summary>
    public const string ManageUsers = "manage-users";

    /// <summary>The audit log: auditor, supervisor, admin.</summary>
    public const string ReadAudit = "read-audit";
}

/// <summary>Who did something: a signed-in user, or the cloud itself (<see cref="System"/>) for what it derives from chargers' events.</summary>
/// <param name="UserId">The user's login name, or <c>system</c>.</param>
/// <param name="DisplayName">The name shown in histories.</param>
/// <param name="Role">One of <see cref="Roles"/>, or <c>system</c>.</param>
public sealed record Actor(string UserId, string DisplayName, string Role)
{
    /// <summary>The cloud acting on its own (alarms from faults, work orders opened by policy, SLA breaches).</summary>
    public static Actor System { get; } = new("system", "charger-cloud", "system");

    /// <summary>
    /// The actor of a signed-in principal (cookie or API token, as Charger.Cloud.Access issues them):
    /// <see cref="ClaimTypes.NameIdentifier"/> is the user id, <see cref="ClaimTypes.Name"/> the display name,
    /// <see cref="ClaimTypes.Role"/> the role. Null when the principal is not signed in.
    /// </summary>
    public static Actor? FromPrincipal(ClaimsPrincipal? principal)
    {
        if (principal?.Identity?.IsAuthenticated != true || principal.FindFirst(ClaimTypes.NameIdentifier)?.Value is not { Length: > 0 } id)
        {
            return null;
        }

        return new Actor(id, principal.FindFirst(ClaimTypes.Name)?.Value ?? id, principal.FindFirst(ClaimTypes.Role)?.Value ?? string.Empty);
    }
}
