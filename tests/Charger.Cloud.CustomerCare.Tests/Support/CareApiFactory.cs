using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Charger.Cloud.Access;
using Charger.Cloud.AfterSales;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Charger.Cloud.CustomerCare.Tests.Support;

/// <summary>
/// The real charger-cloud host on a temp data directory (SQLite, MQTT off, fake clock) with the real access area: users,
/// API tokens, the audit log and the customer directory of Charger.Cloud.Access. <see cref="AsAsync"/> creates a user in a
/// role and signs requests with an API token of theirs. The work orders' facts are a fixture the test fills
/// (<see cref="Facts"/>), or none at all (<see cref="WithServiceFacts"/> = false).
/// </summary>
public sealed class CareApiFactory : WebApplicationFactory<Program>
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"care-api-{Guid.NewGuid():N}");
    private readonly ConcurrentDictionary<string, string> _tokens = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _seeded;

    public FakeTimeProvider Clock { get; } = new(CareWorld.T0);

    public TestServiceFacts Facts { get; } = new();

    /// <summary>False: the host runs without an IFieldServiceFacts (as before Charger.Cloud.FieldService is wired).</summary>
    public bool WithServiceFacts { get; init; } = true;

    /// <summary>True: the host keeps its own IFieldServiceFacts (Charger.Cloud.FieldService's, from its work orders) instead of the fixture.</summary>
    public bool RealServiceFacts { get; init; }

    /// <summary>A client signed in (API token) as <paramref name="userId"/> in <paramref name="role"/>; the user is created on first use.</summary>
    public async Task<HttpClient> AsAsync(string role, string? userId = null)
    {
        userId ??= role + "-1";
        await _gate.WaitAsync();
        try
        {
            if (!_seeded)
            {
                await Services.GetRequiredService<CustomerStore>().CreateAsync(
                    Actor.System, "CUST-1", "Sunrise Apartments", CustomerTier.Standard, new ContactData("Li Wei", "+86 10 5555 0100", "li.wei@example.com", null), null, default);
                _seeded = true;
            }

            if (!_tokens.TryGetValue(userId, out var token))
            {
                await Services.GetRequiredService<UserStore>().CreateAsync(Actor.System, userId, userId, role, "North", null, default);
                (_, token) = await Services.GetRequiredService<TokenStore>().CreateAsync(Actor.System, userId, "care-tests", TimeSpan.FromDays(30), default);
                _tokens[userId] = token;
            }

            var client = CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return client;
        }
        finally
        {
            _gate.Release();
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Directory.CreateDirectory(_dir);
        builder.UseSetting("Cloud:DataDirectory", _dir);
        builder.UseSetting("Cloud:EnableMqtt", "false");
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            if (RealServiceFacts)
            {
                return;
            }

            services.RemoveAll<IFieldServiceFacts>();
            if (WithServiceFacts)
            {
                services.AddSingleton<IFieldServiceFacts>(Facts);
            }
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _gate.Dispose();
        }

        try
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
