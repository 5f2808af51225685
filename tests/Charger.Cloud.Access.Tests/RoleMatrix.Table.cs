using Charger.Cloud.AfterSales;

namespace Charger.Cloud.Access.Tests;

/// <summary>
/// Which roles may call each <c>/api/v1</c> endpoint of the real host: one line per endpoint (method, route pattern as
/// mapped, roles allowed). <see cref="RoleMatrixTests"/> fails when the host has an endpoint this table lacks, or the table
/// names one the host does not have; for each row it calls the endpoint with every role's token and expects 403 exactly for
/// the roles not listed, and 401 without a token unless <see cref="Anonymous"/> is listed. Add a row per new endpoint.
/// </summary>
public static class RoleMatrix
{
    /// <summary>Callable without signing in.</summary>
    public const string Anonymous = "anonymous";

    public const string Admin = Roles.Admin;
    public const string Supervisor = Roles.Supervisor;
    public const string TechnicalSupport = Roles.TechnicalSupport;
    public const string RepairEngineer = Roles.RepairEngineer;
    public const string ServiceSpecialist = Roles.ServiceSpecialist;
    public const string Auditor = Roles.Auditor;

    /// <summary>Every signed-in role.</summary>
    public static readonly string[] AnyStaff = [.. Roles.All];

    /// <summary>Anyone, signed in or not.</summary>
    public static readonly string[] Everyone = [Anonymous, .. Roles.All];

    /// <summary>One endpoint and the roles allowed to call it.</summary>
    public sealed record Row(string Method, string Route, params string[] Allowed);

