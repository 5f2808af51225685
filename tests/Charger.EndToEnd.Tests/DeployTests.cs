using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Charger.EndToEnd.Tests;

/// <summary>The systemd units of deploy/ checked by systemd's own tools, and the agent's sd_notify protocol on a real socket.</summary>
public sealed class DeployTests
{
    private static string Unit(string name) => Path.Combine(Repo.Root, "deploy/systemd", name);

    /// <summary>Runs a program to its end; its exit code and its stdout followed by its stderr.</summary>
    internal static async Task<(int ExitCode, string Output)> RunAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, (await stdout) + (await stderr));
    }

    /// <summary>The unit with its ExecStart pointed at this build's binary: verify checks that the binary exists.</summary>
    private static string WithBuiltBinary(string unit, string installedPath, string builtDll)
    {
        var text = File.ReadAllText(Unit(unit));
        Assert.Contains("ExecStart=" + installedPath, text, StringComparison.Ordinal);
        var apphost = Path.Combine(Path.GetDirectoryName(builtDll)!, Path.GetFileNameWithoutExtension(builtDll));
        var dir = Repo.TempDir("units");
        var path = Path.Combine(dir, unit);
        File.WriteAllText(path, text.Replace("ExecStart=" + installedPath, "ExecStart=" + apphost, StringComparison.Ordinal));
        return path;
    }

    public static TheoryData<string, string, string> Units() => new()
    {
        { "charger-agent.service", "/opt/charger-agent/charger-agent", Repo.AgentDll },
        { "charger-cloud.service", "/opt/charger-cloud/charger-cloud", Repo.CloudDll },
    };

    [Theory]
    [MemberData(nameof(Units))]
    public async Task Unit_passes_systemd_analyze_verify_without_a_warning(string unit, string installedPath, string builtDll)
    {
        var (code, output) = await RunAsync("systemd-analyze", "verify", WithBuiltBinary(unit, installedPath, builtDll));

        Assert.True(code == 0 && output.Trim().Length == 0, $"systemd-analyze verify {unit}: exit {code}\n{output}");
    }

    [Theory]
    [MemberData(nameof(Units))]
    public async Task Unit_exposure_is_2_5_or_lower_and_it_is_a_notify_service(string unit, string installedPath, string builtDll)
    {
        _ = (installedPath, builtDll);
        var (code, output) = await RunAsync("systemd-analyze", "security", "--offline=true", "--no-pager", Unit(unit));

        var match = Regex.Match(output, @"Overall exposure level for \S+: (?<level>\d+\.\d+)");
        Assert.True(code == 0 && match.Success, $"systemd-analyze security {unit}: exit {code}\n{output}");
        var level = double.Parse(match.Groups["level"].Value, CultureInfo.InvariantCulture);
        Assert.True(level <= 2.5, $"{unit} exposure {level} > 2.5\n{output}");
        var text = await File.ReadAllTextAsync(Unit(unit));
        Assert.Contains("Type=notify", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Agent_unit_has_a_watchdog_restarts_and_reaches_only_gpio_and_i2c_devices()
    {
        var lines = File.ReadAllLines(Unit("charger-agent.service")).Select(l => l.Trim()).ToHashSet();

        Assert.Contains("WatchdogSec=30s", lines);
        Assert.Contains("Restart=always", lines);
        Assert.Contains("DevicePolicy=closed", lines);
        Assert.Equal(new[] { "DeviceAllow=char-gpiochip rw", "DeviceAllow=char-i2c rw" }, lines.Where(l => l.StartsWith("DeviceAllow=", StringComparison.Ordinal)).Order());
        Assert.Contains("LoadCredential=mqtt-password:/etc/charger-agent/mqtt-password", lines);
    }

    [Fact]
    public async Task Agent_says_READY_1_and_then_WATCHDOG_1_on_the_notify_socket()
    {
        var dir = Repo.TempDir("notify");
        var socketPath = Path.Combine(dir, "notify.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));
        using var agent = new ChildProcess("dotnet",
            [Repo.AgentDll, "--simulate", "--Agent:ChargerId=CP-NOTIFY", $"--Agent:DataDirectory={Path.Combine(dir, "agent")}", "--Mqtt:Password=unused", $"--Mqtt:Port={Repo.FreePort()}"],
            Path.GetDirectoryName(Repo.AgentDll)!, native: true,
            new Dictionary<string, string> { ["NOTIFY_SOCKET"] = socketPath, ["WATCHDOG_USEC"] = "2000000" });

        var messages = new List<string>();
        var buffer = new byte[4096];
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!messages.Contains("WATCHDOG=1"))
        {
            try
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
                messages.Add(Encoding.UTF8.GetString(buffer, 0, n).Trim());
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"no WATCHDOG=1 within 60 s; got [{string.Join(", ", messages)}]\n{agent.Output}");
            }
        }

        Assert.Contains("READY=1", messages);
        Assert.True(messages.IndexOf("READY=1") < messages.IndexOf("WATCHDOG=1"), $"READY=1 must come first: [{string.Join(", ", messages)}]");
        await agent.StopAsync();
    }
}

