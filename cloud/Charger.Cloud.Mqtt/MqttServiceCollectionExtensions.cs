using Charger.Cloud.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Charger.Cloud.Mqtt;

/// <summary>Registers the embedded broker and the MQTT ingress. The host must register <see cref="IChargerCredentialStore"/>
/// (for the broker) and <see cref="IIngestPipeline"/> (for the ingress).</summary>
public static class MqttServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="EmbeddedBroker"/> as a singleton and a hosted service, with <see cref="EmbeddedBrokerOptions"/> bound
    /// from the section <c>Broker</c> of <paramref name="configuration"/>, validated at start. Call it before
    /// <see cref="AddMqttIngress"/> so the broker starts first and stops last (the ingress also waits for it).
    /// </summary>
    public static IServiceCollection AddEmbeddedBroker(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EmbeddedBrokerOptions>()
            .Bind(configuration.GetSection(EmbeddedBrokerOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EmbeddedBrokerOptions>, EmbeddedBrokerOptionsValidator>());
        services.TryAddSingleton(sp => new EmbeddedBroker(
            sp.GetRequiredService<IOptions<EmbeddedBrokerOptions>>(),
            sp.GetRequiredService<IChargerCredentialStore>(),
            sp.GetService<ILogger<EmbeddedBroker>>(),
            sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddHostedService(sp => sp.GetRequiredService<EmbeddedBroker>());
        return services;
    }

    /// <summary>
    /// Registers <see cref="MqttIngress"/> as a singleton and a hosted service, with <see cref="MqttIngressOptions"/> bound from
    /// the section <c>Ingress</c> of <paramref name="configuration"/>, validated at start. Without <c>Ingress:Host</c> it uses
    /// the embedded broker (register it with <see cref="AddEmbeddedBroker"/>).
    /// </summary>
    public static IServiceCollection AddMqttIngress(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MqttIngressOptions>()
            .Bind(configuration.GetSection(MqttIngressOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MqttIngressOptions>, MqttIngressOptionsValidator>(sp =>
            new MqttIngressOptionsValidator(
                sp.GetService<IOptions<EmbeddedBrokerOptions>>(),
                sp.GetService<IServiceProviderIsService>()?.IsService(typeof(EmbeddedBroker)) == true)));
        services.TryAddSingleton(sp => new MqttIngress(
            sp.GetRequiredService<IIngestPipeline>(),
            sp.GetRequiredService<IOptions<MqttIngressOptions>>(),
            sp.GetService<EmbeddedBroker>(),
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<MqttIngress>>()));
        services.AddHostedService(sp => sp.GetRequiredService<MqttIngress>());
        return services;
    }

    /// <summary>
    /// Registers <see cref="MqttAckPublisher"/> as a singleton, as <see cref="IAckPublisher"/> and as a hosted service, for an
    /// ingress that receives elsewhere (Event Hubs) and sends the agents' acks over MQTT. It reaches the broker named by the
    /// section <c>Ingress</c> (<see cref="MqttIngressOptions"/>, validated at start) without subscribing; without
    /// <c>Ingress:Host</c> it uses the embedded broker (register it with <see cref="AddEmbeddedBroker"/>).
    /// </summary>
    public static IServiceCollection AddMqttAckPublisher(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MqttIngressOptions>()
            .Bind(configuration.GetSection(MqttIngressOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MqttIngressOptions>, MqttIngressOptionsValidator>(sp =>
            new MqttIngressOptionsValidator(
                sp.GetService<IOptions<EmbeddedBrokerOptions>>(),
                sp.GetService<IServiceProviderIsService>()?.IsService(typeof(EmbeddedBroker)) == true)));
        services.TryAddSingleton(sp => new MqttAckPublisher(
            sp.GetRequiredService<IOptions<MqttIngressOptions>>(),
            sp.GetService<EmbeddedBroker>(),
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<MqttAckPublisher>>()));
        services.TryAddSingleton<IAckPublisher>(sp => sp.GetRequiredService<MqttAckPublisher>());
        services.AddHostedService(sp => sp.GetRequiredService<MqttAckPublisher>());
        return services;
    }

    /// <summary>The embedded broker and the MQTT ingress from the builder's configuration: <c>builder.AddChargerMqtt()</c> in Program.cs.</summary>
    public static IHostApplicationBuilder AddChargerMqtt(this IHostApplicationBuilder builder)
    {
        builder.Services.AddEmbeddedBroker(builder.Configuration);
        builder.Services.AddMqttIngress(builder.Configuration);
        return builder;
    }
}
