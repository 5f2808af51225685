using System.Text.Json;
using System.Text.Json.Serialization;

namespace Charger.Agent.EngineerConsole.Contracts;

/// <summary>
/// One request line: <c>{"command":"status","args":{...},"session":"..."}</c>. <see cref="Args"/> is the command's
/// argument object (see <see cref="ConsoleCommandNames"/>); <see cref="Session"/> is the token from <c>login</c>,
/// needed by every command that changes state or records.
/// </summary>
public sealed record ConsoleRequest
{
    public required string Command { get; init; }
    public JsonElement? Args { get; init; }
    public string? Session { get; init; }
}

/// <summary>
/// One reply line. The final reply of a request has <see cref="Ok"/> set, with <see cref="Data"/> or <see cref="Error"/>.
/// Long commands (selftest) send progress lines first: <c>{"progress":{...}}</c> without <c>ok</c>.
/// </summary>
public sealed record ConsoleReply
{
    public bool? Ok { get; init; }
    public JsonElement? Data { get; init; }
    public ConsoleError? Error { get; init; }
    public JsonElement? Progress { get; init; }

    /// <summary>True for a progress line (not the end of the reply).</summary>
    [JsonIgnore]
    public bool IsProgress => Ok is null && Progress is not null;
}

/// <summary>Why a request failed: a stable <see cref="Code"/> (<see cref="ConsoleErrorCodes"/>) and a sentence for people.</summary>
public sealed record ConsoleError(string Code, string Message);

/// <summary>The command names of the console protocol.</summary>
public static class ConsoleCommandNames
{
    public const string Login = "login";
    public const string Logout = "logout";
    public const string Status = "status";
    public const string Sensors = "sensors";
    public const string Faults = "faults";
    public const string SelfTest = "selftest";
    public const string Maintenance = "maintenance";
    public const string FaultReset = "fault.reset";
    public const string Sim = "sim";
    public const string Record = "record";
    public const string Commission = "commission";
    public const string Export = "export";
    public const string Docs = "docs";

    /// <summary>Every command of this version.</summary>
    public static IReadOnlyList<string> All { get; } = [Login, Logout, Status, Sensors, Faults, SelfTest, Maintenance, FaultReset, Sim, Record, Commission, Export, Docs];
}

/// <summary>Stable error codes of the console protocol.</summary>
public static class ConsoleErrorCodes
{
    /// <summary>The line is not a valid request, or the arguments are wrong. Nothing was changed.</summary>
    public const string BadRequest = "bad-request";
    /// <summary>No such command.</summary>
    public const string UnknownCommand = "unknown-command";
    /// <summary>The command needs a session (login first).</summary>
    public const string NotLoggedIn = "not-logged-in";
    /// <summary>The session has expired (or the agent restarted): log in again.</summary>
    public const string SessionExpired = "session-expired";
    /// <summary>Unknown engineer or wrong PIN.</summary>
    public const string LoginFailed = "login-failed";
    /// <summary>Too many failed logins: wait and retry.</summary>
    public const string LockedOut = "locked-out";
    /// <summary>The caller (its uid/gid) may not use the console.</summary>
    public const string Forbidden = "forbidden";
    /// <summary>Not allowed in the present state (e.g. maintenance enter while commissioning).</summary>
    public const string InvalidState = "invalid-state";
    /// <summary>maintenance exit without a passing self-test in this maintenance visit.</summary>
    public const string SelfTestRequired = "selftest-required";
    /// <summary>maintenance exit while a blocking fault is active.</summary>
    public const string BlockingFault = "blocking-fault";
    /// <summary>fault reset of a code that is not active.</summary>
    public const string FaultNotActive = "fault-not-active";
    /// <summary>fault reset of a fault that clears by itself.</summary>
    public const string FaultNotLatching = "fault-not-latching";
    /// <summary>fault reset while the cause is still present.</summary>
    public const string CauseStillPresent = "cause-still-present";
    /// <summary>A sim command on an agent that does not run with --simulate.</summary>
    public const string NotSimulated = "not-simulated";
    /// <summary>A commissioning step failed (an item answered no, or the self-test failed); the charger stays in Commissioning.</summary>
    public const string StepFailed = "step-failed";
    /// <summary>No such document cached on the agent.</summary>
    public const string NotFound = "not-found";
    /// <summary>The agent failed to carry out the command (see its log).</summary>
    public const string Internal = "internal";
}