/// <summary>deploy/install-agent.sh and uninstall-agent.sh staging into a directory (as for a board image).</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class InstallScriptTests
{
    private static Task<(int ExitCode, string Output)> ScriptAsync(string script, params string[] args) =>
        DeployTests.RunAsync("bash", [Path.Combine(Repo.Root, "deploy", script), .. args]);

    private static (string Dir, string Publish, string Secret) Inputs()
    {
        var dir = Repo.TempDir("install");
        var publish = Path.Combine(dir, "publish");
        Directory.CreateDirectory(publish);
        File.WriteAllText(Path.Combine(publish, "charger-agent"), "#!/bin/sh\n");
        File.SetUnixFileMode(Path.Combine(publish, "charger-agent"), (UnixFileMode)0b111_101_101);
        var secret = Path.Combine(dir, "secret");
        File.WriteAllText(secret, "s3cret-from-enrol\n");
        return (dir, publish, secret);
    }

    [Fact]
    public async Task Install_stages_binaries_configuration_credential_unit_and_rules_with_tight_modes()
    {
        var (dir, publish, secret) = Inputs();
        var root = Path.Combine(dir, "root");

        var (code, output) = await ScriptAsync("install-agent.sh", "--publish", publish, "--charger-id", "CP-0042", "--broker", "mqtt.example.com:8883",
            "--secret-file", secret, "--root", root);

        Assert.True(code == 0, output);
        string In(string path) => Path.Combine(root, path.TrimStart('/'));
        Assert.True(File.Exists(In("/opt/charger-agent/charger-agent")));
        Assert.Equal((UnixFileMode)0b110_000_000, File.GetUnixFileMode(In("/etc/charger-agent/mqtt-password")));
        Assert.Equal("s3cret-from-enrol\n", await File.ReadAllTextAsync(In("/etc/charger-agent/mqtt-password")));
        Assert.Equal((UnixFileMode)0b110_100_000, File.GetUnixFileMode(In("/etc/charger-agent/agent.json")));
        Assert.Equal((UnixFileMode)0b111_101_000, File.GetUnixFileMode(In("/etc/charger-agent")));
        using var config = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(In("/etc/charger-agent/agent.json")));
        Assert.Equal("CP-0042", config.RootElement.GetProperty("Agent").GetProperty("ChargerId").GetString());
        var mqtt = config.RootElement.GetProperty("Mqtt");
        Assert.Equal(("mqtt.example.com", 8883, true), (mqtt.GetProperty("Host").GetString(), mqtt.GetProperty("Port").GetInt32(), mqtt.GetProperty("UseTls").GetBoolean()));
        Assert.DoesNotContain("s3cret", await File.ReadAllTextAsync(In("/etc/charger-agent/agent.json")), StringComparison.Ordinal);
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(Repo.Root, "deploy/systemd/charger-agent.service")), await File.ReadAllTextAsync(In("/etc/systemd/system/charger-agent.service")));
        Assert.True(File.Exists(In("/etc/udev/rules.d/60-charger-agent.rules")));
        Assert.Contains("\"version\":1", await File.ReadAllTextAsync(In("/etc/charger-agent/engineers.json")), StringComparison.Ordinal);

        // Uninstall keeps the journal and configuration; --purge removes them.
        Directory.CreateDirectory(In("/var/lib/charger-agent"));
        await File.WriteAllTextAsync(In("/var/lib/charger-agent/journal.db"), "events");
        Assert.Equal(0, (await ScriptAsync("uninstall-agent.sh", "--root", root)).ExitCode);
        Assert.False(Directory.Exists(In("/opt/charger-agent")));
        Assert.False(File.Exists(In("/etc/systemd/system/charger-agent.service")));
        Assert.True(File.Exists(In("/var/lib/charger-agent/journal.db")));
        Assert.True(File.Exists(In("/etc/charger-agent/agent.json")));
        Assert.Equal(0, (await ScriptAsync("uninstall-agent.sh", "--purge", "--root", root)).ExitCode);
        Assert.False(Directory.Exists(In("/var/lib/charger-agent")));
        Assert.False(Directory.Exists(In("/etc/charger-agent")));
    }

    [Theory]
    [InlineData("--charger-id", "CP 42", "not a valid charger id")]
    [InlineData("--broker", "mqtt.example.com:99999", "bad broker port")]
    [InlineData("--secret-file", "/nonexistent/secret", "missing or empty")]
    public async Task Install_refuses_bad_input_with_a_clear_error_and_stages_nothing(string option, string value, string expected)
    {
        var (dir, publish, secret) = Inputs();
        var root = Path.Combine(dir, "root");
        var args = new Dictionary<string, string> { ["--publish"] = publish, ["--charger-id"] = "CP-0042", ["--broker"] = "mqtt.example.com:8883", ["--secret-file"] = secret };
        args[option] = value;

        var (code, output) = await ScriptAsync("install-agent.sh", [.. args.SelectMany(a => new[] { a.Key, a.Value }), "--root", root]);

        Assert.NotEqual(0, code);
        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(root));
    }
}