    public static readonly IReadOnlyList<Row> Rows =
    [
        // Fleet (Charger.Cloud): every signed-in role reads; dead letters for the people who investigate them.
        new("GET", "/api/v1/chargers", AnyStaff),
        new("GET", "/api/v1/chargers/{id}", AnyStaff),
        new("GET", "/api/v1/chargers/{id}/events", AnyStaff),
        new("GET", "/api/v1/service-records", AnyStaff),
        new("GET", "/api/v1/faults", AnyStaff),
        new("GET", "/api/v1/live", AnyStaff),
        new("GET", "/api/v1/dead-letters", Supervisor, TechnicalSupport, Auditor, Admin),

        // Access: sign-in, tokens, users, audit, customers (Charger.Cloud.Access).
        new("POST", "/api/v1/auth/login", Everyone),
        new("POST", "/api/v1/auth/logout", Everyone),
        new("GET", "/api/v1/auth/me", AnyStaff),
        new("POST", "/api/v1/auth/password", AnyStaff),
        new("GET", "/api/v1/auth/tokens", AnyStaff),
        new("POST", "/api/v1/auth/tokens", AnyStaff),
        new("DELETE", "/api/v1/auth/tokens/{id}", AnyStaff),
        new("GET", "/api/v1/users", Admin, Supervisor, TechnicalSupport, Auditor),
        new("GET", "/api/v1/users/{id}", Admin, Supervisor, TechnicalSupport, Auditor),
        new("POST", "/api/v1/users", Admin),
        new("PATCH", "/api/v1/users/{id}", Admin),
        new("POST", "/api/v1/users/{id}/password", Admin),
        new("GET", "/api/v1/audit", Auditor, Supervisor, Admin),
        new("GET", "/api/v1/customers", AnyStaff),
        new("GET", "/api/v1/customers/{id}", AnyStaff),
        new("POST", "/api/v1/customers", ServiceSpecialist, Supervisor),
        new("PUT", "/api/v1/customers/{id}", ServiceSpecialist, Supervisor),
        new("PUT", "/api/v1/customers/{id}/chargers/{chargerId}", ServiceSpecialist, Supervisor),
        new("DELETE", "/api/v1/customers/{id}/chargers/{chargerId}", ServiceSpecialist, Supervisor),

        // Service (Charger.Cloud.FieldService, FieldServiceApi and WorkOrderService.RolesFor).
        new("GET", "/api/v1/alarms", AnyStaff),
        new("GET", "/api/v1/alarms/{id:long}", AnyStaff),
        new("POST", "/api/v1/alarms/{id:long}/acknowledge", TechnicalSupport, Supervisor),
        new("POST", "/api/v1/alarms/{id:long}/assign", TechnicalSupport, Supervisor),
        new("GET", "/api/v1/work-orders", AnyStaff),
        new("GET", "/api/v1/work-orders/{id}", AnyStaff),
        new("POST", "/api/v1/work-orders", ServiceSpecialist, Supervisor),
        new("POST", "/api/v1/work-orders/{id}/triage", TechnicalSupport, Supervisor),
        new("POST", "/api/v1/work-orders/{id}/assign", TechnicalSupport, Supervisor),
        new("POST", "/api/v1/work-orders/{id}/set-off", RepairEngineer, Supervisor),
        new("POST", "/api/v1/work-orders/{id}/arrive", RepairEngineer, Supervisor),
        new("POST", "/api/v1/work-orders/{id}/resolve", RepairEngineer, Supervisor),
        new("POST", "/api/v1/work-orders/{id}/wait-for-parts", RepairEngineer, Supervisor),
        new("POST", "/api/v1/work-orders/{id}/wait-for-customer", RepairEngineer, Supervisor),
        new("POST", "/api/v1/work-orders/{id}/resume", RepairEngineer, Supervisor),
        new("POST", "/api/v1/work-orders/{id}/escalate", RepairEngineer, TechnicalSupport, Supervisor),
        new("POST", "/api/v1/work-orders/{id}/decide", Supervisor),
        new("POST", "/api/v1/work-orders/{id}/confirm", ServiceSpecialist, Supervisor),
        new("POST", "/api/v1/work-orders/{id}/close", ServiceSpecialist, Supervisor),
        new("POST", "/api/v1/work-orders/{id}/reopen", Supervisor),
        new("POST", "/api/v1/work-orders/{id}/cancel", Supervisor),
        new("GET", "/api/v1/sla/due-soon", TechnicalSupport, Supervisor, Auditor, ServiceSpecialist),
        new("GET", "/api/v1/sla/breached", TechnicalSupport, Supervisor, Auditor, ServiceSpecialist),
        new("GET", "/api/v1/sla/policies", AnyStaff),
        new("PUT", "/api/v1/sla/policies/{tier}/{priority}", Supervisor),
        new("GET", "/api/v1/chargers/{id}/service", AnyStaff),
        new("POST", "/api/v1/chargers/{id}/unblock", Supervisor),

        // Customer care (Charger.Cloud.CustomerCare, CareApi.Allowed).
        new("POST", "/api/v1/inquiries", ServiceSpecialist, Supervisor),
        new("GET", "/api/v1/inquiries", ServiceSpecialist, Supervisor, TechnicalSupport, Auditor),
        new("GET", "/api/v1/inquiries/{id}", ServiceSpecialist, Supervisor, TechnicalSupport, Auditor),
        new("POST", "/api/v1/inquiries/{id}/route", ServiceSpecialist, Supervisor),
        new("POST", "/api/v1/inquiries/{id}/answer", ServiceSpecialist, Supervisor, TechnicalSupport),
        new("POST", "/api/v1/complaints", ServiceSpecialist, Supervisor),
        new("GET", "/api/v1/complaints", ServiceSpecialist, Supervisor, Auditor),
        new("GET", "/api/v1/complaints/{id}", ServiceSpecialist, Supervisor, Auditor),
        new("POST", "/api/v1/complaints/{id}/investigate", Supervisor),
        new("POST", "/api/v1/complaints/{id}/cause", Supervisor),
        new("POST", "/api/v1/complaints/{id}/plan", Supervisor),
        new("POST", "/api/v1/complaints/{id}/start", ServiceSpecialist, Supervisor),
        new("POST", "/api/v1/complaints/{id}/progress", ServiceSpecialist, Supervisor),
        new("POST", "/api/v1/complaints/{id}/complete", ServiceSpecialist, Supervisor),
        new("POST", "/api/v1/complaints/{id}/revisit", ServiceSpecialist, Supervisor),
        new("POST", "/api/v1/complaints/{id}/lessons", Supervisor),
        new("POST", "/api/v1/complaints/{id}/close", Supervisor),
        new("POST", "/api/v1/surveys", ServiceSpecialist, Supervisor),
        new("GET", "/api/v1/surveys", ServiceSpecialist, Supervisor, Auditor),
        new("GET", "/api/v1/kpis", Supervisor, Auditor),
    ];
}
