using Azure.Messaging.EventHubs.Primitives;
using Charger.Cloud.Core;
using Charger.Cloud.EventHubs.Tests.Support;

namespace Charger.Cloud.EventHubs.Tests.Processor;

/// <summary>
/// Partition ownership through the library's own load balancing, with the ownership rows in the cloud database: processors
/// sharing it split the partitions, a stale claim is refused, an expired owner's partitions are taken over.
/// </summary>
public abstract class OwnershipTests : IAsyncLifetime
{
    private static readonly string[] Partitions = ["0", "1", "2", "3"];

    private CloudDatabase _database = null!;
    private readonly List<TestProcessor> _running = [];
    private readonly List<Receiver> _receivers = [];

    protected abstract Task<CloudDatabase> CreateDatabaseAsync();

    public async Task InitializeAsync() => _database = await CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        foreach (var processor in _running)
        {
            await processor.StopProcessingAsync();
        }

        foreach (var receiver in _receivers)
        {
            await receiver.DisposeAsync();
        }

        await _database.DisposeAsync();
    }

    private async Task<TestProcessor> StartAsync(string identifier, Signal changes, TimeSpan? ownershipExpiration = null)
    {
        var receiver = new Receiver(_database);
        _receivers.Add(receiver);
        var processor = receiver.Processor(TestProcessor.Options(identifier, ownershipExpiration: ownershipExpiration), Partitions, changes);
        _running.Add(processor);
        await processor.StartProcessingAsync();
        return processor;
    }

    private async Task<IReadOnlyList<PartitionOwnership>> OwnershipAsync() =>
        await _database.CheckpointStore().ListOwnershipAsync(
            DatabaseCheckpointStore.Consumer("charger-test.servicebus.windows.net", "chargers", "$Default"), CancellationToken.None);

    private async Task<string> DescribeAsync() =>
        "Rows: " + string.Join("; ", (await OwnershipAsync()).Select(r => $"{r.PartitionId}={r.OwnerIdentifier}@{r.LastModified:HH:mm:ss.fff}"))
        + " Processors: " + string.Join("; ", _running.Select(p => $"{p.Identifier} running={p.IsRunning} owns [{string.Join(",", p.OwnedPartitions)}]"))
        + " Errors: " + string.Join(" | ", _running.SelectMany(p => p.Errors).Take(1));

    [Fact]
    public async Task Two_processors_sharing_one_database_split_the_partitions()
    {
        var changes = new Signal();

        var a = await StartAsync("receiver-a", changes);
        var b = await StartAsync("receiver-b", changes);

        await changes.WaitUntilAsync(() => a.OwnedPartitions.Count == 2 && b.OwnedPartitions.Count == 2, "each processor reads two partitions", DescribeAsync);
        Assert.Equal(Partitions, a.OwnedPartitions.Concat(b.OwnedPartitions).Order(StringComparer.Ordinal));
        var rows = await OwnershipAsync();
        Assert.Equal(Partitions, rows.Select(r => r.PartitionId));
        Assert.Equal(a.OwnedPartitions, rows.Where(r => r.OwnerIdentifier == "receiver-a").Select(r => r.PartitionId));
        Assert.Equal(b.OwnedPartitions, rows.Where(r => r.OwnerIdentifier == "receiver-b").Select(r => r.PartitionId));
    }

    [Fact]
    public async Task A_stopped_processor_gives_up_its_partitions_and_the_other_takes_them_all()
    {
        var changes = new Signal();
        var a = await StartAsync("receiver-a", changes);
        var b = await StartAsync("receiver-b", changes);
        await changes.WaitUntilAsync(() => a.OwnedPartitions.Count == 2 && b.OwnedPartitions.Count == 2, "each processor reads two partitions", DescribeAsync);

        await a.StopProcessingAsync();

        await changes.WaitUntilAsync(() => b.OwnedPartitions.Count == 4, "receiver-b reads all four partitions", DescribeAsync);
        Assert.Empty(a.OwnedPartitions);
        Assert.All(await OwnershipAsync(), r => Assert.Equal("receiver-b", r.OwnerIdentifier));
    }

    [Fact]
    public async Task An_expired_owners_partitions_are_taken_over()
    {
        // A receiver that died ten minutes ago (its clock then) still has its rows: they are older than the expiry.
        var consumer = DatabaseCheckpointStore.Consumer("charger-test.servicebus.windows.net", "chargers", "$Default");
        var dead = _database.CheckpointStore(new FixedTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-10)));
        var claimed = await dead.ClaimOwnershipAsync(Partitions.Select(p => new PartitionOwnership(consumer, p, "dead-receiver", default, null)).ToList(), CancellationToken.None);
        Assert.Equal(4, claimed.Count);
        var changes = new Signal();

        var b = await StartAsync("receiver-b", changes);

        await changes.WaitUntilAsync(() => b.OwnedPartitions.Count == 4, "receiver-b reads all four partitions", DescribeAsync);
        var rows = await OwnershipAsync();
        Assert.All(rows, r => Assert.Equal("receiver-b", r.OwnerIdentifier));
        Assert.Empty(rows.Select(r => r.Version).Intersect(claimed.Select(c => c.Version)));
    }

    [Fact]
    public async Task A_live_owner_keeps_its_partitions_until_its_claims_expire()
    {
        // receiver-a claimed all four just now and renews nothing; receiver-b may take only its fair share at once
        // (balanced load balancing steals one partition per cycle until both have two).
        var consumer = DatabaseCheckpointStore.Consumer("charger-test.servicebus.windows.net", "chargers", "$Default");
        await _database.CheckpointStore().ClaimOwnershipAsync(Partitions.Select(p => new PartitionOwnership(consumer, p, "receiver-a", default, null)).ToList(), CancellationToken.None);
        var changes = new Signal();

        // receiver-a's claims stay live for the whole test (a long expiry), however slow this machine is.
        var b = await StartAsync("receiver-b", changes, ownershipExpiration: TimeSpan.FromMinutes(5));

        await changes.WaitUntilAsync(() => b.OwnedPartitions.Count >= 2, "receiver-b reads two partitions", DescribeAsync);
        var rows = await OwnershipAsync();
        Assert.Equal(2, rows.Count(r => r.OwnerIdentifier == "receiver-a"));
        Assert.Equal(b.OwnedPartitions, rows.Where(r => r.OwnerIdentifier == "receiver-b").Select(r => r.PartitionId));
    }

    [Fact]
    public async Task A_claim_with_a_stale_version_is_refused_through_the_processors_checkpoint_store()
    {
        var store = new DatabaseCheckpointStore(_database.CheckpointStore());
        var first = Assert.Single(await store.ClaimOwnershipAsync([Ownership("receiver-a", version: null)], CancellationToken.None));
        Assert.Single(await store.ClaimOwnershipAsync([Ownership("receiver-a", first.Version)], CancellationToken.None));

        var stale = await store.ClaimOwnershipAsync([Ownership("receiver-b", first.Version)], CancellationToken.None);

        Assert.Empty(stale);
        var owner = Assert.Single(await store.ListOwnershipAsync("Charger-Test.servicebus.windows.net", "CHARGERS", "$Default", CancellationToken.None));
        Assert.Equal("receiver-a", owner.OwnerIdentifier);
    }

    private static EventProcessorPartitionOwnership Ownership(string owner, string? version) => new()
    {
        FullyQualifiedNamespace = "charger-test.servicebus.windows.net",
        EventHubName = "chargers",
        ConsumerGroup = "$Default",
        PartitionId = "0",
        OwnerIdentifier = owner,
        Version = version,
    };
}

public sealed class SqliteOwnershipTests : OwnershipTests
{
    protected override Task<CloudDatabase> CreateDatabaseAsync() => Task.FromResult(CloudDatabase.Sqlite());
}

public sealed class PostgresOwnershipTests : OwnershipTests
{
    protected override Task<CloudDatabase> CreateDatabaseAsync() => CloudDatabase.PostgresAsync();
}
