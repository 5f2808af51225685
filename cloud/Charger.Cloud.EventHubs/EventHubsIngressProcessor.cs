using System.Collections.Concurrent;
using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Consumer;
using Azure.Messaging.EventHubs.Primitives;
using Azure.Messaging.EventHubs.Processor;
using Charger.Cloud.Core;
using Charger.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Charger.Cloud.EventHubs;

/// <summary>
/// The Event Hubs event processor of the receiver: its partition ownership and checkpoints live in the cloud database
/// (<see cref="IEventHubsCheckpointStore"/>), so receivers sharing the database split the partitions. Each batch of a
/// partition goes through the same <see cref="IIngestPipeline"/> as the MQTT ingress, in order; then the acks are sent
/// (highest per charger, through <see cref="IAckPublisher"/>), and only then the partition's checkpoint moves to the
/// batch's last event.
/// </summary>
/// <remarks>
/// Bad input (no topic, malformed payload, wrong charger id...) never stops a partition: the pipeline dead-letters it and
/// the batch goes on. A failing store throws out of the batch: no checkpoint is written, the processor restarts the
/// partition from its last checkpoint on its next load-balancing cycle, and the events are read again (the pipeline stores
/// each once, so those already stored are duplicates and acked again).
/// </remarks>
public class EventHubsIngressProcessor : PluggableCheckpointStoreEventProcessor<EventProcessorPartition>
{
    private readonly IIngestPipeline _pipeline;
    private readonly IAckPublisher? _acks;
    private readonly string[] _topicProperties;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, bool> _owned = new(StringComparer.Ordinal);

