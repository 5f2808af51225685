using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Charger.Cloud.Store.Postgres;

/// <summary>Registration of the PostgreSQL store.</summary>
public static class PostgresStoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers the store (<see cref="StoreServiceCollectionExtensions.AddCloudStore{TDatabase}"/>) on a
    /// <see cref="PostgresDatabase"/>, with <see cref="PostgresStoreOptions"/> bound from <paramref name="sectionPath"/>
    /// and validated at start. Register it before any ingress adapter.
    /// </summary>
    public static OptionsBuilder<PostgresStoreOptions> AddPostgresCloudStore(this IServiceCollection services, string sectionPath = PostgresStoreOptions.SectionName)
    {
        services.AddCloudStore<PostgresDatabase>();
        return services.AddOptions<PostgresStoreOptions>()
            .BindConfiguration(sectionPath)
            .ValidateDataAnnotations()
            .ValidateOnStart();
    }
}
