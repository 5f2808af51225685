using Charger.Cloud.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Charger.Cloud.EventHubs.Tests.Support;

/// <summary>
/// One receiver's services on a shared <see cref="CloudDatabase"/>, registered as the host registers them: the store
/// adapter (its own connections) and the real ingest pipeline.
/// </summary>
internal sealed class Receiver : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public Receiver(CloudDatabase database)
    {
        var settings = new Dictionary<string, string?>(database.HostSettings);
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        database.AddStore(services);
        services.AddIngestPipeline();
        _services = services.BuildServiceProvider();
    }

    public IIngestPipeline Pipeline => _services.GetRequiredService<IIngestPipeline>();

    public IEventHubsCheckpointStore Checkpoints => _services.GetRequiredService<IEventHubsCheckpointStore>();

    public IEventStore Events => _services.GetRequiredService<IEventStore>();

    public TestProcessor Processor(EventHubsIngressOptions? options = null, string[]? partitions = null, Signal? changes = null, IAckPublisher? acks = null) =>
        new(options ?? TestProcessor.Options(), Checkpoints, Pipeline, acks, partitions, changes);

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
