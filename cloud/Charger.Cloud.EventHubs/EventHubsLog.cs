using Microsoft.Extensions.Logging;

namespace Charger.Cloud.EventHubs;

/// <summary>Log messages of the Event Hubs ingress: event ids 3100-3149.</summary>
internal static partial class EventHubsLog
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "Event Hubs ingress {Identifier} starting on {Namespace}/{EventHub}, consumer group {ConsumerGroup}")]
    public static partial void Starting(ILogger logger, string identifier, string @namespace, string eventHub, string consumerGroup);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Event Hubs ingress could not start: {Reason}; retrying in {Delay}")]
    public static partial void StartFailed(ILogger logger, string reason, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Event Hubs ingress stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information, Message = "Partition {PartitionId} claimed; reading from its checkpoint (or EventHubs:StartingPosition)")]
    public static partial void PartitionInitializing(ILogger logger, string partitionId);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Information, Message = "Partition {PartitionId} released ({Reason})")]
    public static partial void PartitionStopped(ILogger logger, string partitionId, Azure.Messaging.EventHubs.Processor.ProcessingStoppedReason reason);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Debug, Message = "Partition {PartitionId}: {Count} events handled, checkpoint at offset {Offset} (sequence {SequenceNumber})")]
    public static partial void Checkpointed(ILogger logger, string partitionId, int count, string offset, long sequenceNumber);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Error, Message = "Partition {PartitionId}: storing the batch at offsets {FirstOffset}..{LastOffset} failed; no ack, no checkpoint: the partition restarts from its last checkpoint and the events are read again")]
    public static partial void BatchFailed(ILogger logger, string partitionId, string? firstOffset, string? lastOffset, Exception exception);

    [LoggerMessage(EventId = 3107, Level = LogLevel.Warning, Message = "Event Hubs processor error in {Operation} (partition {PartitionId}): {Reason}")]
    public static partial void ProcessorError(ILogger logger, string operation, string? partitionId, string reason, Exception exception);

    [LoggerMessage(EventId = 3108, Level = LogLevel.Warning, Message = "Partition {PartitionId}, offset {Offset}: no MQTT topic on the event ({Detail}); dead-lettered")]
    public static partial void NoTopic(ILogger logger, string partitionId, string? offset, string detail);

    [LoggerMessage(EventId = 3109, Level = LogLevel.Debug, Message = "Event on {Topic} not stored: {Rejected} {Detail}")]
    public static partial void EventRejected(ILogger logger, string topic, Charger.Protocol.RejectReason rejected, string? detail);

    [LoggerMessage(EventId = 3110, Level = LogLevel.Debug, Message = "Message on {Topic} is not for the receiver (telemetry, command results); skipped")]
    public static partial void Skipped(ILogger logger, string topic);

    [LoggerMessage(EventId = 3111, Level = LogLevel.Warning, Message = "Status of charger {ChargerId} is neither online nor offline ({Length} bytes); ignored")]
    public static partial void BadStatus(ILogger logger, string chargerId, int length);

    [LoggerMessage(EventId = 3112, Level = LogLevel.Warning, Message = "No ack publisher is registered: events from Event Hubs are stored but the chargers get no ack")]
    public static partial void NoAckPublisher(ILogger logger);
}
