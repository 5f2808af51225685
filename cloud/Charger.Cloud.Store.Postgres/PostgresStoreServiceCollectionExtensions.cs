using Charger.Cloud.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Charger.Cloud.Store.Postgres;

/// <summary>Registration of the PostgreSQL store.</summary>
public static class PostgresStoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="PostgresDatabase"/>, <see cref="PostgresEventStore"/> as <see cref="IEventStore"/> and
    /// <see cref="PostgresChargerCredentialStore"/> as <see cref="IChargerCredentialStore"/>,
    /// <see cref="PostgresEventHubsCheckpointStore"/> as <see cref="IEventHubsCheckpointStore"/>, and a hosted service that
    /// connects and migrates at start (register it before any ingress adapter), with <see cref="PostgresStoreOptions"/>
    /// bound from <paramref name="sectionPath"/> and validated at start.
    /// </summary>
    public static OptionsBuilder<PostgresStoreOptions> AddPostgresCloudStore(this IServiceCollection services, string sectionPath = PostgresStoreOptions.SectionName)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PostgresDatabase>();
        services.TryAddSingleton<PostgresEventStore>();
        services.TryAddSingleton<IEventStore>(sp => sp.GetRequiredService<PostgresEventStore>());
        services.TryAddSingleton<IEventFeed>(sp => sp.GetRequiredService<PostgresEventStore>());
        services.TryAddSingleton<IEventBatchStore>(sp => sp.GetRequiredService<PostgresEventStore>());
        services.TryAddSingleton<PostgresChargerCredentialStore>();
        services.TryAddSingleton<IChargerCredentialStore>(sp => sp.GetRequiredService<PostgresChargerCredentialStore>());
        services.TryAddSingleton<PostgresEventHubsCheckpointStore>();
        services.TryAddSingleton<IEventHubsCheckpointStore>(sp => sp.GetRequiredService<PostgresEventHubsCheckpointStore>());
        services.AddHostedService<PostgresDatabaseInitializer>();
        return services.AddOptions<PostgresStoreOptions>()
            .BindConfiguration(sectionPath)
            .ValidateDataAnnotations()
            .ValidateOnStart();
    }
}
