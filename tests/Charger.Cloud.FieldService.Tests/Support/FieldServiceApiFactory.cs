using System.Security.Claims;
using System.Text.Encodings.Web;
using Charger.Cloud.AfterSales;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Charger.Cloud.FieldService.Tests.Support;

/// <summary>
/// The real charger-cloud host on a temp data directory (SQLite, MQTT off, projector not hosted so tests run it, fake
/// clock). Requests sign in with the <c>X-Test-User: id|role</c> header through a test authentication scheme made the
/// default; staff, customers and the audit log are Charger.Cloud.Access's real ones.
/// </summary>
public sealed class FieldServiceApiFactory : WebApplicationFactory<Program>
{
    public const string Scheme = "service-test";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"service-api-{Guid.NewGuid():N}");

    public FakeTimeProvider Clock { get; } = new(FieldServiceTestBed.Start);

    private readonly SemaphoreSlim _seed = new(1, 1);
    private bool _seeded;

    /// <summary>Creates the staff the tests act as in the real user store of Charger.Cloud.Access (its IStaffDirectory), once.</summary>
    public async Task EnsureStaffAsync()
    {
        await _seed.WaitAsync();
        try
        {
            if (_seeded)
            {
                return;
            }

            var users = Services.GetRequiredService<Charger.Cloud.Access.UserStore>();
            await users.CreateAsync(Actor.System, "eng-zhang", "Zhang Wei", Roles.RepairEngineer, "north", null, CancellationToken.None);
            await users.CreateAsync(Actor.System, "ts-chen", "Chen", Roles.TechnicalSupport, null, null, CancellationToken.None);
            _seeded = true;
        }
        finally
        {
            _seed.Release();
        }
    }

    /// <summary>A client acting as <paramref name="userId"/> in <paramref name="role"/>; no header when role is null.</summary>
    public HttpClient As(string? role, string? userId = null)
    {
        var client = CreateClient();
        if (role is not null)
        {
            client.DefaultRequestHeaders.Add("X-Test-User", $"{userId ?? role + "-1"}|{role}");
        }

        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Directory.CreateDirectory(_dir);
        builder.UseSetting("Cloud:DataDirectory", _dir);
        builder.UseSetting("Cloud:EnableMqtt", "false");
        builder.UseSetting("Service:EnableProjector", "false");
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, TestUserHandler>(Scheme, null);
            services.PostConfigure<AuthenticationOptions>(o =>
            {
                o.DefaultScheme = Scheme;
                o.DefaultAuthenticateScheme = Scheme;
                o.DefaultChallengeScheme = Scheme;
                o.DefaultForbidScheme = Scheme;
            });
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed class TestUserHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (Request.Headers["X-Test-User"].ToString() is not { Length: > 0 } header || header.Split('|') is not [var id, var role])
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, id), new Claim(ClaimTypes.Name, id), new Claim(ClaimTypes.Role, role)], FieldServiceApiFactory.Scheme);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), FieldServiceApiFactory.Scheme)));
        }
    }
}
