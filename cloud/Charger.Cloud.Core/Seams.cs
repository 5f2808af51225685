using Charger.Protocol;

namespace Charger.Cloud.Core;

/// <summary>
/// The receiver pipeline every ingress adapter (embedded broker, external MQTT broker, Event Hubs) feeds.
/// It validates, stores idempotently, applies in seq order and says what to acknowledge.
/// Implementations are safe to call concurrently for different chargers; calls for one charger are expected in arrival order.
/// </summary>
public interface IIngestPipeline
{
    /// <summary>Handles one message received on an <c>ev/v1/{id}/events</c> topic. Never throws for bad input:
    /// invalid messages go to the dead-letter table and the outcome says so.</summary>
    Task<IngestOutcome> HandleEventAsync(string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);

    /// <summary>Records a charger's online/offline status (from the retained <c>ev/v1/{id}/status</c> topic).</summary>
    Task HandleStatusAsync(string chargerId, bool online, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>What happened to one message, and what to acknowledge.</summary>
/// <param name="ChargerId">The charger the topic names; null when the topic itself was unusable.</param>
/// <param name="AckUpTo">When not null, publish <c>{"upTo":AckUpTo}</c> on <c>ev/v1/{ChargerId}/ack</c>: every event with seq &lt;= it is stored.</param>
/// <param name="Stored">True when this message added a new event (false for a duplicate or a reject).</param>
/// <param name="Rejected">Why the message went to the dead-letter table, or <see cref="RejectReason.None"/>.</param>
/// <param name="Detail">Human-readable detail of a reject.</param>
public sealed record IngestOutcome(string? ChargerId, long? AckUpTo, bool Stored, RejectReason Rejected, string? Detail = null);

/// <summary>Per-charger MQTT credentials. Secrets are stored hashed; the clear secret is only ever returned by <see cref="EnrolAsync"/>.</summary>
public interface IChargerCredentialStore
{
    /// <summary>Creates or replaces the credential of <paramref name="chargerId"/> and returns the new clear-text secret (shown once).</summary>
    Task<string> EnrolAsync(string chargerId, CancellationToken cancellationToken);

    /// <summary>True when <paramref name="secret"/> is the current secret of an enrolled, not revoked charger.</summary>
    Task<bool> VerifyAsync(string chargerId, string secret, CancellationToken cancellationToken);

    /// <summary>Revokes a charger's credential; it can no longer connect.</summary>
    Task<bool> RevokeAsync(string chargerId, CancellationToken cancellationToken);
}
