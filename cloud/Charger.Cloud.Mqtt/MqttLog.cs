using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace Charger.Cloud.Mqtt;

/// <summary>Log messages of the MQTT adapter. Event ids 3000-3049: embedded broker; 3050-3089: ingress; 3090-3099: MQTTnet itself.</summary>
internal static partial class MqttLog
{
    // Embedded broker
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Embedded MQTT broker listening on {BindAddress}:{Port}, TLS {TlsEndpoint}")]
    public static partial void BrokerStarted(ILogger logger, string bindAddress, int port, string tlsEndpoint);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Embedded MQTT broker is disabled (Broker:Enabled=false)")]
    public static partial void BrokerDisabled(ILogger logger);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Embedded MQTT broker stopped")]
    public static partial void BrokerStopped(ILogger logger);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "MQTT client {ClientId} connected as {UserName} from {RemoteEndPoint}")]
    public static partial void ClientConnected(ILogger logger, string clientId, string? userName, System.Net.EndPoint? remoteEndPoint);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "MQTT client {ClientId} disconnected ({DisconnectType})")]
    public static partial void ClientDisconnected(ILogger logger, string clientId, MQTTnet.Server.MqttClientDisconnectType disconnectType);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Refused MQTT connection of client {ClientId} (user {UserName}) from {RemoteEndPoint}: {ReasonCode}, {Reason}")]
    public static partial void ConnectionRefused(ILogger logger, string? clientId, string? userName, System.Net.EndPoint? remoteEndPoint, MqttConnectReasonCode reasonCode, string reason);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Error, Message = "Credential store failed while verifying charger {ChargerId}; connection refused as server unavailable")]
    public static partial void CredentialStoreFailed(ILogger logger, string chargerId, Exception exception);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning, Message = "Refused publish of client {ClientId} to {Topic}: {Reason}")]
    public static partial void PublishRefused(ILogger logger, string clientId, string? topic, string reason);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Warning, Message = "Refused subscription of client {ClientId} to {TopicFilter}: {Reason}")]
    public static partial void SubscriptionRefused(ILogger logger, string clientId, string? topicFilter, string reason);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Debug, Message = "Cleared the retain flag of a message from {ClientId} on {Topic}: only status is retained")]
    public static partial void RetainCleared(ILogger logger, string clientId, string? topic);

    // Ingress
    [LoggerMessage(EventId = 3050, Level = LogLevel.Information, Message = "MQTT ingress connecting to {Host}:{Port} as {ClientId} (TLS {UseTls})")]
    public static partial void IngressConnecting(ILogger logger, string host, int port, string clientId, bool useTls);

    [LoggerMessage(EventId = 3051, Level = LogLevel.Information, Message = "MQTT ingress connected (session present: {SessionPresent})")]
    public static partial void IngressConnected(ILogger logger, bool sessionPresent);

    [LoggerMessage(EventId = 3052, Level = LogLevel.Error, Message = "MQTT ingress connection refused by the broker: {ResultCode} {Reason}")]
    public static partial void IngressConnectRefused(ILogger logger, MqttClientConnectResultCode resultCode, string? reason);

    [LoggerMessage(EventId = 3053, Level = LogLevel.Warning, Message = "MQTT ingress could not connect: {Reason}")]
    public static partial void IngressConnectFailed(ILogger logger, string reason, Exception exception);

    [LoggerMessage(EventId = 3054, Level = LogLevel.Information, Message = "MQTT ingress subscribed to {TopicFilters}")]
    public static partial void IngressSubscribed(ILogger logger, IReadOnlyList<string> topicFilters);

    [LoggerMessage(EventId = 3055, Level = LogLevel.Error, Message = "MQTT ingress subscription to {TopicFilter} refused: {ResultCode} {Reason}")]
    public static partial void IngressSubscriptionRefused(ILogger logger, string topicFilter, MqttClientSubscribeResultCode resultCode, string? reason);

    [LoggerMessage(EventId = 3056, Level = LogLevel.Warning, Message = "MQTT ingress lost its connection: {Reason}")]
    public static partial void IngressConnectionLost(ILogger logger, string reason);

    [LoggerMessage(EventId = 3057, Level = LogLevel.Information, Message = "MQTT ingress reconnecting in {Delay} (failure {Failures})")]
    public static partial void IngressReconnectScheduled(ILogger logger, TimeSpan delay, int failures);

    [LoggerMessage(EventId = 3058, Level = LogLevel.Error, Message = "Handling the message on {Topic} failed; it is not acknowledged and will be redelivered after a reconnect")]
    public static partial void IngressHandlingFailed(ILogger logger, string topic, Exception exception);

    [LoggerMessage(EventId = 3059, Level = LogLevel.Warning, Message = "Publishing ack upTo {UpTo} for charger {ChargerId} was not accepted: {ReasonCode} {Reason}")]
    public static partial void IngressAckNotAccepted(ILogger logger, string chargerId, long upTo, MqttClientPublishReasonCode reasonCode, string? reason);

    [LoggerMessage(EventId = 3060, Level = LogLevel.Warning, Message = "MQTT ingress received a message on an unexpected topic {Topic}; acknowledged and ignored")]
    public static partial void IngressUnexpectedTopic(ILogger logger, string? topic);

    [LoggerMessage(EventId = 3061, Level = LogLevel.Warning, Message = "Status of charger {ChargerId} is neither online nor offline ({Length} bytes); ignored")]
    public static partial void IngressBadStatus(ILogger logger, string chargerId, long length);

    [LoggerMessage(EventId = 3062, Level = LogLevel.Information, Message = "MQTT ingress stopped")]
    public static partial void IngressStopped(ILogger logger);

    [LoggerMessage(EventId = 3063, Level = LogLevel.Debug, Message = "Event on {Topic} not stored: {Rejected} {Detail}")]
    public static partial void IngressEventRejected(ILogger logger, string topic, Charger.Protocol.RejectReason rejected, string? detail);

    [LoggerMessage(EventId = 3064, Level = LogLevel.Warning, Message = "The message on {Topic} was handled but could not be acknowledged ({Reason}); it will be redelivered after a reconnect")]
    public static partial void IngressAcknowledgeFailed(ILogger logger, string topic, string reason);

    // Ack publisher (acks of an ingress that does not receive over MQTT, e.g. Event Hubs)
    [LoggerMessage(EventId = 3070, Level = LogLevel.Information, Message = "MQTT ack publisher connecting to {Host}:{Port} as {ClientId} (TLS {UseTls})")]
    public static partial void AckPublisherConnecting(ILogger logger, string host, int port, string clientId, bool useTls);

    [LoggerMessage(EventId = 3071, Level = LogLevel.Information, Message = "MQTT ack publisher connected")]
    public static partial void AckPublisherConnected(ILogger logger);

    [LoggerMessage(EventId = 3072, Level = LogLevel.Warning, Message = "MQTT ack publisher could not connect: {Reason}")]
    public static partial void AckPublisherConnectFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 3073, Level = LogLevel.Warning, Message = "MQTT ack publisher lost its connection: {Reason}; reconnecting in {Delay}")]
    public static partial void AckPublisherConnectionLost(ILogger logger, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 3074, Level = LogLevel.Warning, Message = "Ack upTo {UpTo} for charger {ChargerId} not sent: {Reason} (the charger resends and gets the ack for the duplicate)")]
    public static partial void AckNotSent(ILogger logger, string chargerId, long upTo, string reason);

    [LoggerMessage(EventId = 3075, Level = LogLevel.Information, Message = "MQTT ack publisher stopped")]
    public static partial void AckPublisherStopped(ILogger logger);

    // MQTTnet's own log, bridged
    [LoggerMessage(EventId = 3090, Message = "MQTTnet {Source}: {Text}")]
    public static partial void MqttNet(ILogger logger, LogLevel level, string source, string text, Exception? exception);
}
