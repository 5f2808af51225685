using System.Net.Sockets;
using System.Text.Json;
using Charger.Agent.EngineerConsole.Commands;
using Charger.Agent.EngineerConsole.Contracts;
using Charger.Agent.EngineerConsole.Engineers;
using Charger.Agent.EngineerConsole.Security;
using Charger.Protocol;
using Microsoft.Extensions.Logging;

namespace Charger.Agent.EngineerConsole;

/// <summary>
/// The engineer's console of one agent: a Unix-domain socket (mode <see cref="ConsoleOptions.SocketMode"/>) speaking
/// newline-delimited JSON (see the project README). Each connection's peer is identified with SO_PEERCRED and must be
/// root, the agent's user or a member of the agent's group; its uid/pid is the <c>origin</c> of security events.
/// </summary>
public sealed class ConsoleServer : IAsyncDisposable
{
    private readonly ConsoleOptions _options;
    private readonly IConsoleAgent _agent;
    private readonly PeerAccessPolicy _policy;
    private readonly ILogger _logger;
    private readonly ConsoleContext _context;
    private readonly ConsoleDispatcher _dispatcher;
    private readonly SemaphoreSlim _slots;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Lock _gate = new();
    private Socket? _listener;
    private Task _accepting = Task.CompletedTask;

    /// <param name="options">Validated console options.</param>
    /// <param name="dataDirectory">The agent's data directory (default home of the socket and the engineers file).</param>
    /// <param name="agent">The agent served.</param>
    /// <param name="time">Clock of sessions and back-off.</param>
    /// <param name="logger">Logger of the console.</param>
    /// <param name="policy">Who may connect; by default this process's user and group.</param>
    public ConsoleServer(ConsoleOptions options, string dataDirectory, IConsoleAgent agent, TimeProvider time, ILogger<ConsoleServer> logger, PeerAccessPolicy? policy = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _agent = agent;
        _time = time;
        _logger = logger;
        _policy = policy ?? PeerAccessPolicy.ForThisProcess();
        SocketPath = options.ResolveSocketPath(dataDirectory);
        if (ConsoleOptions.CheckSocketPath(SocketPath) is { } error)
        {
            throw new ArgumentException(error, nameof(options));
        }

        Engineers = new EngineerDirectory(options.ResolveEngineersFile(dataDirectory));
        _context = new ConsoleContext(agent, options, Engineers, time, logger, options.ResolveDocumentsDirectory(dataDirectory));
        _dispatcher = new ConsoleDispatcher(_context);
        _slots = new SemaphoreSlim(options.MaxConnections, options.MaxConnections);
    }

    /// <summary>Where the socket is.</summary>
    public string SocketPath { get; }

    /// <summary>The provisioned engineers.</summary>
    public EngineerDirectory Engineers { get; }

