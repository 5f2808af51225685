using System.Security.Claims;
using System.Text.Encodings.Web;
using Charger.Cloud.Core.AfterSales;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Charger.Cloud.CustomerCare.Tests.Support;

/// <summary>
/// The real charger-cloud host on a temp data directory (SQLite, MQTT off, fake clock). Requests sign in through the
/// <c>X-Test-User: id|role</c> header (a test authentication scheme made the default), so each test can act in any role.
/// </summary>
public sealed class CareApiFactory : WebApplicationFactory<Program>
{
    public const string Scheme = "care-test";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"care-api-{Guid.NewGuid():N}");

    public FakeTimeProvider Clock { get; } = new(CareWorld.T0);

    public RecordingAuditLog Audit { get; } = new();

    public TestCustomers Customers { get; } = new();

    public TestServiceFacts Facts { get; } = new();

    /// <summary>False: the host runs without an IServiceFacts (as before Charger.Cloud.Service is wired).</summary>
    public bool WithServiceFacts { get; init; } = true;

    /// <summary>A client acting as <paramref name="userId"/> in <paramref name="role"/>.</summary>
    public HttpClient As(string role, string? userId = null)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Test-User", $"{userId ?? role + "-1"}|{role}");
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Directory.CreateDirectory(_dir);
        Customers.Add("CUST-1", "Sunrise Apartments");
        builder.UseSetting("Cloud:DataDirectory", _dir);
        builder.UseSetting("Cloud:EnableMqtt", "false");
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSingleton<IAuditLog>(Audit);
            services.AddSingleton<ICustomerDirectory>(Customers);
            services.RemoveAll<IServiceFacts>();
            if (WithServiceFacts)
            {
                services.AddSingleton<IServiceFacts>(Facts);
            }

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

            var identity = new ClaimsIdentity(
                [new Claim(ClaimTypes.NameIdentifier, id), new Claim(ClaimTypes.Name, id), new Claim(ClaimTypes.Role, role)], CareApiFactory.Scheme);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), CareApiFactory.Scheme)));
        }
    }
}

internal static class ServiceCollectionTestExtensions
{
    public static void RemoveAll<T>(this IServiceCollection services) =>
        Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions.RemoveAll<T>(services);
}
