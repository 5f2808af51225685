using Charger.Cloud.Store;
using System.Diagnostics;
using System.Text.Json;
using Charger.Cloud.Core;
using Charger.Cloud.Store.Postgres;
using Charger.Cloud.Store.Sqlite;
using Charger.Cloud.Tests.Api;
using Charger.Cloud.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Charger.Cloud.Tests.Hosting;

/// <summary><c>Cloud:Store</c> picks the adapter for the server and for the <c>enrol</c>/<c>revoke</c> verbs.</summary>
public sealed class PostgresStoreSelectionTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private string _schema = null!;
    private string _connectionString = null!;

    public async Task InitializeAsync() => (_schema, _connectionString) = await PostgresTestServer.CreateSchemaAsync();

    public Task DisposeAsync() => PostgresTestServer.DropSchemaAsync(_schema);

    [Fact]
    public async Task Host_with_store_postgres_keeps_everything_in_postgresql_and_no_sqlite_file()
    {
        using var factory = new CloudApiFactory();
        factory.Settings["Cloud:Store"] = "postgres";
        factory.Settings["Cloud:Postgres:ConnectionString"] = _connectionString;
        using var http = factory.CreateAuthenticatedClient();

        await factory.SendAsync(Events.Boot("CP-1", 1));
        await factory.SendAsync(Events.Counters("CP-1", 3));

        Assert.IsType<EventStore>(factory.Services.GetRequiredService<IEventStore>());
        Assert.IsType<ChargerCredentialStore>(factory.Services.GetRequiredService<IChargerCredentialStore>());
        Assert.Null(factory.Services.GetService<SqliteDatabase>());
        Assert.False(File.Exists(Path.Combine(factory.DataDirectory, "cloud.db")));
        using (var health = JsonDocument.Parse(await http.GetStringAsync(new Uri("/healthz", UriKind.Relative))))
        {
            Assert.Equal("healthy", health.RootElement.GetProperty("status").GetString());
        }

        using (var charger = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/v1/chargers/CP-1", UriKind.Relative))))
        {
            Assert.Equal((1, 3), (charger.RootElement.GetProperty("appliedSeq").GetInt32(), charger.RootElement.GetProperty("storedSeq").GetInt32()));
        }

        await using var direct = new PostgresDatabase(_connectionString);
        Assert.Equal(new SequenceState(1, 3), await new EventStore(direct).GetSequenceStateAsync("CP-1", Ct));
    }

    [Theory]
    [InlineData("postgres", null, "Cloud:Postgres:ConnectionString is required")]
    [InlineData("postgres", "Host=127.0.0.1;Bogus=1", "Cloud:Postgres:ConnectionString is not a valid")]
    [InlineData("mysql", null, "Cloud:Store must be 'sqlite' or 'postgres'")]
    public void Bad_store_setting_stops_start_up_with_a_message_naming_the_key(string store, string? connectionString, string message)
    {
        using var factory = new CloudApiFactory();
        factory.Settings["Cloud:Store"] = store;
        if (connectionString is not null)
        {
            factory.Settings["Cloud:Postgres:ConnectionString"] = connectionString;
        }

        var ex = Assert.ThrowsAny<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unreachable_server_or_wrong_password_stops_start_up()
    {
        var wrongPassword = new Npgsql.NpgsqlConnectionStringBuilder(_connectionString) { Password = "not-the-password" }.ConnectionString;
        foreach (var connectionString in new[] { "Host=127.0.0.1;Port=1;Username=u;Password=p;Timeout=5", wrongPassword })
        {
            using var factory = new CloudApiFactory();
            factory.Settings["Cloud:Store"] = "postgres";
            factory.Settings["Cloud:Postgres:ConnectionString"] = connectionString;

            Assert.ThrowsAny<Npgsql.NpgsqlException>(() => factory.CreateClient());
        }
    }

    [Fact]
    public async Task Enrol_and_revoke_with_store_postgres_write_the_postgresql_credentials()
    {
        var env = new Dictionary<string, string> { ["Cloud__Store"] = "postgres", ["Cloud__Postgres__ConnectionString"] = _connectionString };

        var (exit, stdout, stderr) = await RunCliAsync(env, "enrol", "CP-pg");

        Assert.True(exit == 0, stderr);
        var secret = stdout.Trim();
        Assert.Contains("in PostgreSQL database '", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(new Npgsql.NpgsqlConnectionStringBuilder(_connectionString).Password!, stderr, StringComparison.Ordinal);
        await using (var db = new PostgresDatabase(_connectionString))
        {
            Assert.True(await new ChargerCredentialStore(db, TimeProvider.System).VerifyAsync("CP-pg", secret, Ct));
        }

        Assert.Equal(0, (await RunCliAsync(env, "revoke", "CP-pg")).Exit);
        Assert.Equal(1, (await RunCliAsync(env, "revoke", "CP-pg")).Exit);
    }

    [Fact]
    public async Task Enrol_with_store_postgres_and_no_connection_string_exits_2_naming_the_key()
    {
        var (exit, stdout, stderr) = await RunCliAsync(new() { ["Cloud__Store"] = "postgres" }, "enrol", "CP-pg");

        Assert.Equal((2, string.Empty), (exit, stdout));
        Assert.Contains("Cloud:Postgres:ConnectionString", stderr, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunCliAsync(Dictionary<string, string> env, params string[] args)
    {
        using var dir = new TempDirectory();
        var dll = Path.Combine(AppContext.BaseDirectory, "charger-cloud.dll");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dir.Path,
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args.Concat(["--data-dir", dir.Path]))
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in env)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdoutTask = process.StandardOutput.ReadToEndAsync();
        var stderrTask = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdoutTask, await stderrTask);
    }
}
