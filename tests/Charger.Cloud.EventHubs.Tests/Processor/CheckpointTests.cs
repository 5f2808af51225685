using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Consumer;
using Charger.Cloud.Core;
using Charger.Cloud.EventHubs.Tests.Support;

namespace Charger.Cloud.EventHubs.Tests.Processor;

/// <summary>
/// Checkpoints through the processor's batch handler (the library calls it with each batch it reads): written only after
/// the batch is stored, read back by a restarted processor, and a restart redelivers without storing anything twice.
/// </summary>
public abstract class CheckpointTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private CloudDatabase _database = null!;
    private readonly List<Receiver> _receivers = [];

    protected abstract Task<CloudDatabase> CreateDatabaseAsync();

    public async Task InitializeAsync() => _database = await CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        foreach (var receiver in _receivers)
        {
            await receiver.DisposeAsync();
        }

        await _database.DisposeAsync();
    }

    /// <summary>A receiver process: its own services on the shared database, a processor with its own identity.</summary>
    private TestProcessor StartReceiver(string identifier)
    {
        var receiver = new Receiver(_database);
        _receivers.Add(receiver);
        return receiver.Processor(TestProcessor.Options(identifier));
    }

    /// <summary>Partition 0 as the hub keeps it: charger CP-1 seq 1..n at sequence numbers 1..n.</summary>
    private static List<EventData> PartitionLog(int n) => Enumerable.Range(1, n).Select(i => HubEvents.Of(i, "CP-1", i)).ToList();

    /// <summary>What the hub delivers to a processor starting at <paramref name="position"/>.</summary>
    private static IEnumerable<EventData> From(List<EventData> log, EventPosition position)
    {
        var after = log.FindIndex(e => EventPosition.FromOffset(e.OffsetString, isInclusive: false).Equals(position));
        Assert.True(after >= 0, $"the checkpoint {position} names no event of the partition");
        return log.Skip(after + 1);
    }

    private static long[] Seqs(params long[] seqs) => seqs;

    private async Task<long[]> StoredSeqsAsync() =>
        (await _database.Events.QueryEventsAsync(new EventQuery("CP-1") { Limit = 1000 }, Ct)).Select(e => e.Seq).ToArray();

    [Fact]
    public async Task Checkpoint_is_written_at_the_last_event_of_a_batch_once_the_batch_is_stored()
    {
        var processor = StartReceiver("receiver-a");
        var log = PartitionLog(3);
        Assert.Null(await processor.ReadCheckpointAsync("0"));

        await processor.ProcessAsync("0", log);

        Assert.Equal(Seqs(1, 2, 3), await StoredSeqsAsync());
        var checkpoint = await processor.ReadCheckpointAsync("0");
        Assert.NotNull(checkpoint);
        Assert.Equal(EventPosition.FromOffset(log[2].OffsetString, isInclusive: false), checkpoint.StartingPosition);
        Assert.Equal("receiver-a", checkpoint.ClientIdentifier);
    }

    [Fact]
    public async Task A_restarted_processor_reads_the_checkpoint_back_and_goes_on_after_it()
    {
        var log = PartitionLog(5);
        await StartReceiver("receiver-a").ProcessAsync("0", log.Take(3));

        var restarted = StartReceiver("receiver-b");
        var checkpoint = await restarted.ReadCheckpointAsync("0");
        await restarted.ProcessAsync("0", From(log, checkpoint.StartingPosition));

        Assert.Equal(Seqs(1, 2, 3, 4, 5), await StoredSeqsAsync());
        Assert.Equal(EventPosition.FromOffset(log[4].OffsetString, isInclusive: false), (await restarted.ReadCheckpointAsync("0")).StartingPosition);
        Assert.Equal(5, (await _database.Events.GetSequenceStateAsync("CP-1", Ct)).AppliedSeq);
    }

    [Fact]
    public async Task A_failing_store_writes_no_checkpoint_and_the_events_are_stored_when_read_again()
    {
        var processor = StartReceiver("receiver-a");
        var log = PartitionLog(4);
        await processor.ProcessAsync("0", log.Take(2));
        await _database.ExecuteAsync("ALTER TABLE events RENAME TO events_away");

        await Assert.ThrowsAnyAsync<Exception>(() => processor.ProcessAsync("0", log.Skip(2)));

        await _database.ExecuteAsync("ALTER TABLE events_away RENAME TO events");
        var checkpoint = await processor.ReadCheckpointAsync("0");
        Assert.Equal(EventPosition.FromOffset(log[1].OffsetString, isInclusive: false), checkpoint.StartingPosition);
        Assert.Equal(Seqs(1, 2), await StoredSeqsAsync());

        // The library restarts the partition from its checkpoint: the failed batch is read again, and stored.
        await processor.ProcessAsync("0", From(log, checkpoint.StartingPosition));

        Assert.Equal(Seqs(1, 2, 3, 4), await StoredSeqsAsync());
        Assert.Equal(EventPosition.FromOffset(log[3].OffsetString, isInclusive: false), (await processor.ReadCheckpointAsync("0")).StartingPosition);
    }

    [Fact]
    public async Task Redelivery_after_a_restart_stores_every_event_once_and_nothing_twice()
    {
        var log = PartitionLog(10);
        var first = StartReceiver("receiver-a");
        await first.ProcessAsync("0", log.Take(4));

        // Events 5..7 are stored, then the receiver dies before its checkpoint is written (the checkpoint write fails).
        await _database.ExecuteAsync("ALTER TABLE eventhubs_checkpoints RENAME TO eventhubs_checkpoints_away");
        await Assert.ThrowsAnyAsync<Exception>(() => first.ProcessAsync("0", log.Skip(4).Take(3)));
        await _database.ExecuteAsync("ALTER TABLE eventhubs_checkpoints_away RENAME TO eventhubs_checkpoints");
        Assert.Equal(Enumerable.Range(1, 7).Select(i => (long)i), await StoredSeqsAsync());

        // Restarted from the last checkpoint (after 4): 5..10 come again, and the hub also replays 3 and 4 (at least once).
        var restarted = StartReceiver("receiver-b");
        var checkpoint = await restarted.ReadCheckpointAsync("0");
        var redelivered = From(log, checkpoint.StartingPosition).ToList();
        Assert.Equal(5, redelivered[0].SequenceNumber);
        await restarted.ProcessAsync("0", log.Skip(2).Take(2).Concat(redelivered.Take(3)));
        await restarted.ProcessAsync("0", redelivered.Skip(3));

        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), await StoredSeqsAsync());
        Assert.Equal(10, (await _database.Events.GetSequenceStateAsync("CP-1", Ct)).AppliedSeq);
        Assert.Empty(await _database.Events.ListGapsAsync("CP-1", openOnly: false, Ct));
        Assert.Empty(await _database.Events.ListDeadLettersAsync(100, Ct));
        Assert.Equal(EventPosition.FromOffset(log[9].OffsetString, isInclusive: false), (await restarted.ReadCheckpointAsync("0")).StartingPosition);
    }
}

public sealed class SqliteCheckpointTests : CheckpointTests
{
    protected override Task<CloudDatabase> CreateDatabaseAsync() => Task.FromResult(CloudDatabase.Sqlite());
}

public sealed class PostgresCheckpointTests : CheckpointTests
{
    protected override Task<CloudDatabase> CreateDatabaseAsync() => CloudDatabase.PostgresAsync();
}
