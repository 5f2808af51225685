using Charger.Protocol;

namespace Charger.Cloud.Core;

/// <summary>What <see cref="IEventStoreTransaction.AppendAsync"/> did with an event.</summary>
public enum AppendOutcome
{
    /// <summary>The event was new and is now durably stored.</summary>
    Stored,

    /// <summary>The same event (same id at the same charger and seq) was already stored; nothing changed.</summary>
    Duplicate,

    /// <summary>The (charger, seq) is taken by another event id, or the id is stored under another (charger, seq); nothing changed.</summary>
    Conflict,
}

/// <summary>The result of <see cref="IEventStoreTransaction.AppendAsync"/>.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="ConflictDetail">For <see cref="AppendOutcome.Conflict"/>: which stored event it collides with.</param>
public sealed record AppendResult(AppendOutcome Outcome, string? ConflictDetail = null)
{
    /// <summary>The event was new.</summary>
    public static AppendResult Stored { get; } = new(AppendOutcome.Stored);

    /// <summary>The event was already stored.</summary>
    public static AppendResult Duplicate { get; } = new(AppendOutcome.Duplicate);

    /// <summary>The event collides with another stored event.</summary>
    public static AppendResult Conflict(string detail) => new(AppendOutcome.Conflict, detail);
}

/// <summary>One event as the cloud stores it.</summary>
/// <param name="ChargerId">The charger that journaled it.</param>
/// <param name="Seq">Its per-charger sequence number (from 1, no gaps).</param>
/// <param name="Id">The event id (a UUID).</param>
/// <param name="Type">The v1 event type (<see cref="EventTypes"/>).</param>
/// <param name="Ts">When the charger journaled it (UTC).</param>
/// <param name="ReceivedAt">When the cloud received it the first time (UTC).</param>
/// <param name="DataJson">The <c>data</c> object as JSON text.</param>
public sealed record StoredEvent(string ChargerId, long Seq, Guid Id, string Type, DateTimeOffset Ts, DateTimeOffset ReceivedAt, string DataJson)
{
    /// <summary>The stored form of a validated envelope.</summary>
    public static StoredEvent FromEnvelope(Envelope envelope, DateTimeOffset receivedAt) =>
        new(envelope.ChargerId, envelope.Seq, envelope.Id, envelope.Type, envelope.Ts.ToUniversalTime(), receivedAt.ToUniversalTime(), envelope.Data.GetRawText());
}

/// <summary>Where one charger's stream stands.</summary>
/// <param name="AppliedSeq">Every event with seq &lt;= this is stored and applied to the projections (0: none).</param>
/// <param name="MaxStoredSeq">The highest stored seq (0: none); above <paramref name="AppliedSeq"/> when events wait for a gap to fill.</param>
public readonly record struct SequenceState(long AppliedSeq, long MaxStoredSeq);

/// <summary>A range of seqs that was missing when a later event arrived.</summary>
/// <param name="ChargerId">The charger.</param>
/// <param name="FromSeq">First missing seq.</param>
/// <param name="ToSeq">Last missing seq (inclusive).</param>
/// <param name="DetectedAt">When the gap was seen.</param>
/// <param name="ClosedAt">When every seq of it had arrived and been applied, or it was declared lost; null while open.</param>
/// <param name="Lost">True when the charger said these events will never arrive (its journal was lost).</param>
public sealed record SeqGap(string ChargerId, long FromSeq, long ToSeq, DateTimeOffset DetectedAt, DateTimeOffset? ClosedAt = null, bool Lost = false)
{
    /// <summary>True while some seq of the range is still missing.</summary>
    public bool IsOpen => ClosedAt is null;
}

/// <summary>A message the receiver refused, kept for operators.</summary>
/// <param name="Topic">The topic it arrived on.</param>
/// <param name="ChargerId">The charger the topic names, when it names one.</param>
/// <param name="Reason">A reason code: a <see cref="RejectReason"/> name or <see cref="DeadLetterReasons.Conflict"/>.</param>
/// <param name="Detail">Human-readable detail.</param>
/// <param name="Payload">The payload as UTF-8 text, truncated to the configured limit.</param>
/// <param name="PayloadBytes">The size of the original payload in bytes.</param>
/// <param name="ReceivedAt">When it arrived.</param>
public sealed record DeadLetter(string Topic, string? ChargerId, string Reason, string Detail, string Payload, int PayloadBytes, DateTimeOffset ReceivedAt)
{
    /// <summary>Assigned by the store (increasing); ignored on insert.</summary>
    public long Id { get; init; }
}

