using Charger.Cloud.Core;
using Charger.Cloud.Tests.Support;
using Charger.Protocol;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Charger.Cloud.Tests.Api;

/// <summary>The real host on a real SQLite file in a temp data directory, MQTT ingress off, a fake clock.</summary>
public class CloudApiFactory : WebApplicationFactory<Program>
{
    private readonly TempDirectory _dir = new();

    public FakeTimeProvider Clock { get; } = new(Events.T0.AddDays(1));

    public string DataDirectory => _dir.Path;

    /// <summary>Extra settings for a test (e.g. an invalid one).</summary>
    public Dictionary<string, string> Settings { get; } = [];

    public IIngestPipeline Pipeline => Services.GetRequiredService<IIngestPipeline>();

    /// <summary>
    /// A client signed in as the first-run administrator, as an operator would: it reads the <c>admin-credential</c> file
    /// the host wrote into its data directory, signs in (POST /api/v1/auth/login), creates an API token and sends it as
    /// <c>Authorization: Bearer</c> on every request.
    /// </summary>
    public HttpClient CreateAuthenticatedClient()
    {
        _ = Server;
        return CreateDefaultClient(new AdminTokenHandler(Path.Combine(DataDirectory, "admin-credential")));
    }

    public Task<IngestOutcome> SendAsync(Envelope e) =>
        Pipeline.HandleEventAsync(Topics.Events(e.ChargerId), e.ToUtf8Json(), CancellationToken.None);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Cloud:DataDirectory", _dir.Path);
        builder.UseSetting("Cloud:EnableMqtt", "false");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _dir.Dispose();
        }
    }
}

/// <summary>One host with a small seeded fleet, shared by the read-only API tests.</summary>
public sealed class SeededCloudFactory : CloudApiFactory, IAsyncLifetime
{
    public Guid HighTempId { get; private set; }

    public async Task InitializeAsync()
    {
        // CP-1: booted, operational, one active fault, 5 events.
        await SendAsync(Events.Boot("CP-1", 1));
        await SendAsync(Events.State("CP-1", 2, DiagnosticState.Booting, DiagnosticState.Operational));
        var raised = Events.FaultRaised("CP-1", 3, FaultCatalogue.HighTemperature, Severity.Major, 82.5, "degC");
        HighTempId = raised.Id;
        await SendAsync(raised);
        await SendAsync(Events.Counters("CP-1", 4));
        await SendAsync(Events.Counters("CP-1", 5));
        await Pipeline.HandleStatusAsync("CP-1", online: true, Clock.GetUtcNow(), CancellationToken.None);

        // CP-2: seq 1, then 4 (gap 2..3), with a critical fault.
        await SendAsync(Events.FaultRaised("CP-2", 1, FaultCatalogue.EmergencyStop, Severity.Critical));
        await SendAsync(Events.Counters("CP-2", 4));

        // Two dead letters.
        await Pipeline.HandleEventAsync("ev/v1/CP-3/events", "{oops"u8.ToArray(), CancellationToken.None);
        await Pipeline.HandleEventAsync("not/a/topic", "{}"u8.ToArray(), CancellationToken.None);
    }

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;
}

/// <summary>Signs in with the first-run credential file on the first request and sends the API token it creates.</summary>
public sealed class AdminTokenHandler(string credentialFile) : DelegatingHandler
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _token;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization ??= new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await TokenAsync(request.RequestUri!, cancellationToken));
        return await base.SendAsync(request, cancellationToken);
    }

    private async Task<string> TokenAsync(Uri requestUri, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (_token is not null)
            {
                return _token;
            }

            var root = new Uri(requestUri.GetLeftPart(UriPartial.Authority));
            string? user = null, password = null;
            foreach (var line in await File.ReadAllLinesAsync(credentialFile, ct))
            {
                user = line.StartsWith("user=", StringComparison.Ordinal) ? line[5..] : user;
                password = line.StartsWith("password=", StringComparison.Ordinal) ? line[9..] : password;
            }

            using var login = new HttpRequestMessage(HttpMethod.Post, new Uri(root, "/api/v1/auth/login"))
            {
                Content = System.Net.Http.Json.JsonContent.Create(new Dictionary<string, string?> { ["userId"] = user, ["password"] = password }),
            };
            using var signedIn = await base.SendAsync(login, ct);
            Assert.True(signedIn.IsSuccessStatusCode, $"sign-in with {credentialFile}: {(int)signedIn.StatusCode} {await signedIn.Content.ReadAsStringAsync(ct)}");
            var cookie = signedIn.Headers.GetValues("Set-Cookie").First().Split(';')[0];
            using var create = new HttpRequestMessage(HttpMethod.Post, new Uri(root, "/api/v1/auth/tokens"))
            {
                Content = System.Net.Http.Json.JsonContent.Create(new Dictionary<string, string> { ["name"] = "tests" }),
            };
            create.Headers.Add("Cookie", cookie);
            using var created = await base.SendAsync(create, ct);
            var body = await created.Content.ReadAsStringAsync(ct);
            Assert.True(created.IsSuccessStatusCode, $"token: {(int)created.StatusCode} {body}");
            using var json = System.Text.Json.JsonDocument.Parse(body);
            _token = json.RootElement.GetProperty("token").GetString()!;
            return _token;
        }
        finally
        {
            _gate.Release();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gate.Dispose();
        }

        base.Dispose(disposing);
    }
}
