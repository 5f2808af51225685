using Charger.Agent.EngineerConsole.Contracts;

namespace Charger.Agentctl;

/// <summary>Exit codes of agentctl (documented in the README).</summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked (for selftest: every step passed).</summary>
    public const int Ok = 0;
    /// <summary>The agent refused or could not do it (state does not allow it, cause still present, self-test failed...).</summary>
    public const int Failed = 1;
    /// <summary>Bad command line or arguments; nothing was sent, or the agent refused the request as malformed.</summary>
    public const int Usage = 2;
    /// <summary>Not logged in, session expired, login failed or locked out, or the caller may not use the console.</summary>
    public const int Refused = 3;
    /// <summary>The agent's socket cannot be reached (no agent, wrong path, no permission).</summary>
    public const int Unreachable = 4;

    /// <summary>The exit code for an error code of the console protocol.</summary>
    public static int For(string errorCode) => errorCode switch
    {
        ConsoleErrorCodes.BadRequest or ConsoleErrorCodes.UnknownCommand => Usage,
        ConsoleErrorCodes.NotLoggedIn or ConsoleErrorCodes.SessionExpired or ConsoleErrorCodes.LoginFailed
            or ConsoleErrorCodes.LockedOut or ConsoleErrorCodes.Forbidden => Refused,
        _ => Failed,
    };
}

/// <summary>A usage error found by agentctl itself (exit code 2).</summary>
public sealed class UsageException : Exception
{
    public UsageException(string message) : base(message) { }
    public UsageException() { }
    public UsageException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>The agent cannot be reached (exit code 4).</summary>
public sealed class AgentUnreachableException : Exception
{
    public AgentUnreachableException(string message) : base(message) { }
    public AgentUnreachableException() { }
    public AgentUnreachableException(string message, Exception innerException) : base(message, innerException) { }
}