/// <summary>Reason codes of dead letters that are not a <see cref="RejectReason"/>.</summary>
public static class DeadLetterReasons
{
    /// <summary>The (charger, seq) already holds another event id, or the event id is stored under another seq.</summary>
    public const string Conflict = "Conflict";

    /// <summary>Handling the message failed in a way no check foresaw (a defect, or a value the store refused); it failed alone.</summary>
    public const string Unprocessable = "Unprocessable";
}

/// <summary>The projection of one charger.</summary>
public sealed record ChargerView
{
    public required string ChargerId { get; init; }

    /// <summary>The diagnostic state from the last applied <c>state.changed</c> (or Booting after a <c>boot</c>); null before either.</summary>
    public DiagnosticState? State { get; init; }

    /// <summary>From the charger's retained status topic.</summary>
    public bool Online { get; init; }

    /// <summary>When the cloud last heard from the charger (any event or status).</summary>
    public DateTimeOffset? LastSeen { get; init; }

    public string? AgentVersion { get; init; }

    public string? FirmwareVersion { get; init; }

    public string? Model { get; init; }

    public string? Serial { get; init; }

    /// <summary>The reason of the last applied <c>boot</c>.</summary>
    public string? BootReason { get; init; }

    /// <summary>The charger's timestamp of the last applied <c>boot</c>.</summary>
    public DateTimeOffset? LastBootAt { get; init; }

    /// <summary>Every event with seq &lt;= this is stored and applied; this is what the cloud acknowledges.</summary>
    public long AppliedSeq { get; init; }

    /// <summary>The highest stored seq; above <see cref="AppliedSeq"/> while events wait for a gap to fill.</summary>
    public long MaxStoredSeq { get; init; }

    /// <summary>The charger's timestamp of the last applied event.</summary>
    public DateTimeOffset? LastEventAt { get; init; }

    public int OpenGapCount { get; init; }
}

/// <summary>A page of one charger's event history, ordered by seq.</summary>
/// <param name="ChargerId">The charger.</param>
public sealed record EventQuery(string ChargerId)
{
    /// <summary>Only events of this type; null for all.</summary>
    public string? Type { get; init; }

    /// <summary>Only events with <c>ts</c> &gt;= this.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only events with <c>ts</c> &lt; this.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Only events with seq &gt; this (paging cursor).</summary>
    public long AfterSeq { get; init; }

    /// <summary>At most this many events.</summary>
    public int Limit { get; init; } = 100;
}

/// <summary>What <c>boot</c> tells about the charger.</summary>
public sealed record BootInfo(string Reason, string AgentVersion, string? FirmwareVersion, string? Model, string? Serial);

/// <summary>
/// The effect of applying one event to the projections. The store applies it atomically together with advancing the
/// charger's applied seq to <see cref="Seq"/>.
/// </summary>
/// <param name="ChargerId">The charger.</param>
/// <param name="Seq">The event's seq; must be the charger's applied seq + 1.</param>
/// <param name="EventId">The event's id.</param>
/// <param name="EventTs">The event's timestamp.</param>
/// <param name="AppliedAt">Now; becomes the charger's last-seen time unless that is later.</param>
public sealed record ProjectionChange(string ChargerId, long Seq, Guid EventId, DateTimeOffset EventTs, DateTimeOffset AppliedAt)
{
    /// <summary>A <c>boot</c>: set versions and model, state Booting.</summary>
    public BootInfo? Boot { get; init; }

    /// <summary>A <c>state.changed</c>: the new diagnostic state.</summary>
    public DiagnosticState? State { get; init; }
}

/// <summary>
/// The charger's applied seq was not where the caller read it: another receiver on the same database applied events in
/// between. Nothing was changed; read the sequence state again and retry.
/// </summary>
public sealed class ConcurrentApplyException(string message) : InvalidOperationException(message);
