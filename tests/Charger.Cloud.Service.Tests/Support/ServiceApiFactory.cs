using System.Security.Claims;
using System.Text.Encodings.Web;
using Charger.Cloud.Core.AfterSales;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Charger.Cloud.Service.Tests.Support;

/// <summary>
/// The real charger-cloud host on a temp data directory (SQLite, MQTT off, projector not hosted so tests run it, fake
/// clock). Requests sign in with the <c>X-Test-User: id|role</c> header through a test authentication scheme made the
/// default (Charger.Cloud.Access's sign-in was not committed when these tests were written).
/// </summary>
public sealed class ServiceApiFactory : WebApplicationFactory<Program>
{
    public const string Scheme = "service-test";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"service-api-{Guid.NewGuid():N}");

    public FakeTimeProvider Clock { get; } = new(ServiceTestBed.Start);

    public RecordingAuditLog Audit { get; } = new();

    public StaffList Staff { get; } = new(
        new StaffMember("eng-zhang", "Zhang Wei", Roles.RepairEngineer, "north", Active: true),
        new StaffMember("ts-chen", "Chen", Roles.TechnicalSupport, null, Active: true));

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
            services.RemoveAll<IAuditLog>();
            services.AddSingleton<IAuditLog>(Audit);
            services.RemoveAll<IStaffDirectory>();
            services.AddSingleton<IStaffDirectory>(Staff);
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

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, id), new Claim(ClaimTypes.Name, id), new Claim(ClaimTypes.Role, role)], ServiceApiFactory.Scheme);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), ServiceApiFactory.Scheme)));
        }
    }
}
