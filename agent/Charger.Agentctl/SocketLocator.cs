using System.Text.Json;
using Charger.Agent.EngineerConsole.Contracts;
using Charger.Protocol;

namespace Charger.Agentctl;

/// <summary>Finds the agent's socket: --socket, --charger (demo fleet), or the board's agent configuration.</summary>
public static class SocketLocator
{
    /// <summary>The agent configuration agentctl reads on a board.</summary>
    public const string AgentConfiguration = "/etc/charger-agent/agent.json";

    public static string Resolve(string? socket, string? charger, AgentctlEnvironment env)
    {
        ArgumentNullException.ThrowIfNull(env);
        if (socket is not null && charger is not null)
        {
            throw new UsageException("give either --socket or --charger, not both.");
        }

        if (socket is not null)
        {
            return socket;
        }

        if (charger is not null)
        {
            if (!ChargerId.IsValid(charger))
            {
                throw new UsageException($"--charger '{charger}' is not a charger id ([A-Za-z0-9._-]{{1,64}}).");
            }

            return Path.Combine(env.DemoDirectory, charger, ConsoleDefaults.SocketFileName);
        }

        return env.DefaultSocket;
    }

    /// <summary>
    /// <c>Console:SocketPath</c> of the agent's configuration file, else <c>Agent:DataDirectory</c>/agent.sock, else the
    /// default data directory's socket.
    /// </summary>
    public static string FromAgentConfiguration(string path = AgentConfiguration)
    {
        var dataDirectory = ConsoleDefaults.DataDirectory;
        try
        {
            if (File.Exists(path))
            {
                using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
                if (Get(doc.RootElement, "Console", "SocketPath") is { Length: > 0 } socket)
                {
                    return socket;
                }

                dataDirectory = Get(doc.RootElement, "Agent", "DataDirectory") ?? dataDirectory;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            // Fall back to the default place.
        }

        return Path.Combine(dataDirectory, ConsoleDefaults.SocketFileName);
    }

    private static string? Get(JsonElement root, string section, string key) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(section, out var s) && s.ValueKind == JsonValueKind.Object
            && s.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()
            : null;
}
