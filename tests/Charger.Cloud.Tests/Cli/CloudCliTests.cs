using Charger.Cloud.Store;
using System.Diagnostics;
using Charger.Cloud.Cli;
using Charger.Cloud.Store.Sqlite;
using Charger.Cloud.Tests.Support;

namespace Charger.Cloud.Tests.Cli;

/// <summary>The <c>enrol</c> and <c>revoke</c> verbs of charger-cloud.</summary>
public sealed class CloudCliTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private async Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CloudCli.RunAsync(args, stdout, stderr, CancellationToken.None);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private async Task<bool> VerifyAsync(string chargerId, string secret)
    {
        using var db = new SqliteDatabase(Path.Combine(_dir.Path, "cloud.db"));
        return await new ChargerCredentialStore(db, TimeProvider.System).VerifyAsync(chargerId, secret, CancellationToken.None);
    }

    [Fact]
    public async Task Enrol_prints_only_the_new_secret_on_stdout_and_it_verifies()
    {
        var (exit, stdout, stderr) = await RunAsync("enrol", "CP-1", "--data-dir", _dir.Path);

        Assert.Equal(0, exit);
        var secret = stdout.TrimEnd('\n', '\r');
        Assert.Matches("^[A-Za-z0-9_-]{43}$", secret);
        Assert.Contains("CP-1", stderr, StringComparison.Ordinal);
        Assert.True(await VerifyAsync("CP-1", secret));
    }

    [Fact]
    public async Task Enrolling_again_replaces_the_secret()
    {
        var first = (await RunAsync("enrol", "CP-1", $"--data-dir={_dir.Path}")).Stdout.Trim();
        var second = (await RunAsync("enrol", "CP-1", $"--data-dir={_dir.Path}")).Stdout.Trim();

        Assert.False(await VerifyAsync("CP-1", first));
        Assert.True(await VerifyAsync("CP-1", second));
    }

    [Theory]
    [InlineData("bad id")]
    [InlineData("CP/1")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task Malformed_charger_id_exits_2_with_a_message_on_stderr_and_nothing_on_stdout(string chargerId)
    {
        var (exit, stdout, stderr) = await RunAsync("enrol", chargerId, "--data-dir", _dir.Path);

        Assert.Equal((2, string.Empty), (exit, stdout));
        Assert.Contains("not a valid charger id", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir.Path, "cloud.db")));
    }

    [Theory]
    [InlineData("enrol")]
    [InlineData("enrol", "CP-1", "CP-2")]
    [InlineData("enrol", "CP-1", "--data-dir")]
    [InlineData("revoke", "CP-1", "--bogus")]
    public async Task Bad_usage_exits_2_with_usage_on_stderr(params string[] args)
    {
        var (exit, stdout, stderr) = await RunAsync(args);

        Assert.Equal((2, string.Empty), (exit, stdout));
        Assert.Contains("usage: charger-cloud enrol", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_makes_the_secret_fail_and_a_second_revoke_exits_1()
    {
        var secret = (await RunAsync("enrol", "CP-1", "--data-dir", _dir.Path)).Stdout.Trim();

        var (exit, stdout, _) = await RunAsync("revoke", "CP-1", "--data-dir", _dir.Path);

        Assert.Equal((0, string.Empty), (exit, stdout));
        Assert.False(await VerifyAsync("CP-1", secret));
        Assert.Equal(1, (await RunAsync("revoke", "CP-1", "--data-dir", _dir.Path)).Exit);
    }

    [Fact]
    public async Task Enrol_run_as_the_built_executable_prints_only_the_secret_and_exits_0()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "charger-cloud.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _dir.Path,
        };
        foreach (var arg in new[] { dll, "enrol", "CP-exe", "--data-dir", _dir.Path })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdoutTask = process.StandardOutput.ReadToEndAsync();
        var stderrTask = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        var stdout = await stdoutTask;
        var stderr = await stderrTask;

        Assert.True(process.ExitCode == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var secret = Assert.Single(lines).TrimEnd('\r');
        Assert.Matches("^[A-Za-z0-9_-]{43}$", secret);
        Assert.True(await VerifyAsync("CP-exe", secret));
    }
}
