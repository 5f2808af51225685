using Microsoft.Extensions.Hosting;

namespace Charger.Cloud.Store.Postgres;

/// <summary>Connects and migrates the schema when the host starts, so an unreachable server, bad credentials or a too-new
/// schema stop start-up before any ingress adapter (registered later) accepts messages.</summary>
internal sealed class PostgresDatabaseInitializer(PostgresDatabase database) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => database.InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
