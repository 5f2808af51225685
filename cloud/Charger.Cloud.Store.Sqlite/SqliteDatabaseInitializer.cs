using Microsoft.Extensions.Hosting;

namespace Charger.Cloud.Store.Sqlite;

/// <summary>Opens and migrates the database when the host starts, so a bad path or a too-new schema stops start-up
/// before any ingress adapter (registered later) accepts messages.</summary>
internal sealed class SqliteDatabaseInitializer(SqliteDatabase database) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => database.InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
