using Charger.Cloud.Core.AfterSales;
using Charger.Cloud.CustomerCare.Complaints;
using Charger.Cloud.CustomerCare.Data;
using Charger.Cloud.CustomerCare.Inquiries;
using Charger.Cloud.CustomerCare.Surveys;
using Charger.Cloud.Data;
using Charger.Cloud.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Charger.Cloud.CustomerCare.Tests.Support;

/// <summary>
/// The customer-care services on a fresh database (SQLite file or PostgreSQL schema), migrated, with a fake clock and the
/// seams of the other areas.
/// </summary>
public sealed class CareWorld : IAsyncDisposable
{
    public static readonly DateTimeOffset T0 = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly TestDomainDatabase _database;
    private readonly ServiceProvider _services;

    private CareWorld(TestDomainDatabase database, ServiceProvider services)
    {
        _database = database;
        _services = services;
    }

    public FakeTimeProvider Clock => (FakeTimeProvider)_services.GetRequiredService<TimeProvider>();

    public RecordingAuditLog Audit => _services.GetRequiredService<RecordingAuditLog>();

    public TestCustomers Customers => _services.GetRequiredService<TestCustomers>();

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
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(T0));
        services.AddSingleton(database.Database);
        services.AddDomainDb<CareDb>(CareDb.HistoryTable, o => new SqliteCareDb(o), o => new PostgresCareDb(o));
        services.AddSingleton(Options.Create(new CareOptions { SatisfiedThreshold = satisfiedThreshold }));
        services.AddSingleton<RecordingAuditLog>();
        services.AddSingleton<IAuditLog>(sp => sp.GetRequiredService<RecordingAuditLog>());
        services.AddSingleton<TestCustomers>();
        services.AddSingleton<ICustomerDirectory>(sp => sp.GetRequiredService<TestCustomers>());
        services.AddSingleton<TestServiceFacts>();
        services.AddSingleton<IServiceFacts>(sp => sp.GetRequiredService<TestServiceFacts>());
        services.AddSingleton<CareSeams>();
        services.AddSingleton<InquiryService>();
        services.AddSingleton<ComplaintService>();
        services.AddSingleton<SurveyService>();
        var provider2 = services.BuildServiceProvider();
        await new DomainDbMigrator<CareDb>(provider2.GetRequiredService<IDomainDbFactory<CareDb>>(), NullLogger<DomainDbMigrator<CareDb>>.Instance)
            .StartAsync(CancellationToken.None);
        provider2.GetRequiredService<TestCustomers>().Add("CUST-1", "Sunrise Apartments");
        return new CareWorld(database, provider2);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _database.DisposeAsync();
    }
}
