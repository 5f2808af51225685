namespace Charger.Cloud.Core;

/// <summary>
/// Where the Event Hubs ingress keeps its partition ownership and checkpoints: the cloud database, so N receivers that
/// share it split an event hub's partitions between them and a restarted receiver goes on where the last one stopped.
/// The shape follows what <c>Azure.Messaging.EventHubs</c> asks of a checkpoint store (ownership claimed with optimistic
/// concurrency on a version, checkpoints by partition); the adapters hold no Azure types.
/// </summary>
/// <remarks>
/// Ownership claims are optimistic: a claim carries the <see cref="PartitionOwnership.Version"/> it read; it succeeds only
/// when the stored row still has that version (or, with a null version, when there is no row yet), and then the row gets a
/// new version and the store's current time as <see cref="PartitionOwnership.LastModified"/>. A stale claim fails silently:
/// it is left out of the result, as the processor expects. Failures of the store itself throw.
/// </remarks>
public interface IEventHubsCheckpointStore
{
    /// <summary>Every ownership row of one event hub and consumer group, in partition order.</summary>
    Task<IReadOnlyList<PartitionOwnership>> ListOwnershipAsync(EventHubsConsumer consumer, CancellationToken cancellationToken);

    /// <summary>
    /// Claims each of <paramref name="claims"/> (see the remarks of the interface) and returns the ones that succeeded,
    /// each with its new version and modification time.
    /// </summary>
    Task<IReadOnlyList<PartitionOwnership>> ClaimOwnershipAsync(IReadOnlyList<PartitionOwnership> claims, CancellationToken cancellationToken);

    /// <summary>The checkpoint of one partition, or null when none was written.</summary>
    Task<PartitionCheckpoint?> GetCheckpointAsync(EventHubsConsumer consumer, string partitionId, CancellationToken cancellationToken);

    /// <summary>Creates or replaces the checkpoint of <see cref="PartitionCheckpoint.PartitionId"/>.</summary>
    Task UpdateCheckpointAsync(PartitionCheckpoint checkpoint, CancellationToken cancellationToken);
}

/// <summary>One consumer of an event hub: namespace (host name), event hub and consumer group.</summary>
public sealed record EventHubsConsumer(string FullyQualifiedNamespace, string EventHubName, string ConsumerGroup);

/// <summary>Who owns a partition of <paramref name="Consumer"/>.</summary>
/// <param name="Consumer">The event hub and consumer group.</param>
/// <param name="PartitionId">The partition.</param>
/// <param name="OwnerIdentifier">The processor that owns it; empty when it was given up.</param>
/// <param name="LastModified">When the claim was last made or renewed (the store's clock); ignored in a claim.</param>
/// <param name="Version">The row's version (an ETag): in a claim, the version read before; null to claim a partition nobody has claimed yet.</param>
public sealed record PartitionOwnership(EventHubsConsumer Consumer, string PartitionId, string OwnerIdentifier, DateTimeOffset LastModified, string? Version);

/// <summary>Where processing of a partition goes on: after the event at <paramref name="Offset"/>.</summary>
/// <param name="Consumer">The event hub and consumer group.</param>
/// <param name="PartitionId">The partition.</param>
/// <param name="Offset">The offset of the last event stored (Event Hubs offsets are strings).</param>
/// <param name="SequenceNumber">The sequence number of that event, for information.</param>
/// <param name="ClientIdentifier">The processor that wrote it, for information.</param>
/// <param name="LastModified">When it was written (set by the store on update).</param>
public sealed record PartitionCheckpoint(EventHubsConsumer Consumer, string PartitionId, string Offset, long? SequenceNumber, string? ClientIdentifier, DateTimeOffset LastModified);
