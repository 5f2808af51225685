using System.Net;
using System.Net.Sockets;

namespace Charger.Testing;

/// <summary>
/// A real mosquitto on a free loopback port with its own configuration: anonymous (the deploy configuration with mutual
/// TLS and ACLs is tested separately), and no persistence, so a restart loses every queued message and every session:
/// the worst a broker can do to the delivery guarantee.
/// </summary>
public sealed class MosquittoProcess : IDisposable
{
    private readonly string _config;
    private ChildProcess? _process;

    /// <summary>A mosquitto with the given configuration text; it must listen on <paramref name="port"/> on loopback.</summary>
    public MosquittoProcess(string dir, int port, string configuration)
    {
        Port = port;
        Directory.CreateDirectory(dir);
        _config = Path.Combine(dir, "mosquitto.conf");
        File.WriteAllText(_config, configuration);
    }

    public MosquittoProcess(string dir)
    {
        Port = Repo.FreePort();
        Directory.CreateDirectory(dir);
        _config = Path.Combine(dir, "mosquitto.conf");
        File.WriteAllLines(_config,
        [
            $"listener {Port} 127.0.0.1",
            "allow_anonymous true",
            "persistence false",
            "max_queued_messages 100000",
            "log_dest stderr",
            "log_type error",
            "log_type warning",
        ]);
    }

    public static string Executable { get; } =
        new[] { "/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("mosquitto is not installed; ./test.sh installs it (apt-get install mosquitto)");

    public int Port { get; }

    public string Output => _process?.Output ?? string.Empty;

    /// <summary>The running process's id (for /proc readings).</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("mosquitto is not running");

    public async Task StartAsync()
    {
        _process?.Dispose();
        _process = new ChildProcess(Executable, ["-c", _config], Path.GetDirectoryName(_config)!, native: true);
        var process = _process;
        await Eventually.TrueAsync(async () =>
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException("mosquitto exited:\n" + process.Output);
            }

            using var tcp = new TcpClient();
            try
            {
                await tcp.ConnectAsync(IPAddress.Loopback, Port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), () => "mosquitto did not listen:\n" + Output);
    }

    /// <summary>SIGKILL: the broker dies with whatever it had queued.</summary>
    public void KillHard() => _process?.KillHard();

    public void Dispose() => _process?.Dispose();
}
