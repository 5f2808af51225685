using System.Diagnostics;
using Charger.Agent.EngineerConsole;
using Charger.Agent.EngineerConsole.Contracts;
using Charger.Agent.EngineerConsole.Engineers;
using Charger.Protocol;

namespace Charger.Agentctl.Tests;

/// <summary>Logins, back-off, sessions and who may connect; each refusal is audited as a security event.</summary>
public sealed class SecurityTests
{
    private static readonly UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task A_wrong_pin_is_refused_and_audited_with_user_and_origin()
    {
        await using var agent = await RunningAgent.StartAsync();

        var result = await agent.LoginAsync(pin: "000000");

        Assert.Equal(ExitCodes.Refused, result.Code);
        Assert.Contains("unknown engineer or wrong PIN", result.Err);
        Assert.False(Directory.Exists(Path.Combine(agent.StateDirectory, "sessions")) && Directory.EnumerateFiles(Path.Combine(agent.StateDirectory, "sessions")).Any());
        var audit = Assert.Single(await agent.SecurityEventsAsync());
        Assert.Equal(SecurityEventKinds.MaintenanceLoginFailed, audit.Kind);
        Assert.Equal(RunningAgent.Engineer, audit.User);
        Assert.Equal($"uid=0 pid={Environment.ProcessId}", audit.Origin);
        Assert.Equal("wrong PIN", audit.Detail);
    }

    [Fact]
    public async Task An_accepted_login_is_audited_and_its_token_kept_in_a_private_file()
    {
        await using var agent = await RunningAgent.StartAsync();

        var result = await agent.LoginAsync();
        var status = (await agent.CtlAsync("status", "--json")).Json;

        Assert.Equal(ExitCodes.Ok, result.Code);
        Assert.Contains("Logged in as eng-1 (Jane Doe)", result.Out);
        var file = Assert.Single(Directory.GetFiles(Path.Combine(agent.StateDirectory, "sessions")));
        Assert.Equal(Private, File.GetUnixFileMode(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(file)!));
        Assert.Equal(RunningAgent.Engineer, status.GetProperty("engineer").GetString());
        var audit = Assert.Single(await agent.SecurityEventsAsync());
        Assert.Equal(SecurityEventKinds.MaintenanceLoginAccepted, audit.Kind);
        Assert.Equal(RunningAgent.Engineer, audit.User);
    }

    [Fact]
    public async Task Five_failures_lock_logins_out_and_the_back_off_doubles()
    {
        await using var agent = await RunningAgent.StartAsync();
        for (var i = 1; i <= 4; i++)
        {
            Assert.Equal(ExitCodes.Refused, (await agent.LoginAsync(pin: "000000")).Code);
        }

        var fifth = await agent.LoginAsync(pin: "000000");
        Assert.Contains("try again in 30 s", fifth.Err);
        Assert.Contains(ConsoleErrorCodes.LockedOut, fifth.Err);

        var rightPinWhileLocked = await agent.LoginAsync();
        Assert.Equal(ExitCodes.Refused, rightPinWhileLocked.Code);
        Assert.Contains(ConsoleErrorCodes.LockedOut, rightPinWhileLocked.Err);

        agent.Clock.Advance(TimeSpan.FromSeconds(30));
        var sixth = await agent.LoginAsync(pin: "000000");
        Assert.Contains("try again in 60 s", sixth.Err);

        agent.Clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(ExitCodes.Ok, (await agent.LoginAsync()).Code);

        var audit = await agent.SecurityEventsAsync();
        Assert.Equal(7, audit.Count(a => a.Kind == SecurityEventKinds.MaintenanceLoginFailed));
        Assert.Contains(audit, a => a.Detail!.StartsWith("locked out", StringComparison.Ordinal));
        Assert.Equal(SecurityEventKinds.MaintenanceLoginAccepted, audit[^1].Kind);
    }

