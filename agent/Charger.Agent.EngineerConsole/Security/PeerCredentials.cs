using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Charger.Agent.EngineerConsole.Security;

/// <summary>The process at the other end of a Unix-domain socket, as the kernel reports it (SO_PEERCRED).</summary>
public sealed record PeerCredentials(int Pid, uint Uid, uint Gid)
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;

    /// <summary>Origin as journaled in security events: <c>uid=1000 pid=4242</c>.</summary>
    public string Origin => string.Create(CultureInfo.InvariantCulture, $"uid={Uid} pid={Pid}");

    /// <summary>Reads SO_PEERCRED (struct ucred: pid, uid, gid) of a connected Unix-domain socket.</summary>
    public static PeerCredentials Of(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        Span<byte> ucred = stackalloc byte[12];
        var length = socket.GetRawSocketOption(SolSocket, SoPeerCred, ucred);
        if (length < 12)
        {
            throw new SocketException((int)SocketError.ProtocolNotSupported);
        }

        // Native byte order: the struct comes straight from the kernel.
        return new PeerCredentials(
            MemoryMarshal.Read<int>(ucred),
            MemoryMarshal.Read<uint>(ucred[4..]),
            MemoryMarshal.Read<uint>(ucred[8..]));
    }
}
