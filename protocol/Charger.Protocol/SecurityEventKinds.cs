namespace Charger.Protocol;

/// <summary>
/// Known <c>kind</c>s of <c>security.event</c> (v1). The field stays a free string: a receiver stores kinds it does not
/// know, so new kinds can be added without a new protocol version.
/// </summary>
public static class SecurityEventKinds
{
    /// <summary>An engineer logged in on the local console. <c>user</c>, <c>origin</c>.</summary>
    public const string MaintenanceLoginAccepted = nameof(MaintenanceLoginAccepted);
    /// <summary>A console login was refused (unknown engineer, wrong PIN, locked out). <c>user</c> as typed, <c>origin</c>, <c>detail</c> says why.</summary>
    public const string MaintenanceLoginFailed = nameof(MaintenanceLoginFailed);
    /// <summary>An engineer logged out.</summary>
    public const string MaintenanceLogout = nameof(MaintenanceLogout);
    /// <summary>A command that needs a session came without a valid one (none, unknown, expired, other caller).</summary>
    public const string MaintenanceSessionRefused = nameof(MaintenanceSessionRefused);
    /// <summary>A process the console does not serve (uid/gid outside the agent's group) connected to its socket.</summary>
    public const string ConsoleAccessRefused = nameof(ConsoleAccessRefused);
    /// <summary>The charger was taken out of service for on-site work (state Maintenance).</summary>
    public const string MaintenanceEntered = nameof(MaintenanceEntered);
    /// <summary>The charger left maintenance after a passing self-test.</summary>
    public const string MaintenanceExited = nameof(MaintenanceExited);
    /// <summary>An engineer reset a latching fault; <c>detail</c> has the code and the reason.</summary>
    public const string FaultReset = nameof(FaultReset);
    /// <summary>An engineer completed commissioning on site: the charger left Commissioning; <c>detail</c> names the customer and work order.</summary>
    public const string CommissioningAccepted = nameof(CommissioningAccepted);
    /// <summary>An engineer exported a diagnostics bundle; <c>detail</c> has the time window.</summary>
    public const string DiagnosticsExported = nameof(DiagnosticsExported);
}

/// <summary>Known <c>kind</c>s of <c>service.record</c> (v1); like security kinds, a free string on the wire.</summary>
public static class ServiceRecordKinds
{
    public const string Repair = "repair";
    public const string Maintenance = "maintenance";
    public const string Inspection = "inspection";
    public const string Installation = "installation";
    public const string Commissioning = "commissioning";
    /// <summary>An engineer's self-test from the console: <c>checklist</c> has each step's pass/fail, <c>testResults</c> the value seen.</summary>
    public const string SelfTest = "selftest";
}
