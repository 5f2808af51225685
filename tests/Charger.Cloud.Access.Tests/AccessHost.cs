using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Charger.Cloud.Data;
using Charger.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Charger.Cloud.Access.Tests;

/// <summary>
/// The real charger-cloud host (MQTT off, a fake clock) on a temp data directory and a fresh database: the SQLite file in
/// that directory, or a fresh PostgreSQL schema (<see cref="TestDomainDatabase"/>). Clients sign in as people do.
/// </summary>
public sealed class AccessHost : WebApplicationFactory<Program>
{
    public const string Password = "correct horse battery staple";

    private AccessHost(string dataDirectory, TestDomainDatabase? postgres, FakeTimeProvider clock)
    {
        DataDirectory = dataDirectory;
        Postgres = postgres;
        Clock = clock;
    }

    public string DataDirectory { get; }

    /// <summary>The PostgreSQL schema, or null on SQLite.</summary>
    public TestDomainDatabase? Postgres { get; }

    public FakeTimeProvider Clock { get; }

    public Dictionary<string, string> Settings { get; } = [];

    public string CredentialFile => Path.Combine(DataDirectory, AccessFiles.AdminCredential);

    public string SqliteFile => Path.Combine(DataDirectory, "cloud.db");

    /// <summary>A host on a new data directory and database.</summary>
    public static async Task<AccessHost> CreateAsync(DomainDbProvider provider)
    {
        var directory = Path.Combine(Path.GetTempPath(), "charger-access-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var postgres = provider == DomainDbProvider.Postgres ? await TestDomainDatabase.CreateAsync(provider) : null;
        return new AccessHost(directory, postgres, new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero)));
    }

    /// <summary>A second host on the same data directory and database (a restart, or a second receiver).</summary>
    public AccessHost Again() => new(DataDirectory, Postgres, Clock);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Cloud:DataDirectory", DataDirectory);
        builder.UseSetting("Cloud:EnableMqtt", "false");
        if (Postgres is not null)
        {
            builder.UseSetting("Cloud:Store", "postgres");
            builder.UseSetting("Cloud:Postgres:ConnectionString", Postgres.Database.ConnectionString);
        }

        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    /// <summary>A client with no credentials and no cookies.</summary>
    public HttpClient Anonymous() => CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });

    /// <summary>A client signed in with the first-run credential file (cookie), then switched to an API token.</summary>
    public async Task<HttpClient> AdminAsync()
    {
        _ = Server;
        var (user, password) = AccessFiles.ReadCredential(CredentialFile);
        return await TokenClientAsync(user, password);
    }

    /// <summary>Creates a user of <paramref name="role"/> (id = role unless given) with <see cref="Password"/>, and a token client for it.</summary>
    public async Task<HttpClient> UserAsync(string role, string? userId = null, string? team = null)
    {
        using var admin = await AdminAsync();
        userId ??= role;
        using var created = await admin.PostAsJsonAsync("/api/v1/users", new { userId, displayName = $"User {userId}", role, team, password = Password });
        Assert.True(created.IsSuccessStatusCode, $"create {userId}: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        return await TokenClientAsync(userId, Password);
    }

    /// <summary>Signs in with a cookie, creates an API token, and returns a client sending only that token.</summary>
    public async Task<HttpClient> TokenClientAsync(string userId, string password)
    {
        var token = await CreateTokenAsync(userId, password);
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task<string> CreateTokenAsync(string userId, string password)
    {
        using var cookie = CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        using var login = await cookie.PostAsJsonAsync("/api/v1/auth/login", new { userId, password });
        Assert.True(login.IsSuccessStatusCode, $"sign-in {userId}: {(int)login.StatusCode} {await login.Content.ReadAsStringAsync()}");
        using var created = await cookie.PostAsJsonAsync("/api/v1/auth/tokens", new { name = "test" });
        var body = await created.Content.ReadAsStringAsync();
        Assert.True(created.IsSuccessStatusCode, $"token {userId}: {(int)created.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("token").GetString()!;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }

    /// <summary>Disposes the host, then deletes its directory and database.</summary>
    public async Task DeleteAsync()
    {
        await DisposeAsync();
        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // left for the OS to clean
        }
    }
}

/// <summary>JSON helpers.</summary>
internal static class Http
{
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response, System.Net.HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: expected {(int)expected}, got {(int)response.StatusCode} {body}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }

    public static async Task<JsonElement> GetJsonAsync(this HttpClient client, string path, System.Net.HttpStatusCode expected = System.Net.HttpStatusCode.OK)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        return await response.JsonAsync(expected);
    }
}
