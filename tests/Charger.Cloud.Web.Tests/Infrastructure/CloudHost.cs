using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Charger.Cloud.Access;
using Charger.Cloud.Core;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Charger.Cloud.Web.Tests.Infrastructure;

/// <summary>
/// The real charger-cloud host (Program) on a real Kestrel port on 127.0.0.1 (WebApplicationFactory with
/// <c>UseKestrel</c>: a browser needs a socket, the in-memory TestServer has none), with its embedded MQTT broker on a
/// free port, SQLite in a temp data directory and the real clock. One per test class.
/// </summary>
public sealed class CloudHost : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "charger-web-tests", Guid.NewGuid().ToString("N"));
    private HttpClient? _admin;

    public CloudHost()
    {
        Directory.CreateDirectory(_dataDirectory);
        MqttPort = FreePort();
        UseKestrel();
    }

    public string DataDirectory => _dataDirectory;

    public int MqttPort { get; }

    /// <summary>The UI's address, e.g. http://127.0.0.1:41234/.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The first-run administrator's credential file the host wrote (0600).</summary>
    public string AdminCredentialFile => Path.Combine(_dataDirectory, AccessFiles.AdminCredential);

    /// <summary>An API client signed in as the first-run administrator (bearer token).</summary>
    public HttpClient Admin => _admin ?? throw new InvalidOperationException("not started");

    public IIngestPipeline Pipeline => Services.GetRequiredService<IIngestPipeline>();

    public async Task InitializeAsync()
    {
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseUrl = new Uri(addresses.Single(a => a.StartsWith("http://", StringComparison.Ordinal)).Replace("[::1]", "127.0.0.1", StringComparison.Ordinal) + "/");
        _admin = await SignedInClientAsync(AccessFiles.ReadCredential(AdminCredentialFile));
    }

    Task IAsyncLifetime.DisposeAsync()
    {
        _admin?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>An API client for a user: it signs in with the cookie login and uses an API token from then on.</summary>
    public async Task<HttpClient> SignedInClientAsync((string UserId, string Password) credential)
    {
        using var cookies = new HttpClient(new HttpClientHandler { UseCookies = true, CookieContainer = new CookieContainer() }) { BaseAddress = BaseUrl };
        using (var login = await cookies.PostAsJsonAsync("api/v1/auth/login", new { userId = credential.UserId, password = credential.Password }))
        {
            Assert.True(login.IsSuccessStatusCode, $"sign-in of {credential.UserId}: {(int)login.StatusCode} {await login.Content.ReadAsStringAsync()}");
        }

        using var created = await cookies.PostAsJsonAsync("api/v1/auth/tokens", new { name = "web-tests" });
        var body = await created.Content.ReadAsStringAsync();
        Assert.True(created.IsSuccessStatusCode, $"token of {credential.UserId}: {(int)created.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        var client = new HttpClient { BaseAddress = BaseUrl };
        client.DefaultRequestHeaders.Authorization = new("Bearer", json.RootElement.GetProperty("token").GetString());
        return client;
    }

    /// <summary>Creates a user of a role with a known password (through the admin API) and returns its credential.</summary>
    public async Task<(string UserId, string Password)> CreateUserAsync(string userId, string role, string? displayName = null)
    {
        var password = "pw-" + Guid.NewGuid().ToString("N");
        using var response = await Admin.PostAsJsonAsync("api/v1/users", new { userId, displayName = displayName ?? userId, role, password });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"create {userId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (userId, password);
    }

    /// <summary>Waits until the MQTT ingress is subscribed (GET /healthz says so), so published events are received.</summary>
    public async Task WaitForIngressAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseUrl };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var health = await http.GetStringAsync("healthz");
            if (health.Contains("\"ingress\":\"subscribed\"", StringComparison.Ordinal))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "the MQTT ingress did not subscribe within 30 s: " + health);
            await Task.Delay(50);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Cloud:DataDirectory", _dataDirectory);
        builder.UseSetting("Cloud:Http:Url", "http://127.0.0.1:0");
        builder.UseSetting("Broker:Port", MqttPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            try
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
