using Charger.Cloud.CustomerCare.Api;
using Charger.Cloud.CustomerCare.Complaints;
using Charger.Cloud.CustomerCare.Data;
using Charger.Cloud.CustomerCare.Inquiries;
using Charger.Cloud.CustomerCare.Kpis;
using Charger.Cloud.CustomerCare.Surveys;
using Charger.Cloud.Data;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Charger.Cloud.CustomerCare;

/// <summary>Registration of the customer-care area.</summary>
public static class CustomerCareServiceCollectionExtensions
{
    /// <summary>
    /// Options (section <c>Care</c>), <see cref="CareDb"/> with its migrations, the services of inquiries, complaints,
    /// surveys and KPIs, and the area's JSON. Needs the host's <see cref="DomainDatabase"/> and <c>IEventStore</c>, the audit
    /// log and the customer and staff directories (Charger.Cloud.Access) and the work orders' facts
    /// (Charger.Cloud.FieldService), injected: a host without one of them does not start, naming it.
    /// </summary>
    public static IServiceCollection AddCustomerCare(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<CareOptions>()
            .BindConfiguration(CareOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddDomainDb<CareDb>(CareDb.HistoryTable, o => new SqliteCareDb(o), o => new PostgresCareDb(o));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<InquiryService>();
        services.AddSingleton<ComplaintService>();
        services.AddSingleton<SurveyService>();
        services.AddSingleton<KpiService>();
        services.AddAuthorization();
        services.Configure<JsonOptions>(o => o.SerializerOptions.TypeInfoResolverChain.Add(CareJsonContext.Default));
        return services;
    }
}
