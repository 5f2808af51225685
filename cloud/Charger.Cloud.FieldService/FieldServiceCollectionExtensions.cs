using Charger.Cloud.Core;
using Charger.Cloud.AfterSales;
using Charger.Cloud.Data;
using Charger.Cloud.FieldService.Alarms;
using Charger.Cloud.FieldService.Api;
using Charger.Cloud.FieldService.Data;
using Charger.Cloud.FieldService.Facts;
using Charger.Cloud.FieldService.Records;
using Charger.Cloud.FieldService.Sla;
using Charger.Cloud.FieldService.WorkOrders;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Charger.Cloud.FieldService.Projection;

namespace Charger.Cloud.FieldService;

/// <summary>Registration of the service area (alarms, work orders, SLA, service records) in a host.</summary>
public static class FieldServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="FieldServiceOptions"/> (section <c>Service</c>, validated at start), the <see cref="FieldServiceDb"/>
    /// with its migrations, the work-order service, the projector and SLA monitor (hosted unless
    /// <c>Service:EnableProjector</c> is false), <see cref="IFieldServiceFacts"/> and the area's JSON context.
    /// Needs the host's <c>DomainDatabase</c> and <c>IEventStore</c>, and <see cref="ICustomerDirectory"/>,
    /// <see cref="IStaffDirectory"/> and <see cref="IAuditLog"/> (Charger.Cloud.Access), injected: a host without one of
    /// them does not start, naming it.
    /// </summary>
    public static IServiceCollection AddFieldService(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<FieldServiceOptions>()
            .BindConfiguration(FieldServiceOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddDomainDb<FieldServiceDb>(FieldServiceDb.HistoryTable, o => new SqliteFieldServiceDb(o), o => new PostgresFieldServiceDb(o));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<FieldServiceAudit>();
        services.AddSingleton<WorkOrderService>();
        services.AddSingleton<FieldServiceProjector>();
        services.AddSingleton<FleetFaults>();
        services.AddSingleton<FleetRecords>();
        services.AddSubscriptionBarrier();
        services.AddSingleton<SlaMonitor>();
        services.AddSingleton<IFieldServiceFacts, FieldServiceFacts>();
        services.AddAuthorization();
        // Charger.Cloud.Access registers the shared policies; until a host wires it, "any staff" still means any known role.
        services.Configure<AuthorizationOptions>(o =>
        {
            if (o.GetPolicy(Policies.AnyStaff) is null)
            {
                o.AddPolicy(Policies.AnyStaff, p => p.RequireRole(Roles.All));
            }
        });
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(FieldServiceJsonContext.Default));
        if (configuration.GetValue($"{FieldServiceOptions.SectionName}:{nameof(FieldServiceOptions.EnableProjector)}", true))
        {
            services.AddSingleton<IHostedService, FieldServiceWorker>();
            services.AddSingleton<IEventSubscriber>(sp => sp.GetRequiredService<FieldServiceProjector>());
            services.AddEventSubscriptions();
        }

        return services;
    }
}
