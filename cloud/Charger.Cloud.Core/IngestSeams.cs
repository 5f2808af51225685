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

    /// <summary>
    /// Handles messages received together on <c>ev/v1/{id}/events</c> topics (in arrival order) as one batch: the real
    /// pipeline validates them, stores the valid ones in one transaction (de-duplicated by (charger, seq) and by event id,
    /// also within the batch), applies each charger's events in seq order and returns, per charger, the one cumulative ack
    /// to publish. Bad input never throws: it is dead-lettered in the same transaction and the others are stored. A failing
    /// store throws, and then nothing of the batch is stored: acknowledge none of it.
    /// This default implementation handles the messages one by one with <see cref="HandleEventAsync"/>.
    /// </summary>
    async Task<IngestBatchOutcome> HandleEventsAsync(IReadOnlyList<IngestMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var outcomes = new IngestOutcome[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            outcomes[i] = await HandleEventAsync(messages[i].Topic, messages[i].Payload, cancellationToken).ConfigureAwait(false);
        }

        return IngestBatchOutcome.From(outcomes);
    }

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

/// <summary>One message received on an <c>ev/v1/{id}/events</c> topic, as handed to <see cref="IIngestPipeline.HandleEventsAsync"/>.</summary>
/// <param name="Topic">The topic it arrived on.</param>
/// <param name="Payload">Its payload; must stay unchanged until the call returns.</param>
public readonly record struct IngestMessage(string Topic, ReadOnlyMemory<byte> Payload);

/// <summary>What happened to a batch of messages, and what to acknowledge.</summary>
/// <param name="Outcomes">One outcome per message, in the order of the messages.</param>
/// <param name="Acks">Per charger, the one cumulative ack to publish (<c>{"upTo":n}</c> on <c>ev/v1/{id}/ack</c>): the
/// highest <see cref="IngestOutcome.AckUpTo"/> of its messages.</param>
public sealed record IngestBatchOutcome(IReadOnlyList<IngestOutcome> Outcomes, IReadOnlyDictionary<string, long> Acks)
{
    /// <summary>The batch outcome of <paramref name="outcomes"/>: acks are the highest per charger.</summary>
    public static IngestBatchOutcome From(IReadOnlyList<IngestOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var acks = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var outcome in outcomes)
        {
            if (outcome.ChargerId is { } id && outcome.AckUpTo is { } upTo)
            {
                acks[id] = acks.TryGetValue(id, out var seen) ? Math.Max(seen, upTo) : upTo;
            }
        }

        return new IngestBatchOutcome(outcomes, acks);
    }
}

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
