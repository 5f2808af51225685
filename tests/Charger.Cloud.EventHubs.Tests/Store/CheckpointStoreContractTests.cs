using Charger.Cloud.Core;
using Charger.Cloud.EventHubs.Tests.Support;

namespace Charger.Cloud.EventHubs.Tests.Store;

/// <summary>
/// What every <see cref="IEventHubsCheckpointStore"/> adapter must do, run against a real SQLite file and a real PostgreSQL
/// server by the subclasses below. Ownership follows Event Hubs' optimistic concurrency: a claim carries the version it
/// read; a stale one fails.
/// </summary>
public abstract class CheckpointStoreContractTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly EventHubsConsumer Hub = new("ns.servicebus.windows.net", "chargers", "$default");
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private CloudDatabase _database = null!;

    protected abstract Task<CloudDatabase> CreateDatabaseAsync();

    public async Task InitializeAsync() => _database = await CreateDatabaseAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private IEventHubsCheckpointStore Store(DateTimeOffset? now = null) => _database.CheckpointStore(new FixedTimeProvider(now ?? T0));

    private static PartitionOwnership Claim(string partition, string owner, string? version, EventHubsConsumer? consumer = null) =>
        new(consumer ?? Hub, partition, owner, default, version);

    [Fact]
    public async Task Claim_of_an_unclaimed_partition_succeeds_with_a_new_version_and_the_store_time()
    {
        var claimed = Assert.Single(await Store().ClaimOwnershipAsync([Claim("0", "receiver-a", null)], Ct));

        Assert.Equal("receiver-a", claimed.OwnerIdentifier);
        Assert.False(string.IsNullOrEmpty(claimed.Version));
        Assert.Equal(T0, claimed.LastModified);
        var listed = Assert.Single(await Store().ListOwnershipAsync(Hub, Ct));
        Assert.Equal(claimed, listed);
    }

    [Fact]
    public async Task Claim_with_the_version_read_succeeds_and_changes_the_version()
    {
        var first = Assert.Single(await Store().ClaimOwnershipAsync([Claim("0", "receiver-a", null)], Ct));

        var renewed = Assert.Single(await Store(T0.AddSeconds(10)).ClaimOwnershipAsync([Claim("0", "receiver-b", first.Version)], Ct));

        Assert.Equal("receiver-b", renewed.OwnerIdentifier);
        Assert.NotEqual(first.Version, renewed.Version);
        Assert.Equal(T0.AddSeconds(10), renewed.LastModified);
        Assert.Equal(renewed, Assert.Single(await Store().ListOwnershipAsync(Hub, Ct)));
    }

    [Fact]
    public async Task Claim_with_a_stale_version_is_refused_and_the_owner_stays()
    {
        var first = Assert.Single(await Store().ClaimOwnershipAsync([Claim("0", "receiver-a", null)], Ct));
        var renewed = Assert.Single(await Store().ClaimOwnershipAsync([Claim("0", "receiver-a", first.Version)], Ct));

        var stale = await Store().ClaimOwnershipAsync([Claim("0", "receiver-b", first.Version)], Ct);

        Assert.Empty(stale);
        Assert.Equal(renewed, Assert.Single(await Store().ListOwnershipAsync(Hub, Ct)));
    }

    [Fact]
    public async Task Claim_without_a_version_of_a_partition_someone_claimed_is_refused()
    {
        var first = Assert.Single(await Store().ClaimOwnershipAsync([Claim("0", "receiver-a", null)], Ct));

        Assert.Empty(await Store().ClaimOwnershipAsync([Claim("0", "receiver-b", null)], Ct));
        Assert.Equal(first, Assert.Single(await Store().ListOwnershipAsync(Hub, Ct)));
    }

    [Fact]
    public async Task Only_the_claims_that_won_are_returned_from_a_mixed_request()
    {
        var zero = Assert.Single(await Store().ClaimOwnershipAsync([Claim("0", "receiver-a", null)], Ct));
        Assert.Single(await Store().ClaimOwnershipAsync([Claim("0", "receiver-a", zero.Version)], Ct));

        var claimed = await Store().ClaimOwnershipAsync([Claim("0", "receiver-b", zero.Version), Claim("1", "receiver-b", null), Claim("2", "receiver-b", null)], Ct);

        Assert.Equal(["1", "2"], claimed.Select(c => c.PartitionId));
        Assert.All(claimed, c => Assert.Equal("receiver-b", c.OwnerIdentifier));
        Assert.Equal(["receiver-a", "receiver-b", "receiver-b"], (await Store().ListOwnershipAsync(Hub, Ct)).Select(o => o.OwnerIdentifier));
    }

    [Fact]
    public async Task Of_two_concurrent_claims_with_the_same_version_exactly_one_wins()
    {
        var first = Assert.Single(await Store().ClaimOwnershipAsync([Claim("0", "receiver-a", null)], Ct));
        var b = Store();
        var c = Store();

        var results = await Task.WhenAll(
            Task.Run(() => b.ClaimOwnershipAsync([Claim("0", "receiver-b", first.Version)], Ct)),
            Task.Run(() => c.ClaimOwnershipAsync([Claim("0", "receiver-c", first.Version)], Ct)));

        var winner = Assert.Single(results.SelectMany(r => r));
        Assert.Equal(winner, Assert.Single(await Store().ListOwnershipAsync(Hub, Ct)));
    }

    [Fact]
    public async Task Giving_up_a_partition_keeps_its_row_with_an_empty_owner_and_a_new_version()
    {
        var first = Assert.Single(await Store().ClaimOwnershipAsync([Claim("0", "receiver-a", null)], Ct));

        var released = Assert.Single(await Store().ClaimOwnershipAsync([Claim("0", string.Empty, first.Version)], Ct));

        Assert.Equal(string.Empty, released.OwnerIdentifier);
        Assert.NotEqual(first.Version, released.Version);
        Assert.Single(await Store().ClaimOwnershipAsync([Claim("0", "receiver-b", released.Version)], Ct));
    }

    [Fact]
    public async Task Ownership_is_kept_apart_per_event_hub_and_consumer_group()
    {
        var otherGroup = Hub with { ConsumerGroup = "analytics" };
        var otherHub = Hub with { EventHubName = "telemetry" };

        await Store().ClaimOwnershipAsync([Claim("0", "receiver-a", null), Claim("0", "receiver-b", null, otherGroup), Claim("0", "receiver-c", null, otherHub)], Ct);

        Assert.Equal("receiver-a", Assert.Single(await Store().ListOwnershipAsync(Hub, Ct)).OwnerIdentifier);
        Assert.Equal("receiver-b", Assert.Single(await Store().ListOwnershipAsync(otherGroup, Ct)).OwnerIdentifier);
        Assert.Equal("receiver-c", Assert.Single(await Store().ListOwnershipAsync(otherHub, Ct)).OwnerIdentifier);
        Assert.Empty(await Store().ListOwnershipAsync(Hub with { FullyQualifiedNamespace = "other.servicebus.windows.net" }, Ct));
    }

    [Fact]
    public async Task Checkpoint_is_absent_until_written_and_then_read_back()
    {
        Assert.Null(await Store().GetCheckpointAsync(Hub, "0", Ct));

        await Store(T0.AddMinutes(1)).UpdateCheckpointAsync(new PartitionCheckpoint(Hub, "0", "4096", 17, "receiver-a", default), Ct);

        var read = await Store().GetCheckpointAsync(Hub, "0", Ct);
        Assert.Equal(new PartitionCheckpoint(Hub, "0", "4096", 17, "receiver-a", T0.AddMinutes(1)), read);
        Assert.Null(await Store().GetCheckpointAsync(Hub, "1", Ct));
    }

    [Fact]
    public async Task A_later_checkpoint_replaces_the_earlier_one()
    {
        await Store().UpdateCheckpointAsync(new PartitionCheckpoint(Hub, "0", "4096", 17, "receiver-a", default), Ct);

        await Store(T0.AddMinutes(2)).UpdateCheckpointAsync(new PartitionCheckpoint(Hub, "0", "8192", 33, "receiver-b", default), Ct);

        Assert.Equal(new PartitionCheckpoint(Hub, "0", "8192", 33, "receiver-b", T0.AddMinutes(2)), await Store().GetCheckpointAsync(Hub, "0", Ct));
    }

    [Fact]
    public async Task Checkpoints_are_kept_apart_per_consumer_group()
    {
        var otherGroup = Hub with { ConsumerGroup = "analytics" };
        await Store().UpdateCheckpointAsync(new PartitionCheckpoint(Hub, "0", "100", 1, null, default), Ct);
        await Store().UpdateCheckpointAsync(new PartitionCheckpoint(otherGroup, "0", "200", null, null, default), Ct);

        Assert.Equal("100", (await Store().GetCheckpointAsync(Hub, "0", Ct))!.Offset);
        var other = await Store().GetCheckpointAsync(otherGroup, "0", Ct);
        Assert.Equal("200", other!.Offset);
        Assert.Null(other.SequenceNumber);
        Assert.Null(other.ClientIdentifier);
    }
}

/// <summary>The checkpoint store contract on a real SQLite file.</summary>
public sealed class SqliteCheckpointStoreContractTests : CheckpointStoreContractTests
{
    protected override Task<CloudDatabase> CreateDatabaseAsync() => Task.FromResult(CloudDatabase.Sqlite());
}

/// <summary>The checkpoint store contract on the PostgreSQL test server (<c>CHARGER_TEST_POSTGRES</c>), each test in a fresh schema.</summary>
public sealed class PostgresCheckpointStoreContractTests : CheckpointStoreContractTests
{
    protected override Task<CloudDatabase> CreateDatabaseAsync() => CloudDatabase.PostgresAsync();
}
