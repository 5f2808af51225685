using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Charger.Testing;

/// <summary>Paths of the repository and of the built executables under test.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Configuration { get; } = AppContext.BaseDirectory.Contains("/bin/Release/", StringComparison.Ordinal) ? "Release" : "Debug";

    public static string CloudDll => Path.Combine(Root, "cloud/Charger.Cloud/bin", Configuration, "net10.0/charger-cloud.dll");

    public static string AgentDll => Path.Combine(Root, "agent/Charger.Agent/bin", Configuration, "net10.0/charger-agent.dll");

    public static string TempDir(string name)
    {
        var dir = Path.Combine(Root, ".test", "e2e", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Agent.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Agent.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A child process with its output captured, killed when disposed.</summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    /// <summary>Runs a .NET program: <c>dotnet dll args</c>.</summary>
    public ChildProcess(string dll, IEnumerable<string> args, string workingDirectory)
        : this("dotnet", args.Prepend(dll), workingDirectory, native: true)
    {
    }

    /// <summary>Runs an executable (e.g. mosquitto).</summary>
    public ChildProcess(string executable, IEnumerable<string> args, string workingDirectory, bool native, IReadOnlyDictionary<string, string>? environment = null)
    {
        _ = native;
        var psi = new ProcessStartInfo(executable) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }

        psi.Environment["DOTNET_NOLOGO"] = "1";
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>SIGKILL: no chance to clean up, like a power cut for the process.</summary>
    public void KillHard()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    /// <summary>SIGTERM and wait: a clean stop.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await _process.WaitForExitAsync(cts.Token);
    }

    public void Dispose()
    {
        KillHard();
        _process.Dispose();
    }
}

/// <summary>A real charger-cloud process on free loopback ports with its own data directory.</summary>
public sealed class CloudProcess : IAsyncDisposable
{
    private ChildProcess? _process;

