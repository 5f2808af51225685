using System.Globalization;

namespace Charger.Agent.EngineerConsole.Security;

/// <summary>
/// Who may use the console, checked on every connection in addition to the socket's file mode (which the kernel
/// enforces, except for root): root, the agent's own user, and members of the agent's group (its effective gid, the
/// service group), as primary or supplementary group. Groups come from <c>/proc/&lt;pid&gt;/status</c>.
/// </summary>
public sealed class PeerAccessPolicy(uint agentUid, uint agentGid)
{
    public uint AgentUid { get; } = agentUid;
    public uint AgentGid { get; } = agentGid;

    /// <summary>The policy of this process: its effective uid and gid.</summary>
    public static PeerAccessPolicy ForThisProcess()
    {
        var status = ProcStatus("self");
        return new PeerAccessPolicy(EffectiveId(status, "Uid:") ?? 0, EffectiveId(status, "Gid:") ?? 0);
    }

    public bool Allows(PeerCredentials peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (peer.Uid == 0 || peer.Uid == AgentUid || peer.Gid == AgentGid)
        {
            return true;
        }

        return SupplementaryGroups(peer.Pid).Contains(AgentGid);
    }

    private static IReadOnlyList<uint> SupplementaryGroups(int pid)
    {
        var line = ProcStatus(pid.ToString(CultureInfo.InvariantCulture)).FirstOrDefault(l => l.StartsWith("Groups:", StringComparison.Ordinal));
        return line is null
            ? []
            : line["Groups:".Length..].Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries)
                .Select(g => uint.TryParse(g, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : uint.MaxValue)
                .ToList();
    }

    private static uint? EffectiveId(IEnumerable<string> status, string key)
    {
        // "Uid:\treal\teffective\tsaved\tfs"
        var line = status.FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
        var fields = line?[key.Length..].Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        return fields is { Length: >= 2 } && uint.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
    }

    private static string[] ProcStatus(string pid)
    {
        try
        {
            return File.ReadAllLines($"/proc/{pid}/status");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
