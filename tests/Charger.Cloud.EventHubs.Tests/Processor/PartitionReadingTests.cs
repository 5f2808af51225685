using Azure.Messaging.EventHubs.Consumer;
using Charger.Cloud.Core;
using Charger.Cloud.EventHubs.Tests.Support;

namespace Charger.Cloud.EventHubs.Tests.Processor;

/// <summary>
/// The processor running for real, its partitions read by the library's own loop from an <see cref="InMemoryEventHub"/>:
/// checkpoints after the store, a failing store makes the library restart the partition from its checkpoint, and a
/// second receiver goes on where the first one stopped, with every event stored once.
/// </summary>
public abstract class PartitionReadingTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private CloudDatabase _database = null!;
    private readonly List<TestProcessor> _processors = [];
    private readonly List<Receiver> _receivers = [];
    private readonly Signal _changes = new();

    protected abstract Task<CloudDatabase> CreateDatabaseAsync();

    public async Task InitializeAsync() => _database = await CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        foreach (var processor in _processors)
        {
            await processor.StopProcessingAsync();
        }

        foreach (var receiver in _receivers)
        {
            await receiver.DisposeAsync();
        }

        await _database.DisposeAsync();
    }

    private async Task<TestProcessor> StartAsync(string identifier, InMemoryEventHub hub)
    {
        var receiver = new Receiver(_database);
        _receivers.Add(receiver);
        var processor = new TestProcessor(TestProcessor.Options(identifier), receiver.Checkpoints, receiver.Pipeline, acks: null, changes: _changes, hub: hub);
        _processors.Add(processor);
        await processor.StartProcessingAsync();
        return processor;
    }

    private async Task<long[]> StoredSeqsAsync(string chargerId) =>
        (await _database.Events.QueryEventsAsync(new EventQuery(chargerId) { Limit = 1000 }, Ct)).Select(e => e.Seq).ToArray();

    private Task UntilStoredAsync(string chargerId, int count) =>
        _changes.WaitUntilAsync(async () => (await StoredSeqsAsync(chargerId)).Length == count, $"{count} events of {chargerId} are stored");

    private static long[] Range(int from, int to) => Enumerable.Range(from, to - from + 1).Select(i => (long)i).ToArray();

    [Fact]
    public async Task Every_partition_is_read_and_checkpointed_at_its_last_event_once_it_is_stored()
    {
        var hub = new InMemoryEventHub("0", "1");
        hub.Append("0", n => HubEvents.Of(n, "CP-1", n), 5);
        hub.Append("1", n => HubEvents.Of(n, "CP-2", n), 3);

        var processor = await StartAsync("receiver-a", hub);

        await UntilStoredAsync("CP-1", 5);
        await UntilStoredAsync("CP-2", 3);
        await _changes.WaitUntilAsync(async () => (await processor.ReadCheckpointAsync("1"))?.StartingPosition == EventPosition.FromOffset(HubEvents.Offset(3), isInclusive: false),
            "partition 1 is checkpointed after its last event");
        await _changes.WaitUntilAsync(async () => (await processor.ReadCheckpointAsync("0"))?.StartingPosition == EventPosition.FromOffset(HubEvents.Offset(5), isInclusive: false),
            "partition 0 is checkpointed after its last event");
        Assert.Equal(Range(1, 5), await StoredSeqsAsync("CP-1"));
        Assert.Equal(Range(1, 3), await StoredSeqsAsync("CP-2"));
    }

    [Fact]
    public async Task A_failing_store_makes_the_library_read_the_partition_again_from_its_checkpoint_and_nothing_is_lost_or_doubled()
    {
        var hub = new InMemoryEventHub("0");
        hub.Append("0", n => HubEvents.Of(n, "CP-1", n), 3);
        await StartAsync("receiver-a", hub);
        await UntilStoredAsync("CP-1", 3);
        await _changes.WaitUntilAsync(() => hub.StartedAt("0").Count == 1, "one consumer reads the partition");
        await _database.ExecuteAsync("ALTER TABLE events RENAME TO events_away");

        hub.Append("0", n => HubEvents.Of(n, "CP-1", n), 3);

        // The batch 4..6 fails: no checkpoint, and the library restarts the partition from the checkpoint (after 3).
        await _changes.WaitUntilAsync(() => hub.ConsumersCreated("0") >= 2, "the partition is restarted after the failed batch");
        await _database.ExecuteAsync("ALTER TABLE events_away RENAME TO events");
        await UntilStoredAsync("CP-1", 6);
        Assert.Equal(Range(1, 6), await StoredSeqsAsync("CP-1"));
        Assert.All(hub.StartedAt("0").Skip(1), first => Assert.Equal(4, first));
        Assert.Equal(6, (await _database.Events.GetSequenceStateAsync("CP-1", Ct)).AppliedSeq);
    }

    [Fact]
    public async Task A_second_receiver_goes_on_from_the_first_ones_checkpoint()
    {
        var hub = new InMemoryEventHub("0");
        hub.Append("0", n => HubEvents.Of(n, "CP-1", n), 5);
        var first = await StartAsync("receiver-a", hub);
        await UntilStoredAsync("CP-1", 5);
        await _changes.WaitUntilAsync(async () => (await first.ReadCheckpointAsync("0"))?.StartingPosition == EventPosition.FromOffset(HubEvents.Offset(5), isInclusive: false),
            "partition 0 is checkpointed after event 5");
        await first.StopProcessingAsync();
        hub.Append("0", n => HubEvents.Of(n, "CP-1", n), 5);

        await StartAsync("receiver-b", hub);

        await UntilStoredAsync("CP-1", 10);
        Assert.Equal(Range(1, 10), await StoredSeqsAsync("CP-1"));
        Assert.Equal([1L, 6L], hub.StartedAt("0"));
        Assert.Empty(await _database.Events.ListDeadLettersAsync(10, Ct));
    }
}

public sealed class SqlitePartitionReadingTests : PartitionReadingTests
{
    protected override Task<CloudDatabase> CreateDatabaseAsync() => Task.FromResult(CloudDatabase.Sqlite());
}

public sealed class PostgresPartitionReadingTests : PartitionReadingTests
{
    protected override Task<CloudDatabase> CreateDatabaseAsync() => CloudDatabase.PostgresAsync();
}