    /// <summary>Binds the socket (replacing a stale one), sets its mode, and starts accepting.</summary>
    /// <exception cref="InvalidOperationException">Another process serves the socket already.</exception>
    public void Start()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(SocketPath)!);
        if (File.Exists(SocketPath))
        {
            if (SomeoneListens(SocketPath))
            {
                throw new InvalidOperationException($"Another process already serves the console socket {SocketPath} ({ConsoleOptions.Section}:SocketPath).");
            }

            File.Delete(SocketPath);
            ConsoleLog.StaleSocketRemoved(_logger, SocketPath);
        }

        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
            // The window between bind and chmod is closed by the per-connection peer check.
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(SocketPath, _options.ParseSocketMode());
            }

            listener.Listen(_options.MaxConnections);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        _listener = listener;
        ConsoleLog.Listening(_logger, SocketPath, _options.SocketMode, Engineers.Path);
        _accepting = Task.Run(() => AcceptAsync(listener, _stop.Token), CancellationToken.None);
    }

    private async Task AcceptAsync(Socket listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException && cancellationToken.IsCancellationRequested)
            {
                return;
            }

            var serving = Task.Run(() => ServeAsync(client, cancellationToken), CancellationToken.None);
            lock (_gate)
            {
                _connections.RemoveAll(t => t.IsCompleted);
                _connections.Add(serving);
            }
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken cancellationToken)
    {
        using var socket = client;
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var reader = new LineReader(stream, ConsoleDefaults.MaxLineBytes);
        PeerCredentials peer;
        try
        {
            peer = PeerCredentials.Of(socket);
        }
        catch (SocketException ex)
        {
            ConsoleLog.ConnectionDropped(_logger, "unknown peer", ex.Message);
            return;
        }

        if (!await _slots.WaitAsync(0, cancellationToken).ConfigureAwait(false))
        {
            await WriteAsync(stream, ConsoleDispatcher.Error(ConsoleErrorCodes.Internal, "The console is busy (too many connections); try again."), cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            if (!_policy.Allows(peer))
            {
                await RefuseAsync(stream, reader, peer, cancellationToken).ConfigureAwait(false);
                return;
            }

            while (!cancellationToken.IsCancellationRequested)
            {
                byte[]? line;
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                using (_time.CreateTimer(static state => ((CancellationTokenSource)state!).Cancel(), idle, _options.IdleTimeout, Timeout.InfiniteTimeSpan))
                {
                    try
                    {
                        line = await reader.ReadLineAsync(idle.Token).ConfigureAwait(false);
                    }
                    catch (InvalidDataException ex)
                    {
                        await WriteAsync(stream, ConsoleDispatcher.Error(ConsoleErrorCodes.BadRequest, $"Request refused: {ex.Message}."), cancellationToken).ConfigureAwait(false);
                        return;
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        // Nothing asked for IdleTimeout: the slot goes back to the others.
                        ConsoleLog.IdleConnectionClosed(_logger, peer.Origin, _options.IdleTimeout);
                        return;
                    }
                }

                if (line is null)
                {
                    return;
                }

                if (line.Length == 0)
                {
                    continue;
                }

                var reply = await HandleLineAsync(line, peer, stream, cancellationToken).ConfigureAwait(false);
                await WriteAsync(stream, reply, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            if (!cancellationToken.IsCancellationRequested)
            {
                ConsoleLog.ConnectionDropped(_logger, peer.Origin, ex.Message);
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task<ConsoleReply> HandleLineAsync(byte[] line, PeerCredentials peer, Stream stream, CancellationToken cancellationToken)
    {
        ConsoleRequest? request;
        try
        {
            request = JsonSerializer.Deserialize(line, ConsoleJsonContext.Default.ConsoleRequest);
        }
        catch (JsonException ex)
        {
            return ConsoleDispatcher.Error(ConsoleErrorCodes.BadRequest, $"Not a valid request ({{\"command\":\"...\",\"args\":{{...}},\"session\":\"...\"}}): {ex.Message}");
        }

        if (request is null || string.IsNullOrWhiteSpace(request.Command))
        {
            return ConsoleDispatcher.Error(ConsoleErrorCodes.BadRequest, "Not a valid request: 'command' is missing.");
        }

        var call = new ConsoleCall(request, peer, (progress, ct) => WriteAsync(stream, new ConsoleReply { Progress = progress }, ct));
        return await _dispatcher.HandleAsync(call, cancellationToken).ConfigureAwait(false);
    }

    private async Task RefuseAsync(Stream stream, LineReader reader, PeerCredentials peer, CancellationToken cancellationToken)
    {
        ConsoleLog.AccessRefused(_logger, peer.Origin, peer.Gid);
        await _context.AuditAsync(SecurityEventKinds.ConsoleAccessRefused, null, peer,
            $"gid {peer.Gid} is not the agent's group {_policy.AgentGid}", cancellationToken).ConfigureAwait(false);
        try
        {
            // Read the request first so that closing does not reset the connection under the reply.
            await reader.ReadLineAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidDataException)
        {
        }

        await WriteAsync(stream, ConsoleDispatcher.Error(ConsoleErrorCodes.Forbidden,
            "Access refused: only the agent's user and members of its group may use the console."), cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteAsync(Stream stream, ConsoleReply reply, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(reply, ConsoleJsonContext.Default.ConsoleReply);
        await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        await stream.WriteAsync("\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static bool SomeoneListens(string path)
    {
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _listener?.Dispose();
        await _accepting.ConfigureAwait(false);
        Task[] connections;
        lock (_gate)
        {
            connections = [.. _connections];
        }

        await Task.WhenAll(connections).ConfigureAwait(false);
        if (_listener is not null)
        {
            try
            {
                File.Delete(SocketPath);
            }
            catch (IOException)
            {
            }
        }

        _stop.Dispose();
        _slots.Dispose();
    }
}
