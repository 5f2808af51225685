namespace Charger.Agent.EngineerConsole.Contracts;

/// <summary>Defaults shared by the agent's console server and agentctl.</summary>
public static class ConsoleDefaults
{
    /// <summary>File name of the socket in the agent's data directory.</summary>
    public const string SocketFileName = "agent.sock";

    /// <summary>The agent's default data directory on a board.</summary>
    public const string DataDirectory = "/var/lib/charger-agent";

    /// <summary>Longest request or reply line accepted (bytes, without the newline).</summary>
    public const int MaxLineBytes = 64 * 1024;

    /// <summary>Longest path of a Unix-domain socket (sun_path is 108 bytes with its terminating NUL).</summary>
    public const int MaxSocketPathBytes = 107;
}