    [Fact]
    public async Task Twelve_wrong_pins_at_once_are_counted_before_they_are_checked_so_at_most_five_are_tried()
    {
        // A PIN hash as costly as in the field, so that the checks overlap.
        await using var agent = await RunningAgent.StartAsync(pinIterations: 600_000);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => agent.LoginAsync(pin: "000000")));

        // "Login failed" means the PIN was checked; "Too many failed logins" means it was refused before any check.
        var tried = attempts.Count(a => a.Err.Contains("Login failed", StringComparison.Ordinal));
        Assert.InRange(tried, 1, 5);
        Assert.Equal(12 - tried, attempts.Count(a => a.Err.Contains("Too many failed logins", StringComparison.Ordinal)));
        Assert.All(attempts, a => Assert.Equal(ExitCodes.Refused, a.Code));
    }

    [Fact]
    public async Task Failures_from_one_caller_lock_out_every_engineer_from_that_caller()
    {
        await using var agent = await RunningAgent.StartAsync();
        for (var i = 1; i <= 5; i++)
        {
            await agent.LoginAsync(pin: "000000", engineer: $"guess-{i}");
        }

        var genuine = await agent.LoginAsync();

        Assert.Equal(ExitCodes.Refused, genuine.Code);
        Assert.Contains(ConsoleErrorCodes.LockedOut, genuine.Err);
        var audit = await agent.SecurityEventsAsync();
        Assert.Equal(["unknown engineer", "unknown engineer", "unknown engineer", "unknown engineer"], audit.Take(4).Select(a => a.Detail));
        Assert.Equal(RunningAgent.Engineer, audit[^1].User);
    }

    [Fact]
    public async Task An_expired_session_is_refused_audited_and_changes_nothing()
    {
        await using var agent = await RunningAgent.StartAsync(new ConsoleOptions { SessionTimeout = TimeSpan.FromMinutes(30) });
        await agent.LoginAsync();
        agent.Clock.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(ExitCodes.Ok, (await agent.CtlAsync("maintenance", "enter")).Code); // each use extends the session
        agent.Clock.Advance(TimeSpan.FromMinutes(31));

        var exit = await agent.CtlAsync("maintenance", "exit");

        Assert.Equal(ExitCodes.Refused, exit.Code);
        Assert.Contains("session expired", exit.Err);
        Assert.Equal(DiagnosticState.Maintenance, await agent.StateAsync());
        var refused = (await agent.SecurityEventsAsync()).Last();
        Assert.Equal(SecurityEventKinds.MaintenanceSessionRefused, refused.Kind);
        Assert.Equal(RunningAgent.Engineer, refused.User);
        Assert.Equal("maintenance: session expired", refused.Detail);
        Assert.Empty(Directory.GetFiles(Path.Combine(agent.StateDirectory, "sessions")));
    }

    [Theory]
    [InlineData("maintenance", "enter")]
    [InlineData("selftest")]
    [InlineData("fault", "reset", "GroundFailure", "--reason", "no login")]
    public async Task Commands_that_change_state_or_record_need_a_login(params string[] args)
    {
        await using var agent = await RunningAgent.StartAsync();
        var seq = agent.LastSeq;

        var result = await agent.CtlAsync(args);

        Assert.Equal(ExitCodes.Refused, result.Code);
        Assert.Contains("not logged in", result.Err);
        Assert.Equal(DiagnosticState.Operational, await agent.StateAsync());
        Assert.Empty(await agent.ServiceRecordsAsync());
        var audit = Assert.Single(await agent.SecurityEventsAsync());
        Assert.Equal(SecurityEventKinds.MaintenanceSessionRefused, audit.Kind);
        Assert.Equal(seq + 1, agent.LastSeq); // the audit event and nothing else
    }

    [Fact]
    public async Task Logout_ends_the_session_and_is_audited()
    {
        await using var agent = await RunningAgent.StartAsync();
        await agent.LoginAsync();

        var logout = await agent.CtlAsync("logout");
        var after = await agent.CtlAsync("maintenance", "enter");

        Assert.Equal(ExitCodes.Ok, logout.Code);
        Assert.Equal(ExitCodes.Refused, after.Code);
        Assert.Contains(await agent.SecurityEventsAsync(), a => a.Kind == SecurityEventKinds.MaintenanceLogout && a.User == RunningAgent.Engineer);
    }

    [Fact]
    public async Task A_connection_that_sends_nothing_is_closed_after_the_idle_timeout_and_frees_its_slot()
    {
        var idleTimeout = TimeSpan.FromMinutes(1);
        await using var agent = await RunningAgent.StartAsync(new ConsoleOptions { MaxConnections = 1, IdleTimeout = idleTimeout });

        // One group member takes the only slot and sends nothing: the console arms its idle timer for that connection.
        var armed = agent.Clock.TimerArmedAsync(idleTimeout);
        using var holder = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        await holder.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(agent.Server.SocketPath));
        await armed.WaitAsync(TimeSpan.FromSeconds(30));

        var busy = await agent.CtlAsync("status");
        Assert.NotEqual(ExitCodes.Ok, busy.Code);
        Assert.Contains("busy", busy.Err, StringComparison.Ordinal);

        // The console's clock passes the idle timeout: the connection is closed, and the slot serves the next command.
        var closed = holder.ReceiveAsync(new byte[1024], System.Net.Sockets.SocketFlags.None);
        agent.Clock.Advance(idleTimeout);
        Assert.Equal(0, await closed.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(ExitCodes.Ok, (await agent.CtlAsync("status")).Code);
    }

    [Fact]
    public async Task An_unreachable_agent_exits_4()
    {
        await using var agent = await RunningAgent.StartAsync();

        var result = await agent.CtlAsync("--socket", Path.Combine(agent.Root, "nobody-here.sock"), "status");

        Assert.Equal(ExitCodes.Unreachable, result.Code);
        Assert.Contains("cannot reach the agent", result.Err);
    }

    [Fact]
    public async Task The_socket_is_only_for_the_agents_user_and_group_and_others_cannot_connect()
    {
        await using var agent = await RunningAgent.StartAsync();

        Assert.Equal((UnixFileMode)Convert.ToInt32("660", 8), File.GetUnixFileMode(agent.Server.SocketPath));
        if (!CanRunAsNobody())
        {
            return; // the mode above is what the kernel enforces; running a second user needs root and setpriv
        }

        var (code, _, err) = await RunAsNobodyAsync(agent, "status");

        Assert.Equal(ExitCodes.Unreachable, code);
        Assert.Contains("permission denied", err);
    }

    [Fact]
    public async Task A_caller_outside_the_group_is_refused_by_the_agent_itself_and_audited()
    {
        // The socket's mode is opened up so that only the agent's own SO_PEERCRED check stands in the way.
        await using var agent = await RunningAgent.StartAsync(new ConsoleOptions { SocketMode = "0666" });
        if (!CanRunAsNobody())
        {
            Assert.True(new Charger.Agent.EngineerConsole.Security.PeerAccessPolicy(0, 0).Allows(new Charger.Agent.EngineerConsole.Security.PeerCredentials(1, 0, 0)));
            Assert.False(new Charger.Agent.EngineerConsole.Security.PeerAccessPolicy(0, 0).Allows(new Charger.Agent.EngineerConsole.Security.PeerCredentials(Environment.ProcessId, 65534, 65534)));
            return;
        }

        var (code, _, err) = await RunAsNobodyAsync(agent, "status");

        Assert.Equal(ExitCodes.Refused, code);
        Assert.Contains(ConsoleErrorCodes.Forbidden, err);
        var audit = Assert.Single(await agent.SecurityEventsAsync());
        Assert.Equal(SecurityEventKinds.ConsoleAccessRefused, audit.Kind);
        Assert.StartsWith("uid=65534 ", audit.Origin);
    }

    [Fact]
    public async Task Engineer_add_prints_a_generated_pin_once_stores_only_its_hash_privately_and_the_pin_logs_in()
    {
        await using var agent = await RunningAgent.StartAsync();
        var file = Path.Combine(agent.DataDirectory, "engineers.json");
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = EngineerCommandLine.Run(["add", "eng-2", "--name", "Sam Field"], file, stdout, stderr, new StringReader(""), TimeProvider.System);

        Assert.Equal(0, code);
        var pin = stdout.ToString().Trim();
        Assert.Matches("^[0-9]{8}$", pin);
        Assert.DoesNotContain(pin, await File.ReadAllTextAsync(file));
        Assert.Equal(Private, File.GetUnixFileMode(file));
        Assert.Equal(PinHasher.DefaultIterations, EngineerFile.Read(file).Engineers.Single(e => e.Id == "eng-2").Iterations);
        Assert.Equal(ExitCodes.Ok, (await agent.LoginAsync(pin, "eng-2")).Code);
        Assert.Equal(2, EngineerCommandLine.Run(["add", "bad id!"], file, stdout, stderr, new StringReader(""), TimeProvider.System));
    }

    private static bool CanRunAsNobody() => Environment.UserName == "root" && File.Exists("/usr/bin/setpriv");

    /// <summary>Runs the built agentctl as user and group nobody (65534), outside the agent's group.</summary>
    private static async Task<(int Code, string Out, string Err)> RunAsNobodyAsync(RunningAgent agent, params string[] args)
    {
        var start = new ProcessStartInfo("/usr/bin/setpriv")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])["--reuid=65534", "--regid=65534", "--clear-groups", DotnetHost(), AgentctlDll(), "--socket", agent.Server.SocketPath])
        {
            start.ArgumentList.Add(a);
        }

        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["HOME"] = "/tmp";
        start.Environment["DOTNET_CLI_HOME"] = "/tmp";
        start.Environment["AGENTCTL_STATE_DIR"] = "/tmp/agentctl-nobody-state";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : Environment.ProcessPath is { } p && Path.GetFileName(p) == "dotnet" ? p
        : "/usr/share/dotnet/dotnet";

    private static string AgentctlDll()
    {
        var here = Path.Combine(AppContext.BaseDirectory, "agentctl.dll");
        Assert.True(File.Exists(here) && File.Exists(Path.Combine(AppContext.BaseDirectory, "agentctl.runtimeconfig.json")), "agentctl.dll and its runtimeconfig next to the tests");

        // A copy that user nobody can read wherever the repository was cloned (a clone under a 0700 directory would hide it).
        var copy = Path.Combine(Path.GetTempPath(), "agentctl-nobody-bin-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (!File.Exists(Path.Combine(copy, "agentctl.dll")))
        {
            Directory.CreateDirectory(copy);
            File.SetUnixFileMode(copy, (UnixFileMode)Convert.ToInt32("755", 8));
            foreach (var file in Directory.EnumerateFiles(AppContext.BaseDirectory).Where(f => f.EndsWith(".dll", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal)))
            {
                var target = Path.Combine(copy, Path.GetFileName(file));
                File.Copy(file, target, overwrite: true);
                File.SetUnixFileMode(target, (UnixFileMode)Convert.ToInt32("644", 8));
            }
        }

        return Path.Combine(copy, "agentctl.dll");
    }
}
