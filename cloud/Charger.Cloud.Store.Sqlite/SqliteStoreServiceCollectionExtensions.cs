using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Charger.Cloud.Store.Sqlite;

/// <summary>Registration of the SQLite store.</summary>
public static class SqliteStoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers the store (<see cref="StoreServiceCollectionExtensions.AddCloudStore{TDatabase}"/>) on a
    /// <see cref="SqliteDatabase"/>, with <see cref="SqliteStoreOptions"/> bound from <paramref name="sectionPath"/> and
    /// validated at start. Register it before any ingress adapter.
    /// </summary>
    public static OptionsBuilder<SqliteStoreOptions> AddSqliteCloudStore(this IServiceCollection services, string sectionPath = SqliteStoreOptions.SectionName)
    {
        services.AddCloudStore<SqliteDatabase>();
        return services.AddOptions<SqliteStoreOptions>()
            .BindConfiguration(sectionPath)
            .ValidateDataAnnotations()
            .ValidateOnStart();
    }
}
