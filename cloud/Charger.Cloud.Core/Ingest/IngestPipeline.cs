using System.Text;
using Charger.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Charger.Cloud.Core;

/// <summary>
/// The receiver pipeline: validates with <see cref="EnvelopeValidator"/>, stores idempotently, applies each charger's
/// events to the projections strictly in seq order, records gaps, and answers with the cumulative ack.
/// Bad input never throws: it becomes a dead letter. A failing store throws, so the ingress does not acknowledge.
/// Calls for one charger are serialised here (striped lock); different chargers run in parallel.
/// </summary>
public sealed class IngestPipeline : IIngestPipeline
{
    private const int MaxDetailChars = 2048;
    private const int MaxTopicChars = 512;
    private const int MaxApplyAttempts = 5;

    private readonly IEventStore _store;
    private readonly IngestOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly EnvelopeValidator _validator;
    private readonly StripedAsyncLock _locks;
    private readonly IngestMetrics? _metrics;

    public IngestPipeline(IEventStore store, IOptions<IngestOptions> options, TimeProvider time, ILogger<IngestPipeline> logger, IngestMetrics? metrics = null)
    {
        _metrics = metrics;
        _store = store;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _validator = new EnvelopeValidator(_options.MaxPayloadBytes);
        _locks = new StripedAsyncLock(_options.LockStripes);
    }

