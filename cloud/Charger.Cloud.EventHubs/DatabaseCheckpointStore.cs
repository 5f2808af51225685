using Azure.Messaging.EventHubs.Consumer;
using Azure.Messaging.EventHubs.Primitives;
using Azure.Messaging.EventHubs.Processor;
using Charger.Cloud.Core;

namespace Charger.Cloud.EventHubs;

/// <summary>
/// The processor's <see cref="CheckpointStore"/> on the cloud database (<see cref="IEventHubsCheckpointStore"/>, SQLite or
/// PostgreSQL). Namespace, event hub and consumer group are compared case-insensitively by Event Hubs, so they are kept in
/// lower case; partition ids and owners as they are.
/// </summary>
internal sealed class DatabaseCheckpointStore(IEventHubsCheckpointStore store) : CheckpointStore
{
    public static EventHubsConsumer Consumer(string fullyQualifiedNamespace, string eventHubName, string consumerGroup) =>
        new(fullyQualifiedNamespace.ToLowerInvariant(), eventHubName.ToLowerInvariant(), consumerGroup.ToLowerInvariant());

    public override async Task<IEnumerable<EventProcessorPartitionOwnership>> ListOwnershipAsync(
        string fullyQualifiedNamespace, string eventHubName, string consumerGroup, CancellationToken cancellationToken)
    {
        var rows = await store.ListOwnershipAsync(Consumer(fullyQualifiedNamespace, eventHubName, consumerGroup), cancellationToken).ConfigureAwait(false);
        return rows.Select(ToAzure).ToList();
    }

    public override async Task<IEnumerable<EventProcessorPartitionOwnership>> ClaimOwnershipAsync(
        IEnumerable<EventProcessorPartitionOwnership> desiredOwnership, CancellationToken cancellationToken)
    {
        var claims = desiredOwnership
            .Select(o => new PartitionOwnership(
                Consumer(o.FullyQualifiedNamespace, o.EventHubName, o.ConsumerGroup), o.PartitionId, o.OwnerIdentifier ?? string.Empty, o.LastModifiedTime, o.Version))
            .ToList();
        if (claims.Count == 0)
        {
            return [];
        }

        var claimed = await store.ClaimOwnershipAsync(claims, cancellationToken).ConfigureAwait(false);
        return claimed.Select(ToAzure).ToList();
    }

    public override async Task<EventProcessorCheckpoint?> GetCheckpointAsync(
        string fullyQualifiedNamespace, string eventHubName, string consumerGroup, string partitionId, CancellationToken cancellationToken)
    {
        var checkpoint = await store.GetCheckpointAsync(Consumer(fullyQualifiedNamespace, eventHubName, consumerGroup), partitionId, cancellationToken).ConfigureAwait(false);
        return checkpoint is null
            ? null
            : new EventProcessorCheckpoint
            {
                FullyQualifiedNamespace = fullyQualifiedNamespace,
                EventHubName = eventHubName,
                ConsumerGroup = consumerGroup,
                PartitionId = partitionId,
                ClientIdentifier = checkpoint.ClientIdentifier,
                LastModified = checkpoint.LastModified,
                // The checkpoint names the last event stored: go on after it.
                StartingPosition = EventPosition.FromOffset(checkpoint.Offset, isInclusive: false),
            };
    }

    public override Task UpdateCheckpointAsync(
        string fullyQualifiedNamespace, string eventHubName, string consumerGroup, string partitionId, string clientIdentifier,
        CheckpointPosition startingPosition, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(startingPosition.OffsetString))
        {
            throw new ArgumentException("A checkpoint needs the offset of an event read from the hub.", nameof(startingPosition));
        }

        return store.UpdateCheckpointAsync(
            new PartitionCheckpoint(Consumer(fullyQualifiedNamespace, eventHubName, consumerGroup), partitionId, startingPosition.OffsetString,
                startingPosition.SequenceNumber, clientIdentifier, default),
            cancellationToken);
    }

    private static EventProcessorPartitionOwnership ToAzure(PartitionOwnership o) => new()
    {
        FullyQualifiedNamespace = o.Consumer.FullyQualifiedNamespace,
        EventHubName = o.Consumer.EventHubName,
        ConsumerGroup = o.Consumer.ConsumerGroup,
        PartitionId = o.PartitionId,
        OwnerIdentifier = o.OwnerIdentifier,
        LastModifiedTime = o.LastModified,
        Version = o.Version,
    };
}