    /// <param name="externalBrokerPort">When set, the embedded broker is off and the receiver connects to the broker on
    /// this loopback port (mosquitto); <see cref="MqttPort"/> is then that broker's port.</param>
    public CloudProcess(string dataDir, int? httpPort = null, int? mqttPort = null, int? externalBrokerPort = null)
    {
        DataDir = dataDir;
        HttpPort = httpPort ?? Repo.FreePort();
        ExternalBrokerPort = externalBrokerPort;
        MqttPort = externalBrokerPort ?? mqttPort ?? Repo.FreePort();
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}") };
    }

    /// <summary>A new process on another data directory with the same ports (a restart of the same server).</summary>
    public CloudProcess WithDataDir(string dataDir) => new(dataDir, HttpPort, MqttPort, ExternalBrokerPort) { ExtraArgs = ExtraArgs, Dll = Dll };

    public int? ExternalBrokerPort { get; }

    /// <summary>More command-line settings (e.g. the ingress's TLS files).</summary>
    public IReadOnlyList<string> ExtraArgs { get; init; } = [];

    /// <summary>The charger-cloud build to run (a copy, for a run that must survive a rebuild).</summary>
    public string Dll { get; init; } = Repo.CloudDll;

    public string DataDir { get; }
    public int HttpPort { get; }
    public int MqttPort { get; }
    public HttpClient Http { get; }
    public string Output => _process?.Output ?? string.Empty;

    /// <summary>The running process's id (for /proc readings).</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("charger-cloud is not running");

    public async Task StartAsync()
    {
        string[] broker = ExternalBrokerPort is { } external
            ? ["--Broker:Enabled=false", "--Ingress:Host=127.0.0.1", $"--Ingress:Port={external}", "--Ingress:ClientId=charger-cloud-receiver",
               "--Ingress:ReconnectMinDelay=00:00:00.100", "--Ingress:ReconnectMaxDelay=00:00:00.500"]
            : [$"--Broker:Port={MqttPort}"];
        broker = [.. broker, .. ExtraArgs];
        _process = new ChildProcess(Dll,
            [$"--Cloud:DataDirectory={DataDir}", $"--Cloud:Http:Url=http://127.0.0.1:{HttpPort}", .. broker],
            Path.GetDirectoryName(Dll)!);
        await Eventually.TrueAsync(async () =>
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException("charger-cloud exited:\n" + _process.Output);
            }

            try
            {
                // Healthy, and the receiver subscribed at its broker: nothing published from now on can miss it.
                var response = await Http.GetAsync("/healthz");
                return response.IsSuccessStatusCode && !(await response.Content.ReadAsStringAsync()).Contains("\"ingress\":\"connecting\"", StringComparison.Ordinal);
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), () => "charger-cloud did not become healthy:\n" + Output);
        await SignInAsync();
    }

    /// <summary>
    /// Signs <see cref="Http"/> in as an operator would after a first start: the user id and password from the
    /// <c>admin-credential</c> file in the data directory (written by whichever receiver created the administrator), then an
    /// API token sent as <c>Authorization: Bearer</c> on every later request.
    /// </summary>
    private async Task SignInAsync()
    {
        var credential = Path.Combine(DataDir, "admin-credential");
        if (!File.Exists(credential))
        {
            // A build from before sign-in (charger-bench --cloud-dll measuring an older build): its API is open.
            return;
        }

        string? user = null, password = null;
        foreach (var line in await File.ReadAllLinesAsync(credential))
        {
            user = line.StartsWith("user=", StringComparison.Ordinal) ? line[5..] : user;
            password = line.StartsWith("password=", StringComparison.Ordinal) ? line[9..] : password;
        }

        using var login = await Http.PostAsync("/api/v1/auth/login", JsonContent.Create(new Dictionary<string, string?> { ["userId"] = user, ["password"] = password }));
        Assert.True(login.IsSuccessStatusCode, $"sign-in as {user}: {(int)login.StatusCode} {await login.Content.ReadAsStringAsync()}\n{Output}");
        using var created = await Http.PostAsync("/api/v1/auth/tokens", JsonContent.Create(new Dictionary<string, string> { ["name"] = "end-to-end" }));
        var body = await created.Content.ReadAsStringAsync();
        Assert.True(created.IsSuccessStatusCode, $"token: {(int)created.StatusCode} {body}");
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", JsonDocument.Parse(body).RootElement.GetProperty("token").GetString());
    }

    public void KillHard() => _process?.KillHard();

    /// <summary>Runs <c>charger-cloud enrol</c> and returns the secret it prints.</summary>
    public async Task<string> EnrolAsync(string chargerId)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(Dll)! };
        foreach (var a in new[] { Dll, "enrol", chargerId, "--data-dir", DataDir })
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stdout = await p.StandardOutput.ReadToEndAsync();
        var stderr = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, $"enrol failed ({p.ExitCode}): {stderr}");
        return stdout.Trim();
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        var response = await Http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>The JSON at <paramref name="path"/>, or null while it is 404 (not seen yet).</summary>
    public async Task<JsonElement?> TryGetJsonAsync(string path)
    {
        var response = await Http.GetAsync(path);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Every stored event of a charger, following the pages (empty while the charger is unknown).</summary>
    public async Task<List<JsonElement>> AllEventsAsync(string chargerId)
    {
        var all = new List<JsonElement>();
        long after = 0;
        while (true)
        {
            if (await TryGetJsonAsync($"/api/v1/chargers/{chargerId}/events?afterSeq={after}&limit=1000") is not { } page)
            {
                return all;
            }

            var items = page.GetProperty("items").EnumerateArray().ToList();
            all.AddRange(items);
            if (items.Count == 0 || page.GetProperty("nextAfterSeq").ValueKind == JsonValueKind.Null)
            {
                return all;
            }

            after = page.GetProperty("nextAfterSeq").GetInt64();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.StopAsync().ConfigureAwait(false);
            _process.Dispose();
        }

        Http.Dispose();
    }
}

/// <summary>
/// Waits for a condition observed through a real interface (the HTTP API, the engineer console) that a process reaches on
/// its own, with no event to await: looked at again every poll interval until the deadline.
/// </summary>
public static class Eventually
{
    /// <summary>Up to 15 s, looked at every 20 ms (an agent's own poll loop); fails naming <paramref name="what"/>.</summary>
    public static Task TrueAsync(Func<Task<bool>> condition, string what) =>
        TrueAsync(condition, TimeSpan.FromSeconds(15), () => $"timed out waiting for {what}", TimeSpan.FromMilliseconds(20));

    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> describe, TimeSpan? poll = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await condition())
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail(describe());
            }

            await Task.Delay(poll ?? TimeSpan.FromMilliseconds(100));
        }
    }
}
