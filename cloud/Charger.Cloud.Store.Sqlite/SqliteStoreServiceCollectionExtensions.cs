using Charger.Cloud.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Charger.Cloud.Store.Sqlite;

/// <summary>Registration of the SQLite store.</summary>
public static class SqliteStoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="SqliteDatabase"/>, <see cref="SqliteEventStore"/> as <see cref="IEventStore"/> and
    /// <see cref="SqliteChargerCredentialStore"/> as <see cref="IChargerCredentialStore"/>,
    /// <see cref="SqliteEventHubsCheckpointStore"/> as <see cref="IEventHubsCheckpointStore"/>, and a hosted service that
    /// opens and migrates the database at start (register it before any ingress adapter), with
    /// <see cref="SqliteStoreOptions"/> bound from <paramref name="sectionPath"/> and validated at start.
    /// </summary>
    public static OptionsBuilder<SqliteStoreOptions> AddSqliteCloudStore(this IServiceCollection services, string sectionPath = SqliteStoreOptions.SectionName)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SqliteDatabase>();
        services.TryAddSingleton<SqliteEventStore>();
        services.TryAddSingleton<IEventStore>(sp => sp.GetRequiredService<SqliteEventStore>());
        services.TryAddSingleton<IEventFeed>(sp => sp.GetRequiredService<SqliteEventStore>());
        services.TryAddSingleton<IEventBatchStore>(sp => sp.GetRequiredService<SqliteEventStore>());
        services.TryAddSingleton<SqliteChargerCredentialStore>();
        services.TryAddSingleton<IChargerCredentialStore>(sp => sp.GetRequiredService<SqliteChargerCredentialStore>());
        services.TryAddSingleton<SqliteEventHubsCheckpointStore>();
        services.TryAddSingleton<IEventHubsCheckpointStore>(sp => sp.GetRequiredService<SqliteEventHubsCheckpointStore>());
        services.AddHostedService<SqliteDatabaseInitializer>();
        return services.AddOptions<SqliteStoreOptions>()
            .BindConfiguration(sectionPath)
            .ValidateDataAnnotations()
            .ValidateOnStart();
    }
}
