using System.Security.Cryptography;
using Charger.Cloud.Access;
using Charger.Cloud.Access.Data;
using Charger.Cloud.AfterSales;
using Charger.Cloud.CustomerCare.Complaints;
using Charger.Cloud.CustomerCare.Data;
using Charger.Cloud.CustomerCare.Inquiries;
using Charger.Cloud.CustomerCare.Surveys;
using Charger.Cloud.Data;
using Charger.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Charger.Cloud.CustomerCare.Tests.Support;

/// <summary>
/// The customer-care services on a fresh database (SQLite file or PostgreSQL schema), migrated, with a fake clock and the
/// real access area on the same database (its audit log, customer and staff directories); the work orders' facts are a
/// fixture the test fills.
/// </summary>
public sealed class CareWorld : IAsyncDisposable
{
    public static readonly DateTimeOffset T0 = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly TestDomainDatabase _database;
    private readonly ServiceProvider _services;

    private readonly string _dataDirectory;

    private CareWorld(TestDomainDatabase database, ServiceProvider services, string dataDirectory)
    {
        _database = database;
        _services = services;
        _dataDirectory = dataDirectory;
    }

    public FakeTimeProvider Clock => (FakeTimeProvider)_services.GetRequiredService<TimeProvider>();

    /// <summary>The audit log as stored by Charger.Cloud.Access, oldest first.</summary>
    public async Task<IReadOnlyList<AuditEntry>> AuditAsync()
    {
        await using var db = _services.GetRequiredService<IDomainDbFactory<AccessDb>>().Create();
        var rows = await db.AuditLog.AsNoTracking().Where(a => a.ActorId != "system").OrderBy(a => a.Id).ToListAsync();
        return rows.Select(r => new AuditEntry(r.At, new Actor(r.ActorId, r.ActorName, r.ActorRole), r.Action, r.EntityType, r.EntityId, r.Detail)).ToList();
    }

    public TestServiceFacts Facts => _services.GetRequiredService<TestServiceFacts>();

    public IDomainDbFactory<CareDb> Db => _services.GetRequiredService<IDomainDbFactory<CareDb>>();

    public InquiryService Inquiries => _services.GetRequiredService<InquiryService>();

    public ComplaintService Complaints => _services.GetRequiredService<ComplaintService>();

    public SurveyService Surveys => _services.GetRequiredService<SurveyService>();

    public DomainDbProvider Provider => _database.Provider;

    public static Actor Specialist { get; } = new("spec-1", "Wang Fang", Roles.ServiceSpecialist);

    public static Actor Supervisor { get; } = new("sup-1", "Zhao Lei", Roles.Supervisor);

    public static async Task<CareWorld> CreateAsync(DomainDbProvider provider, int satisfiedThreshold = 4)
    {
        var database = await TestDomainDatabase.CreateAsync(provider);
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"care-world-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dataDirectory);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cloud:DataDirectory"] = dataDirectory,
            ["Access:PersonalDataKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(T0));
        services.AddSingleton(database.Database);
        services.AddAccess(configuration);
        services.AddDomainDb<CareDb>(CareDb.HistoryTable, o => new SqliteCareDb(o), o => new PostgresCareDb(o));
        services.AddSingleton(Options.Create(new CareOptions { SatisfiedThreshold = satisfiedThreshold }));
        services.AddSingleton<TestServiceFacts>();
        services.AddSingleton<IFieldServiceFacts>(sp => sp.GetRequiredService<TestServiceFacts>());
        services.AddSingleton<InquiryService>();
        services.AddSingleton<ComplaintService>();
        services.AddSingleton<SurveyService>();
        var provider2 = services.BuildServiceProvider();
        foreach (var hosted in provider2.GetServices<IHostedService>())
        {
            // The migrators of both areas and the access area's first-run check.
            await hosted.StartAsync(CancellationToken.None);
        }

        await provider2.GetRequiredService<CustomerStore>().CreateAsync(
            Actor.System, "CUST-1", "Sunrise Apartments", CustomerTier.Standard, new ContactData("Li Wei", null, null, null), null, default);
        var users = provider2.GetRequiredService<UserStore>();
        foreach (var (id, role) in new[] { ("spec-1", Roles.ServiceSpecialist), ("spec-2", Roles.ServiceSpecialist), ("sup-1", Roles.Supervisor), ("ts-1", Roles.TechnicalSupport) })
        {
            await users.CreateAsync(Actor.System, id, id, role, "North", null, default);
        }

        return new CareWorld(database, provider2, dataDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _database.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