    /// <summary>Creates the processor for <paramref name="options"/> (validated). Connects only when started.</summary>
    public EventHubsIngressProcessor(
        EventHubsIngressOptions options,
        IEventHubsCheckpointStore store,
        IIngestPipeline pipeline,
        IAckPublisher? acks,
        TimeProvider? timeProvider = null,
        ILogger? logger = null)
        : base(
            new DatabaseCheckpointStore(store),
            options.MaxBatchSize,
            options.ConsumerGroup,
            options.ConnectionString ?? throw new ArgumentException("EventHubs:ConnectionString is required.", nameof(options)),
            options.EventHubName,
            ProcessorOptions(options))
    {
        _pipeline = pipeline;
        _acks = acks;
        _topicProperties = options.TopicPropertyNames;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The partitions this processor owns and reads now.</summary>
    public IReadOnlyCollection<string> OwnedPartitions => _owned.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Handles one batch of a partition: its events through the pipeline as one batch (one store transaction, in order),
    /// statuses after them, then the acks, then the checkpoint at the batch's last event. Throws, and writes no checkpoint
    /// and sends no ack, when the pipeline's store or the checkpoint store throws.
    /// </summary>
    protected override async Task OnProcessingEventBatchAsync(IEnumerable<EventData> events, EventProcessorPartition partition, CancellationToken cancellationToken)
    {
        var batch = events as IReadOnlyList<EventData> ?? events.ToList();
        if (batch.Count == 0)
        {
            return;
        }

        var messages = new List<IngestMessage>(batch.Count);
        var statuses = new List<(string ChargerId, ReadOnlyMemory<byte> Payload, DateTimeOffset At)>();
        foreach (var eventData in batch)
        {
            string? topic;
            ReadOnlyMemory<byte> payload;
            string source;
            try
            {
                (topic, payload, source) = EventHubsMessage.Map(eventData, _topicProperties);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Whatever one event holds, it fails alone: dead-lettered below as having no usable topic.
                (topic, payload, source) = (null, eventData.EventBody?.ToMemory() ?? ReadOnlyMemory<byte>.Empty, $"its topic could not be read: {ex.Message}");
            }

            if (topic is null)
            {
                // No usable topic: the pipeline dead-letters it (BadTopic) under a topic that says where it came from.
                EventHubsLog.NoTopic(_logger, partition.PartitionId, eventData.OffsetString, source);
                messages.Add(new IngestMessage(
                    $"(no MQTT topic: event hub partition {partition.PartitionId}, offset {eventData.OffsetString}, sequence {eventData.SequenceNumber}; {source})",
                    payload));
            }
            else if (Topics.TryParse(topic, out var chargerId, out var kind) && kind != TopicKind.Events)
            {
                if (kind == TopicKind.Status)
                {
                    statuses.Add((chargerId, payload, eventData.EnqueuedTime));
                }
                else
                {
                    EventHubsLog.Skipped(_logger, topic);
                }
            }
            else
            {
                // ev/v1/{id}/events, or anything else, which the pipeline dead-letters as BadTopic.
                messages.Add(new IngestMessage(topic, payload));
            }
        }

        try
        {
            if (messages.Count > 0)
            {
                var outcome = await _pipeline.HandleEventsAsync(messages, cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < outcome.Outcomes.Count; i++)
                {
                    if (outcome.Outcomes[i].Rejected != RejectReason.None)
                    {
                        EventHubsLog.EventRejected(_logger, messages[i].Topic, outcome.Outcomes[i].Rejected, outcome.Outcomes[i].Detail);
                    }
                }

                await PublishAcksAsync(outcome.Acks, cancellationToken).ConfigureAwait(false);
            }

            foreach (var (chargerId, payload, at) in statuses)
            {
                await HandleStatusAsync(chargerId, payload, at, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            EventHubsLog.BatchFailed(_logger, partition.PartitionId, batch[0].OffsetString, batch[^1].OffsetString, ex);
            throw;
        }

        var position = CheckpointPosition.FromEvent(batch[^1]);
        await UpdateCheckpointAsync(partition.PartitionId, position, cancellationToken).ConfigureAwait(false);
        EventHubsLog.Checkpointed(_logger, partition.PartitionId, batch.Count, position.OffsetString, position.SequenceNumber);
    }

    /// <inheritdoc />
    protected override Task OnProcessingErrorAsync(Exception exception, EventProcessorPartition partition, string operationDescription, CancellationToken cancellationToken)
    {
        EventHubsLog.ProcessorError(_logger, operationDescription, partition?.PartitionId, exception.Message, exception);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override Task OnInitializingPartitionAsync(EventProcessorPartition partition, CancellationToken cancellationToken)
    {
        _owned[partition.PartitionId] = true;
        EventHubsLog.PartitionInitializing(_logger, partition.PartitionId);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override Task OnPartitionProcessingStoppedAsync(EventProcessorPartition partition, ProcessingStoppedReason reason, CancellationToken cancellationToken)
    {
        _owned.TryRemove(partition.PartitionId, out _);
        EventHubsLog.PartitionStopped(_logger, partition.PartitionId, reason);
        return Task.CompletedTask;
    }

    private async Task HandleStatusAsync(string chargerId, ReadOnlyMemory<byte> payload, DateTimeOffset enqueuedTime, CancellationToken cancellationToken)
    {
        if (payload.IsEmpty)
        {
            return; // a cleared retained status
        }

        bool? online = payload.Span.SequenceEqual("online"u8) ? true : payload.Span.SequenceEqual("offline"u8) ? false : null;
        if (online is null)
        {
            EventHubsLog.BadStatus(_logger, chargerId, payload.Length);
            return;
        }

        var at = enqueuedTime == default ? _time.GetUtcNow() : enqueuedTime;
        await _pipeline.HandleStatusAsync(chargerId, online.Value, at, cancellationToken).ConfigureAwait(false);
    }

    private async Task PublishAcksAsync(IReadOnlyDictionary<string, long> acks, CancellationToken cancellationToken)
    {
        if (acks.Count == 0)
        {
            return;
        }

        if (_acks is null)
        {
            EventHubsLog.NoAckPublisher(_logger);
            return;
        }

        // Acks of different chargers are independent: send them together.
        await Task.WhenAll(acks.Select(a => _acks.PublishAckAsync(a.Key, a.Value, cancellationToken))).ConfigureAwait(false);
    }

    private static EventProcessorOptions ProcessorOptions(EventHubsIngressOptions options) => new()
    {
        Identifier = options.Identifier ?? $"charger-cloud-{Environment.MachineName}-{Guid.NewGuid().ToString("N")[..8]}",
        PrefetchCount = options.PrefetchCount,
        LoadBalancingUpdateInterval = options.LoadBalancingInterval,
        PartitionOwnershipExpirationInterval = options.OwnershipExpiration,
        LoadBalancingStrategy = options.LoadBalancing == "greedy" ? LoadBalancingStrategy.Greedy : LoadBalancingStrategy.Balanced,
        DefaultStartingPosition = options.StartingPosition == "latest" ? EventPosition.Latest : EventPosition.Earliest,
    };
}
