using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Charger.Cloud.Core;

/// <summary>Registration of the core services.</summary>
public static class CloudCoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IngestPipeline"/> as <see cref="IIngestPipeline"/> with its options (section
    /// <see cref="IngestOptions.SectionName"/>, validated at start) and <see cref="TimeProvider.System"/> unless a
    /// clock is already registered. An <see cref="IEventStore"/> must be registered by an adapter.
    /// </summary>
    public static IServiceCollection AddIngestPipeline(this IServiceCollection services)
    {
        services.AddOptions<IngestOptions>()
            .BindConfiguration(IngestOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<IngestMetrics>();
        services.TryAddSingleton<AppliedEventsSignal>();
        services.TryAddSingleton<LiveUpdates>();
        services.TryAddSingleton<IngestPipeline>();
        services.TryAddSingleton<IIngestPipeline>(sp => sp.GetRequiredService<IngestPipeline>());
        return services;
    }

    /// <summary>
    /// Runs every registered <see cref="IEventSubscriber"/> on the store's <see cref="IEventFeed"/> (hosted
    /// <see cref="EventSubscriptions"/>, settings in <see cref="SubscriptionOptions.SectionName"/>). An area registers its
    /// subscriber with <c>services.AddSingleton&lt;IEventSubscriber, TheSubscriber&gt;()</c>.
    /// </summary>
    public static IServiceCollection AddEventSubscriptions(this IServiceCollection services)
    {
        services.AddSubscriptionBarrier();
        services.TryAddSingleton<AppliedEventsSignal>();
        services.AddHostedService<EventSubscriptions>();
        return services;
    }

    /// <summary>
    /// Registers <see cref="SubscriptionBarrier"/> (with the settings in <see cref="SubscriptionOptions.SectionName"/>), for
    /// views derived by a subscription; <see cref="AddEventSubscriptions"/> includes it. Without the subscriptions
    /// running in this host, the barrier does not wait.
    /// </summary>
    public static IServiceCollection AddSubscriptionBarrier(this IServiceCollection services)
    {
        services.AddOptions<SubscriptionOptions>()
            .BindConfiguration(SubscriptionOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SubscriptionProgress>();
        services.TryAddSingleton<LiveUpdates>();
        services.TryAddSingleton<SubscriptionBarrier>();
        return services;
    }
}
