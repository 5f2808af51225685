namespace Charger.EndToEnd.Tests;

/// <summary>deploy/install-cloud.sh and uninstall-cloud.sh staging into a directory, and the staged settings run by the real charger-cloud.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CloudInstallScriptTests
{
    private static Task<(int ExitCode, string Output)> ScriptAsync(string script, params string[] args) =>
        DeployTests.RunAsync("bash", [Path.Combine(Repo.Root, "deploy", script), .. args]);

    private static (string Dir, string Publish) Inputs()
    {
        var dir = Repo.TempDir("install-cloud");
        var publish = Path.Combine(dir, "publish");
        Directory.CreateDirectory(publish);
        File.WriteAllText(Path.Combine(publish, "charger-cloud"), "#!/bin/sh\n");
        File.SetUnixFileMode(Path.Combine(publish, "charger-cloud"), (UnixFileMode)0b111_101_101);
        return (dir, publish);
    }

    private static Dictionary<string, string> ReadEnv(string path) => File.ReadAllLines(path)
        .Where(l => l.Length > 0 && !l.StartsWith('#'))
        .Select(l => l.Split('=', 2))
        .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);

    [Fact]
    public async Task Install_stages_binaries_settings_and_unit_and_a_reinstall_keeps_the_personal_data_key_and_foreign_lines()
    {
        var (dir, publish) = Inputs();
        var root = Path.Combine(dir, "root");
        string In(string path) => Path.Combine(root, path.TrimStart('/'));

        var (code, output) = await ScriptAsync("install-cloud.sh", "--publish", publish, "--root", root);

        Assert.True(code == 0, output);
        Assert.True(File.Exists(In("/opt/charger-cloud/charger-cloud")));
        Assert.Equal((UnixFileMode)0b111_101_000, File.GetUnixFileMode(In("/etc/charger-cloud")));
        Assert.Equal((UnixFileMode)0b111_101_000, File.GetUnixFileMode(In("/var/lib/charger-cloud")));
        Assert.Equal((UnixFileMode)0b110_100_000, File.GetUnixFileMode(In("/etc/charger-cloud/cloud.env")));
        var env = ReadEnv(In("/etc/charger-cloud/cloud.env"));
        Assert.Equal("sqlite", env["Cloud__Store"]);
        Assert.Equal("http://127.0.0.1:8080", env["Cloud__Http__Url"]);
        var key = Convert.FromBase64String(env["Access__PersonalDataKey"]);
        Assert.Equal(32, key.Length);
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(Repo.Root, "deploy/systemd/charger-cloud.service")), await File.ReadAllTextAsync(In("/etc/systemd/system/charger-cloud.service")));

        // An operator's own line survives; the managed ones follow the new options; the key is never regenerated.
        await File.AppendAllTextAsync(In("/etc/charger-cloud/cloud.env"), "Cloud__Ingest__LockStripes=128\n");
        var pg = Path.Combine(dir, "pg");
        await File.WriteAllTextAsync(pg, "Host=db.example.com;Database=charger;Username=charger_cloud;Password=pw\n");
        Assert.Equal(0, (await ScriptAsync("install-cloud.sh", "--publish", publish, "--postgres-file", pg, "--http-url", "http://0.0.0.0:8080", "--root", root)).ExitCode);
        var again = ReadEnv(In("/etc/charger-cloud/cloud.env"));
        Assert.Equal(env["Access__PersonalDataKey"], again["Access__PersonalDataKey"]);
        Assert.Equal("128", again["Cloud__Ingest__LockStripes"]);
        Assert.Equal("postgres", again["Cloud__Store"]);
        Assert.Equal("Host=db.example.com;Database=charger;Username=charger_cloud;Password=pw", again["Cloud__Postgres__ConnectionString"]);
        Assert.Equal("http://0.0.0.0:8080", again["Cloud__Http__Url"]);
        Assert.Single(File.ReadAllLines(In("/etc/charger-cloud/cloud.env")), l => l.StartsWith("Cloud__Store=", StringComparison.Ordinal));

        // Uninstall keeps the data and the configuration (with the key); --purge removes them.
        await File.WriteAllTextAsync(In("/var/lib/charger-cloud/cloud.db"), "events");
        Assert.Equal(0, (await ScriptAsync("uninstall-cloud.sh", "--root", root)).ExitCode);
        Assert.False(Directory.Exists(In("/opt/charger-cloud")));
        Assert.False(File.Exists(In("/etc/systemd/system/charger-cloud.service")));
        Assert.True(File.Exists(In("/var/lib/charger-cloud/cloud.db")));
        Assert.True(File.Exists(In("/etc/charger-cloud/cloud.env")));
        Assert.Equal(0, (await ScriptAsync("uninstall-cloud.sh", "--purge", "--root", root)).ExitCode);
        Assert.False(Directory.Exists(In("/var/lib/charger-cloud")));
        Assert.False(Directory.Exists(In("/etc/charger-cloud")));
    }

    [Fact]
    public async Task Install_for_an_external_broker_turns_the_embedded_one_off_and_stages_the_receivers_tls_files()
    {
        var (dir, publish) = Inputs();
        var root = Path.Combine(dir, "root");
        string In(string path) => Path.Combine(root, path.TrimStart('/'));
        var ca = Path.Combine(dir, "ca.pem");
        var pfx = Path.Combine(dir, "receiver.pfx");
        await File.WriteAllTextAsync(ca, "-----BEGIN CERTIFICATE-----\n");
        await File.WriteAllBytesAsync(pfx, [1, 2, 3]);

        var (code, output) = await ScriptAsync("install-cloud.sh", "--publish", publish, "--broker", "mqtt.example.com:8883", "--ca", ca,
            "--receiver-pfx", pfx, "--shared-group", "receivers", "--client-id", "receiver-2", "--root", root);

        Assert.True(code == 0, output);
        var env = ReadEnv(In("/etc/charger-cloud/cloud.env"));
        Assert.Equal("false", env["Broker__Enabled"]);
        Assert.Equal(("mqtt.example.com", "8883", "true"), (env["Ingress__Host"], env["Ingress__Port"], env["Ingress__UseTls"]));
        Assert.Equal(("receivers", "receiver-2"), (env["Ingress__SharedSubscriptionGroup"], env["Ingress__ClientId"]));
        Assert.Equal("/etc/charger-cloud/receiver.pfx", env["Ingress__TlsClientCertificatePath"]);
        Assert.Equal((UnixFileMode)0b110_100_000, File.GetUnixFileMode(In("/etc/charger-cloud/receiver.pfx")));
        Assert.Equal((UnixFileMode)0b110_100_000, File.GetUnixFileMode(In("/etc/charger-cloud/ca.pem")));
    }

    [Theory]
    [InlineData("--http-url", "ftp://x", "is not one http:// or https:// URL")]
    [InlineData("--postgres-file", "/nonexistent/pg", "missing or empty")]
    [InlineData("--broker", "mqtt.example.com:8883", "needs --ca")]
    [InlineData("--shared-group", "receivers", "go with --broker")]
    public async Task Install_refuses_bad_input_with_a_clear_error_and_stages_nothing(string option, string value, string expected)
    {
        var (dir, publish) = Inputs();
        var root = Path.Combine(dir, "root");

        var (code, output) = await ScriptAsync("install-cloud.sh", "--publish", publish, option, value, "--root", root);

        Assert.NotEqual(0, code);
        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(root));
    }

    [Fact]
    public async Task The_staged_settings_start_the_real_cloud_with_its_generated_personal_data_key()
    {
        var (dir, publish) = Inputs();
        var root = Path.Combine(dir, "root");
        Assert.Equal(0, (await ScriptAsync("install-cloud.sh", "--publish", publish, "--root", root)).ExitCode);
        var env = ReadEnv(Path.Combine(root, "etc/charger-cloud/cloud.env"));

        // The unit passes cloud.env as environment variables; here they go in as the same keys on the command line
        // (the test picks its own URL and data directory).
        var settings = env.Where(e => e.Key != "Cloud__Http__Url").Select(e => $"--{e.Key.Replace("__", ":", StringComparison.Ordinal)}={e.Value}").ToList();
        await using var cloud = new CloudProcess(Path.Combine(dir, "data")) { ExtraArgs = settings };
        await cloud.StartAsync();

        var health = await cloud.GetJsonAsync("/healthz");
        Assert.Equal("healthy", health.GetProperty("status").GetString());
    }
}
