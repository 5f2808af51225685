using Charger.Cloud.Core;
using Charger.Cloud.Core.AfterSales;
using Charger.Cloud.Data;
using Charger.Cloud.Service.Alarms;
using Charger.Cloud.Service.Api;
using Charger.Cloud.Service.Data;
using Charger.Cloud.Service.Facts;
using Charger.Cloud.Service.Records;
using Charger.Cloud.Service.Sla;
using Charger.Cloud.Service.WorkOrders;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Charger.Cloud.Service;

/// <summary>Registration of the service area (alarms, work orders, SLA, service records) in a host.</summary>
public static class ServiceServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ServiceOptions"/> (section <c>Service</c>, validated at start), the <see cref="ServiceDb"/>
    /// with its migrations, the work-order service, the projector and SLA monitor (hosted unless
    /// <c>Service:EnableProjector</c> is false), <see cref="IServiceFacts"/> and the area's JSON context.
    /// Needs the host's <c>DomainDatabase</c> and <c>IEventStore</c>; uses <see cref="ICustomerDirectory"/>,
    /// <see cref="IStaffDirectory"/> and <see cref="IAuditLog"/> when registered.
    /// </summary>
    public static IServiceCollection AddService(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ServiceOptions>()
            .BindConfiguration(ServiceOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddDomainDb<ServiceDb>(ServiceDb.HistoryTable, o => new SqliteServiceDb(o), o => new PostgresServiceDb(o));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new ServiceAudit(sp.GetService<IAuditLog>(), sp.GetRequiredService<ILogger<ServiceAudit>>()));
        services.AddSingleton(sp => new WorkOrderService(
            sp.GetRequiredService<IDomainDbFactory<ServiceDb>>(),
            sp.GetService<IStaffDirectory>(),
            sp.GetService<ICustomerDirectory>() ?? NullCustomerDirectory.Instance,
            sp.GetRequiredService<ServiceAudit>(),
            sp.GetRequiredService<IOptions<ServiceOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<WorkOrderService>>()));
        services.AddSingleton<ServiceProjector>();
        services.AddSingleton<FleetFaults>();
        services.AddSingleton<FleetRecords>();
        services.AddSubscriptionBarrier();
        services.AddSingleton<SlaMonitor>();
        services.AddSingleton<IServiceFacts, ServiceFacts>();
        services.AddAuthorization();
        // Charger.Cloud.Access registers the shared policies; until a host wires it, "any staff" still means any known role.
        services.Configure<AuthorizationOptions>(o =>
        {
            if (o.GetPolicy(Policies.AnyStaff) is null)
            {
                o.AddPolicy(Policies.AnyStaff, p => p.RequireRole(Roles.All));
            }
        });
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(ServiceJsonContext.Default));
        if (configuration.GetValue($"{ServiceOptions.SectionName}:{nameof(ServiceOptions.EnableProjector)}", true))
        {
            services.AddSingleton<IHostedService, ServiceWorker>();
            services.AddSingleton<IEventSubscriber>(sp => sp.GetRequiredService<ServiceProjector>());
            services.AddEventSubscriptions();
        }

        return services;
    }
}
