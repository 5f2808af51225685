using Charger.Cloud.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Charger.Cloud.EventHubs;

/// <summary>Registration of the Event Hubs ingress.</summary>
public static class EventHubsServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="EventHubsIngressProcessor"/> and <see cref="EventHubsIngress"/> (a hosted service), with
    /// <see cref="EventHubsIngressOptions"/> bound from the section <c>EventHubs</c> and validated at start. The host must
    /// register <see cref="IIngestPipeline"/>, <see cref="IEventHubsCheckpointStore"/> (the SQLite and PostgreSQL stores do)
    /// and, for the chargers' acks, an <see cref="IAckPublisher"/> (Charger.Cloud.Mqtt's <c>AddMqttAckPublisher</c>).
    /// </summary>
    public static IServiceCollection AddEventHubsIngress(this IServiceCollection services)
    {
        services.AddOptions<EventHubsIngressOptions>()
            .BindConfiguration(EventHubsIngressOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EventHubsIngressOptions>, EventHubsIngressOptionsValidator>());
        services.TryAddSingleton(sp => new EventHubsIngressProcessor(
            sp.GetRequiredService<IOptions<EventHubsIngressOptions>>().Value,
            sp.GetRequiredService<IEventHubsCheckpointStore>(),
            sp.GetRequiredService<IIngestPipeline>(),
            sp.GetService<IAckPublisher>(),
            sp.GetService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()?.CreateLogger<EventHubsIngressProcessor>()));
        services.TryAddSingleton(sp => new EventHubsIngress(
            sp.GetRequiredService<EventHubsIngressProcessor>(),
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<EventHubsIngress>>()));
        services.AddHostedService(sp => sp.GetRequiredService<EventHubsIngress>());
        return services;
    }
}
