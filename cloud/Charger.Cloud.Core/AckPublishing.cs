namespace Charger.Cloud.Core;

/// <summary>
/// Sends the cloud's cumulative ack (<c>{"upTo":N}</c> on <c>ev/v1/{id}/ack</c>) to a charger, for an ingress that does
/// not receive over MQTT itself (Event Hubs): the agents still expect their acks over MQTT.
/// </summary>
public interface IAckPublisher
{
    /// <summary>
    /// Publishes the ack; true when the broker accepted it. Never throws for a broker that is down or refuses it (false,
    /// logged): an ack is never needed for correctness, since the agent resends what is not acknowledged and the
    /// receiver acks the duplicate again. Throws <see cref="OperationCanceledException"/> when cancelled.
    /// </summary>
    Task<bool> PublishAckAsync(string chargerId, long upTo, CancellationToken cancellationToken);
}
