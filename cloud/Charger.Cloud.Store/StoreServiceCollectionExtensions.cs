using Charger.Cloud.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Charger.Cloud.Store;

/// <summary>Registration of the store's classes on the database an adapter registers.</summary>
public static class StoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TDatabase"/> as the <see cref="StoreDatabase"/>; <see cref="EventStore"/> as
    /// <see cref="IEventStore"/>, <see cref="IEventBatchStore"/> and <see cref="IEventFeed"/>;
    /// <see cref="ChargerCredentialStore"/> and <see cref="EventHubsCheckpointStore"/>; and a hosted service that opens and
    /// migrates the database at start, so a bad path or a too-new schema stops start-up before any ingress adapter
    /// (registered later) accepts messages.
    /// </summary>
    public static IServiceCollection AddCloudStore<TDatabase>(this IServiceCollection services)
        where TDatabase : StoreDatabase
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TDatabase>();
        services.TryAddSingleton<StoreDatabase>(sp => sp.GetRequiredService<TDatabase>());
        services.TryAddSingleton<EventStore>();
        services.TryAddSingleton<IEventStore>(sp => sp.GetRequiredService<EventStore>());
        services.TryAddSingleton<IEventFeed>(sp => sp.GetRequiredService<EventStore>());
        services.TryAddSingleton<IEventBatchStore>(sp => sp.GetRequiredService<EventStore>());
        services.TryAddSingleton<IChargerCredentialStore, ChargerCredentialStore>();
        services.TryAddSingleton<IEventHubsCheckpointStore, EventHubsCheckpointStore>();
        services.AddHostedService<StoreInitializer>();
        return services;
    }

    private sealed class StoreInitializer(StoreDatabase database) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => database.InitializeAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
