using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Charger.Agent.EngineerConsole.Contracts;

namespace Charger.Agentctl;

/// <summary>One connection to the agent's console socket: sends requests, reads progress lines and the reply.</summary>
public sealed class ConsoleClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;

    private ConsoleClient(Socket socket, string path)
    {
        _socket = socket;
        Path = path;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = new StreamReader(_stream, new UTF8Encoding(false));
    }

    /// <summary>The socket connected to.</summary>
    public string Path { get; }

    /// <summary>Connects to <paramref name="path"/>.</summary>
    /// <exception cref="AgentUnreachableException">No agent there, or no permission to connect.</exception>
    public static async Task<ConsoleClient> ConnectAsync(string path, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
            return new ConsoleClient(socket, path);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            var why = ex.SocketErrorCode switch
            {
                SocketError.AccessDenied => "permission denied: only the agent's user and members of its service group may use the console",
                _ when !File.Exists(path) => "no such socket (is the agent running? for the demo: ./demo.sh, then --charger CP-DEMO-001)",
                SocketError.AddressNotAvailable or SocketError.ConnectionRefused => "no agent is listening there (is it running?)",
                _ => ex.Message,
            };
            throw new AgentUnreachableException($"cannot reach the agent at {path}: {why}", ex);
        }
    }

    /// <summary>Sends one request and returns the final reply; progress lines go to <paramref name="onProgress"/>.</summary>
    /// <exception cref="AgentUnreachableException">The connection broke.</exception>
    public async Task<ConsoleReply> SendAsync(ConsoleRequest request, Func<JsonElement, Task>? onProgress, CancellationToken cancellationToken)
    {
        try
        {
            var line = JsonSerializer.SerializeToUtf8Bytes(request, ConsoleJsonContext.Default.ConsoleRequest);
            await _stream.WriteAsync(line, cancellationToken).ConfigureAwait(false);
            await _stream.WriteAsync("\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            while (true)
            {
                var text = await _reader.ReadLineAsync(cancellationToken).ConfigureAwait(false)
                    ?? throw new AgentUnreachableException($"the agent at {Path} closed the connection");
                var reply = JsonSerializer.Deserialize(text, ConsoleJsonContext.Default.ConsoleReply)
                    ?? throw new AgentUnreachableException($"the agent at {Path} sent an empty reply");
                if (reply.IsProgress)
                {
                    if (onProgress is not null)
                    {
                        await onProgress(reply.Progress!.Value).ConfigureAwait(false);
                    }

                    continue;
                }

                return reply;
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or JsonException)
        {
            throw new AgentUnreachableException($"lost the agent at {Path}: {ex.Message}", ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        await _stream.DisposeAsync().ConfigureAwait(false);
        _socket.Dispose();
    }
}