    /// <inheritdoc />
    public async Task<IngestOutcome> HandleEventAsync(string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        topic ??= string.Empty;
        var receivedAt = _time.GetUtcNow();
        var topicChargerId = Topics.TryParse(topic, out var parsedId, out _) ? parsedId : null;

        var validation = _validator.Validate(topic, payload.Span);
        if (!validation.IsValid)
        {
            return await RejectAsync(topic, topicChargerId, validation.Reason, validation.Reason.Name(), validation.Detail, payload, receivedAt, cancellationToken);
        }

        var storedEvent = StoredEvent.FromEnvelope(validation.Envelope!, receivedAt);
        if (!Projector.TryProject(storedEvent, receivedAt, out var change, out var projectionError))
        {
            return await RejectAsync(topic, topicChargerId, RejectReason.InvalidData, RejectReason.InvalidData.Name(), projectionError!, payload, receivedAt, cancellationToken);
        }

        var chargerId = storedEvent.ChargerId;
        var storedEarlier = false;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using (await _locks.AcquireAsync(chargerId, cancellationToken))
                {
                    var before = await _store.GetSequenceStateAsync(chargerId, cancellationToken);
                    var append = await _store.AppendAsync(storedEvent, cancellationToken);
                    var isNew = append.Outcome == AppendOutcome.Stored;
                    var outcome = append.Outcome == AppendOutcome.Duplicate && storedEarlier ? AppendOutcome.Stored : append.Outcome;
                    storedEarlier |= isNew;

                    if (isNew && storedEvent.Seq > before.MaxStoredSeq + 1)
                    {
                        var gap = new SeqGap(chargerId, before.MaxStoredSeq + 1, storedEvent.Seq - 1, receivedAt);
                        await _store.RecordGapAsync(gap, cancellationToken);
                        IngestLog.GapDetected(_logger, chargerId, gap.FromSeq, gap.ToSeq);
                    }

                    var applied = before.AppliedSeq;
                    var appliedCount = 0;
                    if (isNew && LostUpTo(validation.Envelope!) is { } lostUpTo && lostUpTo > applied)
                    {
                        if (lostUpTo < storedEvent.Seq)
                        {
                            (applied, appliedCount) = await SkipLostAsync(chargerId, applied, lostUpTo, receivedAt, cancellationToken);
                        }
                        else
                        {
                            IngestLog.LostRangeIgnored(_logger, chargerId, storedEvent.Seq, lostUpTo);
                        }
                    }

                    if (isNew && storedEvent.Seq == applied + 1)
                    {
                        await _store.ApplyAsync([change], cancellationToken);
                        applied = storedEvent.Seq;
                        appliedCount = 1;
                    }

                    var maxStored = Math.Max(before.MaxStoredSeq, isNew ? storedEvent.Seq : 0);
                    if (applied < maxStored)
                    {
                        // Events stored earlier that now follow on (a gap filled, or a crash between store and apply).
                        var (caughtUpTo, count) = await ApplyStoredSuccessorsAsync(chargerId, applied, receivedAt, cancellationToken);
                        applied = caughtUpTo;
                        appliedCount += count;
                    }

                    if (appliedCount > 0)
                    {
                        IngestLog.EventsApplied(_logger, appliedCount, chargerId, applied);
                        foreach (var closed in await _store.CloseGapsAsync(chargerId, applied, receivedAt, cancellationToken))
                        {
                            IngestLog.GapClosed(_logger, chargerId, closed.FromSeq, closed.ToSeq);
                        }
                    }
                    else
                    {
                        await _store.TouchAsync(chargerId, receivedAt, cancellationToken);
                    }

                    switch (outcome)
                    {
                        case AppendOutcome.Conflict:
                            var detail = $"conflict: {append.ConflictDetail}";
                            IngestLog.EventConflict(_logger, chargerId, storedEvent.Seq, storedEvent.Id, detail);
                            _metrics?.Conflict();
                            await _store.AddDeadLetterAsync(NewDeadLetter(topic, chargerId, DeadLetterReasons.Conflict, detail, payload, receivedAt), cancellationToken);
                            return new IngestOutcome(chargerId, applied, Stored: false, RejectReason.InvalidField, detail);
                        case AppendOutcome.Duplicate:
                            IngestLog.DuplicateEvent(_logger, chargerId, storedEvent.Seq, applied);
                            _metrics?.Duplicate();
                            return new IngestOutcome(chargerId, applied, Stored: false, RejectReason.None);
                        default:
                            _metrics?.Stored(storedEvent.Ts, _time.GetUtcNow());
                            if (storedEvent.Seq > applied)
                            {
                                IngestLog.EventPending(_logger, chargerId, storedEvent.Seq, applied);
                            }
                            else
                            {
                                IngestLog.EventStored(_logger, chargerId, storedEvent.Seq, storedEvent.Type, applied);
                            }

                            return new IngestOutcome(chargerId, applied, Stored: true, RejectReason.None);
                    }
                }
            }
            catch (ConcurrentApplyException ex) when (attempt < MaxApplyAttempts)
            {
                // Another receiver (a second process on the same database) applied this charger's events meanwhile:
                // read where the stream stands now and go on from there.
                IngestLog.ConcurrentApply(_logger, chargerId, storedEvent.Seq, attempt, ex.Message);
            }
        }
    }

    /// <inheritdoc />
    public async Task HandleStatusAsync(string chargerId, bool online, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (!ChargerId.IsValid(chargerId))
        {
            IngestLog.BadStatusChargerId(_logger, Truncate(chargerId ?? string.Empty, 80));
            return;
        }

        using (await _locks.AcquireAsync(chargerId, cancellationToken))
        {
            await _store.SetStatusAsync(chargerId, online, at.ToUniversalTime(), cancellationToken);
        }

        IngestLog.StatusChanged(_logger, chargerId, online ? Topics.Online : Topics.Offline);
    }

    private static long? LostUpTo(Envelope envelope) =>
        envelope.Type == EventTypes.Boot ? envelope.DataAs(ProtocolJsonContext.Default.BootData).LostUpToSeq : null;

    /// <summary>
    /// The charger lost its journal: every seq up to <paramref name="lostUpTo"/> not stored now never will be. Applies what
    /// is stored of that range in order and declares the holes lost, so the stream goes on after them.
    /// </summary>
    private async Task<(long AppliedSeq, int Count)> SkipLostAsync(string chargerId, long applied, long lostUpTo, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var count = 0;
        while (applied < lostUpTo)
        {
            var next = await _store.QueryEventsAsync(new EventQuery(chargerId) { AfterSeq = applied, Limit = 1 }, cancellationToken);
            var holeEnd = next.Count == 0 || next[0].Seq > lostUpTo ? lostUpTo : next[0].Seq - 1;
            if (holeEnd > applied)
            {
                await _store.SkipLostAsync(chargerId, applied + 1, holeEnd, now, cancellationToken);
                IngestLog.SeqLost(_logger, chargerId, applied + 1, holeEnd);
                applied = holeEnd;
            }
            else
            {
                var (caughtUpTo, applies) = await ApplyStoredSuccessorsAsync(chargerId, applied, now, cancellationToken);
                applied = caughtUpTo;
                count += applies;
            }
        }

        return (applied, count);
    }

    private async Task<(long AppliedSeq, int Count)> ApplyStoredSuccessorsAsync(string chargerId, long applied, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var count = 0;
        while (true)
        {
            var next = await _store.QueryEventsAsync(new EventQuery(chargerId) { AfterSeq = applied, Limit = _options.ApplyBatchSize }, cancellationToken);
            var changes = new List<ProjectionChange>(next.Count);
            var expected = applied + 1;
            foreach (var e in next)
            {
                if (e.Seq != expected)
                {
                    break;
                }

                if (!Projector.TryProject(e, now, out var change, out var error))
                {
                    // Cannot happen for events stored by this pipeline (they were projected before storing); never block the stream on it.
                    IngestLog.StoredEventNotProjectable(_logger, chargerId, e.Seq, error!);
                    change = new ProjectionChange(e.ChargerId, e.Seq, e.Id, e.Ts, now);
                }

                changes.Add(change);
                expected++;
            }

            if (changes.Count == 0)
            {
                return (applied, count);
            }

            await _store.ApplyAsync(changes, cancellationToken);
            applied = changes[^1].Seq;
            count += changes.Count;
            if (changes.Count < next.Count || next.Count < _options.ApplyBatchSize)
            {
                return (applied, count);
            }
        }
    }

    private async Task<IngestOutcome> RejectAsync(
        string topic, string? chargerId, RejectReason reason, string reasonCode, string detail, ReadOnlyMemory<byte> payload, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        IngestLog.EventRejected(_logger, Truncate(topic, MaxTopicChars), reasonCode, Truncate(detail, MaxDetailChars));
        _metrics?.Rejected();
        await _store.AddDeadLetterAsync(NewDeadLetter(topic, chargerId, reasonCode, detail, payload, receivedAt), cancellationToken);
        long? ack = chargerId is null ? null : (await _store.GetSequenceStateAsync(chargerId, cancellationToken)).AppliedSeq;
        return new IngestOutcome(chargerId, ack, Stored: false, reason, detail);
    }

    private DeadLetter NewDeadLetter(string topic, string? chargerId, string reason, string detail, ReadOnlyMemory<byte> payload, DateTimeOffset receivedAt) =>
        new(Clean(Truncate(topic, MaxTopicChars)), chargerId, reason, Clean(Truncate(detail, MaxDetailChars)), PayloadText(payload.Span, _options.DeadLetterPayloadChars), payload.Length, receivedAt);

    /// <summary>The payload as text, at most <paramref name="maxChars"/> characters; invalid UTF-8 becomes U+FFFD.</summary>
    internal static string PayloadText(ReadOnlySpan<byte> payload, int maxChars)
    {
        if (maxChars == 0)
        {
            return string.Empty;
        }

        // A UTF-8 character takes at most 4 bytes: never decode more than the limit needs.
        var bytes = payload.Length > maxChars * 4L ? payload[..(maxChars * 4)] : payload;
        return Clean(Truncate(Encoding.UTF8.GetString(bytes), maxChars));
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];

    // NUL cannot be stored in a PostgreSQL text column.
    private static string Clean(string s) => s.Contains('\0', StringComparison.Ordinal) ? s.Replace('\0', '\uFFFD') : s;
}
