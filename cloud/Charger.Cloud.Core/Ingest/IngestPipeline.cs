using System.Data.Common;
using System.Text;
using Charger.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Charger.Cloud.Core;

/// <summary>
/// The receiver pipeline: validates with <see cref="EnvelopeValidator"/>, stores idempotently, applies each charger's
/// events to the projections strictly in seq order, records gaps, and answers with the cumulative ack.
/// Bad input never throws: it becomes a dead letter. A failing store throws, so the ingress does not acknowledge.
/// A batch (<see cref="HandleEventsAsync"/>; <see cref="HandleEventAsync"/> is a batch of one) is written in ONE store
/// transaction (<see cref="IEventBatchStore"/>): events, gaps, applies, last-seen and dead letters commit together or not
/// at all, and a lost race with another receiver runs the whole batch again.
/// Calls for one charger are serialised here (striped lock); different chargers run in parallel.
/// </summary>
public sealed class IngestPipeline : IIngestPipeline
{
    private const int MaxDetailChars = 2048;
    private const int MaxTopicChars = 512;
    private const int MaxApplyAttempts = 5;

    private readonly IEventBatchStore _batchStore;
    private readonly IngestOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly EnvelopeValidator _validator;
    private readonly StripedAsyncLock _locks;
    private readonly IngestMetrics _metrics;
    private readonly AppliedEventsSignal _applied;
    private readonly LiveUpdates _live;

    public IngestPipeline(
        IEventBatchStore store, IOptions<IngestOptions> options, TimeProvider time, ILogger<IngestPipeline> logger, IngestMetrics metrics,
        AppliedEventsSignal applied, LiveUpdates live)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        _batchStore = store;
        _metrics = metrics;
        _applied = applied;
        _live = live;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _validator = new EnvelopeValidator(_options.MaxPayloadBytes);
        _locks = new StripedAsyncLock(_options.LockStripes);
    }

    /// <inheritdoc />
    public async Task<IngestOutcome> HandleEventAsync(string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
        (await HandleEventsAsync([new IngestMessage(topic ?? string.Empty, payload)], cancellationToken)).Outcomes[0];

    /// <inheritdoc />
    public async Task<IngestBatchOutcome> HandleEventsAsync(IReadOnlyList<IngestMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return IngestBatchOutcome.From([]);
        }

        var receivedAt = _time.GetUtcNow();
        var items = new Item[messages.Count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = Prepare(messages[i], receivedAt);
        }

        try
        {
            return Report(items, await WriteLockedAsync(items, receivedAt, cancellationToken));
        }
        catch (Exception ex) when (RefusesContent(ex) && !cancellationToken.IsCancellationRequested)
        {
            // The store refused something a message holds (a value no check foresaw), not the store failing: find the
            // message by storing them one by one, in order, so it fails alone and the others are stored.
            if (items.Length > 1)
            {
                IngestLog.BatchSplit(_logger, items.Length, Clean(Truncate(ex.Message, MaxDetailChars)));
                var outcomes = new List<IngestOutcome>(items.Length);
                foreach (var message in messages)
                {
                    outcomes.AddRange((await HandleEventsAsync([message], cancellationToken)).Outcomes);
                }

                return IngestBatchOutcome.From(outcomes);
            }

            // This one message: dead-lettered with its marker (text of our own making); if the store refuses that too,
            // the store itself is failing and the exception goes to the ingress, which acknowledges nothing.
            var item = items[0];
            var detail = $"the store refused it: {ex.GetType().Name}: {ex.Message}";
            IngestLog.MessageRefusedByStore(_logger, Clean(Truncate(item.Topic, MaxTopicChars)), Clean(Truncate(detail, MaxDetailChars)));
            Item[] alone = [Reject(item.Topic, item.ChargerId, item.Payload, RejectReason.InvalidData, DeadLetterReasons.Unprocessable, detail, receivedAt)];
            return Report(alone, await WriteLockedAsync(alone, receivedAt, cancellationToken));
        }
    }

    /// <summary>
    /// True when <paramref name="ex"/> says the store refused what a message holds rather than that the store failed:
    /// a data error of PostgreSQL (SQLSTATE class 22, 54) or an exception that is not the database's or the I/O's
    /// (an encoder refusing a string, a defect of ours meeting a value). A store that fails throws a
    /// <see cref="DbException"/> or an <see cref="IOException"/>: that batch is not acknowledged and comes back.
    /// </summary>
    internal static bool RefusesContent(Exception ex) => ex switch
    {
        ConcurrentApplyException or OperationCanceledException or TimeoutException or IOException or ObjectDisposedException or OutOfMemoryException => false,
        DbException db => db.SqlState is { Length: 5 } state && (state.StartsWith("22", StringComparison.Ordinal) || state.StartsWith("54", StringComparison.Ordinal)),
        AggregateException { InnerExceptions.Count: 1 } aggregate => RefusesContent(aggregate.InnerExceptions[0]),
        _ => ex.InnerException is DbException or IOException ? RefusesContent(ex.InnerException) : true,
    };

    private async Task<BatchResult> WriteLockedAsync(Item[] items, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var chargers = items.Select(i => i.ChargerId).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        using (await _locks.AcquireAllAsync(chargers, cancellationToken))
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await _batchStore.InTransactionAsync(chargers, tx => WriteAsync(tx, items, chargers, receivedAt, cancellationToken), cancellationToken);
                }
                catch (ConcurrentApplyException ex) when (attempt < MaxApplyAttempts)
                {
                    // Another receiver (a second process on the same database) moved these chargers' streams meanwhile:
                    // nothing of this attempt was kept; read where the streams stand now and go on from there.
                    IngestLog.BatchRetried(_logger, items.Length, chargers.Length, attempt, ex.Message);
                }
            }
        }
    }

    /// <summary>
    /// Validates and projects one message (no I/O). Never throws: whatever a message holds, it fails itself alone, as a
    /// reject (and, when it names a seq on its charger's topic, as a <see cref="RejectedEvents"/> marker of that seq).
    /// </summary>
    private Item Prepare(IngestMessage message, DateTimeOffset receivedAt)
    {
        var topic = message.Topic ?? string.Empty;
        string? topicChargerId = null;
        try
        {
            topicChargerId = Topics.TryParse(topic, out var parsedId, out var kind) && kind == TopicKind.Events ? parsedId : null;
            var validation = _validator.Validate(topic, message.Payload.Span);
            if (!validation.IsValid)
            {
                return Reject(topic, topicChargerId, message.Payload, validation.Reason, validation.Reason.Name(), validation.Detail, receivedAt);
            }

            var envelope = validation.Envelope!;
            if (envelope.Type == RejectedEvents.Type)
            {
                return Reject(topic, topicChargerId, message.Payload, RejectReason.UnknownType, RejectReason.UnknownType.Name(),
                    $"type '{RejectedEvents.Type}' is reserved by the cloud", receivedAt);
            }

            var storedEvent = StoredEvent.FromEnvelope(envelope, receivedAt);
            return Projector.TryProject(storedEvent, receivedAt, out var change, out var projectionError)
                ? new Item(topic, storedEvent.ChargerId, message.Payload) { Event = storedEvent, Change = change, LostUpTo = LostUpTo(envelope), UnknownType = !validation.IsKnownType }
                : Reject(topic, topicChargerId, message.Payload, RejectReason.InvalidData, RejectReason.InvalidData.Name(), projectionError!, receivedAt);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A defect of ours met by this message: it fails alone, and says so.
            IngestLog.MessageNotHandled(_logger, Clean(Truncate(topic, MaxTopicChars)), ex);
            return Reject(topic, topicChargerId, message.Payload, RejectReason.InvalidData, DeadLetterReasons.Unprocessable,
                $"{ex.GetType().Name}: {ex.Message}", receivedAt);
        }
    }

    private Item Reject(string topic, string? chargerId, ReadOnlyMemory<byte> payload, RejectReason reason, string reasonCode, string detail, DateTimeOffset receivedAt)
    {
        if (chargerId is null || !RejectedEvents.TryReadSeq(payload.Span, chargerId, out var seq))
        {
            return Item.Rejected(topic, chargerId, payload, reason, reasonCode, detail);
        }

        var marker = RejectedEvents.Create(chargerId, seq, payload.Span, reasonCode, detail, receivedAt, _options.MaxPayloadBytes);
        return Item.Rejected(topic, chargerId, payload, reason, reasonCode, detail, marker);
    }

    /// <summary>The batch inside one store transaction. Runs again from the start when another receiver won a race.</summary>
    private async Task<BatchResult> WriteAsync(IEventStoreTransaction tx, Item[] items, string[] chargers, DateTimeOffset receivedAt, CancellationToken ct)
    {
        var before = await tx.GetSequenceStatesAsync(chargers, ct);

        // Store: in rounds of events distinct by (charger, seq) and by id, so a copy inside the batch is judged against the
        // first one as the store judges a resend (usually one round; a second for copies).
        var appends = new AppendResult?[items.Length];
        var pending = Enumerable.Range(0, items.Length).Where(i => items[i].Event is not null).ToList();
        while (pending.Count > 0)
        {
            var seqs = new HashSet<(string, long)>();
            var ids = new HashSet<Guid>();
            var round = new List<int>(pending.Count);
            var later = new List<int>();
            foreach (var i in pending)
            {
                var e = items[i].Event!;
                if (!seqs.Contains((e.ChargerId, e.Seq)) && !ids.Contains(e.Id))
                {
                    seqs.Add((e.ChargerId, e.Seq));
                    ids.Add(e.Id);
                    round.Add(i);
                }
                else
                {
                    later.Add(i);
                }
            }

            var results = await tx.AppendAsync(round.Select(i => items[i].Event!).ToList(), ct);
            for (var k = 0; k < round.Count; k++)
            {
                appends[round[k]] = results[k];
            }

            pending = later;
        }

        // Per charger, new events in seq order: gaps, and the next ones applied at once when nothing waits before them.
        var newByCharger = new Dictionary<string, List<Item>>(StringComparer.Ordinal);
        for (var i = 0; i < items.Length; i++)
        {
            if (appends[i]?.Outcome == AppendOutcome.Stored)
            {
                var e = items[i].Event!;
                if (!newByCharger.TryGetValue(e.ChargerId, out var list))
                {
                    newByCharger[e.ChargerId] = list = [];
                }

                list.Add(items[i]);
            }
        }

        var eventChargers = items.Where(i => i.Event is not null).Select(i => i.Event!.ChargerId).ToHashSet(StringComparer.Ordinal);
        var gaps = new List<SeqGap>();
        var changes = new List<ProjectionChange>();
        var slow = new List<string>();
        var progress = new Dictionary<string, (long Applied, int Count)>(StringComparer.Ordinal);
        foreach (var chargerId in chargers)
        {
            if (!eventChargers.Contains(chargerId))
            {
                continue;
            }

            var state = before.TryGetValue(chargerId, out var s) ? s : default;
            var news = newByCharger.TryGetValue(chargerId, out var l) ? l.OrderBy(i => i.Event!.Seq).ToList() : [];
            newByCharger[chargerId] = news;
            var maxStored = state.MaxStoredSeq;
            foreach (var item in news)
            {
                if (item.Event!.Seq > maxStored + 1)
                {
                    gaps.Add(new SeqGap(chargerId, maxStored + 1, item.Event.Seq - 1, receivedAt));
                }

                maxStored = Math.Max(maxStored, item.Event.Seq);
            }

            if (state.MaxStoredSeq > state.AppliedSeq || news.Any(i => i.LostUpTo is not null))
            {
                // Events stored earlier wait (a gap filled, or a crash between store and apply), or a boot declares a
                // lost range: applied below from what the store holds, inside this transaction.
                slow.Add(chargerId);
                continue;
            }

            var applied = state.AppliedSeq;
            var count = 0;
            foreach (var item in news)
            {
                if (item.Event!.Seq != applied + 1)
                {
                    break;
                }

                changes.Add(item.Change!);
                applied++;
                count++;
            }

            progress[chargerId] = (applied, count);
        }

        await tx.RecordGapsAsync(gaps, ct);
        await tx.ApplyAsync(changes, ct);
        foreach (var chargerId in slow)
        {
            var state = before.TryGetValue(chargerId, out var s) ? s : default;
            var applied = state.AppliedSeq;
            var count = 0;
            foreach (var boot in newByCharger[chargerId].Where(i => i.LostUpTo is not null))
            {
                var lostUpTo = boot.LostUpTo!.Value;
                if (lostUpTo <= applied)
                {
                    continue;
                }

                if (lostUpTo < boot.Event!.Seq)
                {
                    (applied, var skipped) = await SkipLostAsync(tx, chargerId, applied, lostUpTo, receivedAt, ct);
                    count += skipped;
                }
                else
                {
                    IngestLog.LostRangeIgnored(_logger, chargerId, boot.Event.Seq, lostUpTo);
                }
            }

            var (caughtUpTo, caughtUp) = await ApplyStoredSuccessorsAsync(tx, chargerId, applied, receivedAt, ct);
            progress[chargerId] = (caughtUpTo, count + caughtUp);
        }

        var closed = await tx.CloseGapsAsync(progress.Where(p => p.Value.Count > 0).Select(p => (p.Key, p.Value.Applied)).ToList(), receivedAt, ct);
        await tx.TouchAsync(progress.Where(p => p.Value.Count == 0).Select(p => p.Key).ToList(), receivedAt, ct);

        var deadLetters = new List<DeadLetter>();
        for (var i = 0; i < items.Length; i++)
        {
            var item = items[i];
            if (item.ReasonCode is not null)
            {
                // A refused message; a resent one whose marker is already stored was dead-lettered the first time.
                if (appends[i] is not { Outcome: AppendOutcome.Duplicate })
                {
                    var detail = appends[i] is { Outcome: AppendOutcome.Conflict } taken
                        ? $"{item.Detail} (its seq {item.Event!.Seq} is taken: {taken.ConflictDetail})"
                        : item.Event is { } marker ? $"{item.Detail} (seq {marker.Seq} recorded as {RejectedEvents.Type})" : item.Detail!;
                    deadLetters.Add(NewDeadLetter(item.Topic, item.ChargerId, item.ReasonCode, detail, item.Payload, receivedAt));
                }
            }
            else if (appends[i] is { Outcome: AppendOutcome.Conflict } conflict)
            {
                deadLetters.Add(NewDeadLetter(item.Topic, item.ChargerId, DeadLetterReasons.Conflict, ConflictDetail(conflict), item.Payload, receivedAt));
            }
        }

        await tx.AddDeadLettersAsync(deadLetters, ct);

        var acks = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var chargerId in chargers)
        {
            acks[chargerId] = progress.TryGetValue(chargerId, out var p) ? p.Applied : before.TryGetValue(chargerId, out var s) ? s.AppliedSeq : 0;
        }

        return new BatchResult(appends, acks, gaps, closed, progress, deadLetters);
    }

    /// <summary>After the commit: outcomes, metrics and logs.</summary>
    private IngestBatchOutcome Report(Item[] items, BatchResult result)
    {
        var storedAt = _time.GetUtcNow();
        _metrics.Batch(items.Length);
        if (result.Progress.Values.Any(p => p.Count > 0))
        {
            // Committed: the subscriptions of this process read the feed now, and open views read the fleet again.
            _applied.Raise();
            _live.Publish(LiveUpdates.Fleet);
        }

        foreach (var gap in result.Gaps)
        {
            IngestLog.GapDetected(_logger, gap.ChargerId, gap.FromSeq, gap.ToSeq);
        }

        foreach (var (chargerId, (applied, count)) in result.Progress)
        {
            if (count > 0)
            {
                IngestLog.EventsApplied(_logger, count, chargerId, applied);
            }
        }

        foreach (var closed in result.ClosedGaps)
        {
            IngestLog.GapClosed(_logger, closed.ChargerId, closed.FromSeq, closed.ToSeq);
        }

        foreach (var letter in result.DeadLetters)
        {
            _metrics.DeadLettered(letter.Reason);
        }

        var outcomes = new IngestOutcome[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            var item = items[i];
            long? ack = item.ChargerId is { } id ? result.Acks[id] : null;
            if (item.ReasonCode is not null)
            {
                IngestLog.EventRejected(_logger, Clean(Truncate(item.Topic, MaxTopicChars)), item.ReasonCode, Clean(Truncate(item.Detail!, MaxDetailChars)));
                _metrics.Rejected();
                outcomes[i] = new IngestOutcome(item.ChargerId, ack, Stored: false, item.Reason, item.Detail);
                continue;
            }

            var e = item.Event!;

            var append = result.Appends[i]!;
            var applied = ack!.Value;
            switch (append.Outcome)
            {
                case AppendOutcome.Conflict:
                    var detail = ConflictDetail(append);
                    IngestLog.EventConflict(_logger, e.ChargerId, e.Seq, e.Id, detail);
                    _metrics.Conflict();
                    outcomes[i] = new IngestOutcome(e.ChargerId, applied, Stored: false, RejectReason.InvalidField, detail);
                    break;
                case AppendOutcome.Duplicate:
                    IngestLog.DuplicateEvent(_logger, e.ChargerId, e.Seq, applied);
                    _metrics.Duplicate();
                    outcomes[i] = new IngestOutcome(e.ChargerId, applied, Stored: false, RejectReason.None);
                    break;
                default:
                    _metrics.Stored(e.Ts, storedAt);
                    if (item.UnknownType)
                    {
                        IngestLog.UnknownTypeKept(_logger, e.ChargerId, e.Seq, e.Type);
                        _metrics.UnknownTypeKept();
                    }

                    if (e.Seq > applied)
                    {
                        IngestLog.EventPending(_logger, e.ChargerId, e.Seq, applied);
                    }
                    else
                    {
                        IngestLog.EventStored(_logger, e.ChargerId, e.Seq, e.Type, applied);
                    }

                    outcomes[i] = new IngestOutcome(e.ChargerId, applied, Stored: true, RejectReason.None);
                    break;
            }
        }

        return new IngestBatchOutcome(outcomes, result.Acks);
    }

    private static string ConflictDetail(AppendResult conflict) => $"conflict: {conflict.ConflictDetail}";

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
            await _batchStore.SetStatusAsync(chargerId, online, at.ToUniversalTime(), cancellationToken);
        }

        _live.Publish(LiveUpdates.Fleet);

        IngestLog.StatusChanged(_logger, chargerId, online ? Topics.Online : Topics.Offline);
    }

    private static long? LostUpTo(Envelope envelope) =>
        envelope.Type == EventTypes.Boot ? envelope.DataAs(ProtocolJsonContext.Default.BootData).LostUpToSeq : null;

    /// <summary>
    /// The charger lost its journal: every seq up to <paramref name="lostUpTo"/> not stored now never will be. Applies what
    /// is stored of that range in order and declares the holes lost, so the stream goes on after them.
    /// </summary>
    private async Task<(long AppliedSeq, int Count)> SkipLostAsync(IEventStoreTransaction tx, string chargerId, long applied, long lostUpTo, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var count = 0;
        while (applied < lostUpTo)
        {
            var next = await tx.QueryEventsAsync(chargerId, applied, 1, cancellationToken);
            var holeEnd = next.Count == 0 || next[0].Seq > lostUpTo ? lostUpTo : next[0].Seq - 1;
            if (holeEnd > applied)
            {
                await tx.SkipLostAsync(chargerId, applied + 1, holeEnd, now, cancellationToken);
                IngestLog.SeqLost(_logger, chargerId, applied + 1, holeEnd);
                applied = holeEnd;
            }
            else
            {
                var (caughtUpTo, applies) = await ApplyStoredSuccessorsAsync(tx, chargerId, applied, now, cancellationToken);
                applied = caughtUpTo;
                count += applies;
            }
        }

        return (applied, count);
    }

    private async Task<(long AppliedSeq, int Count)> ApplyStoredSuccessorsAsync(IEventStoreTransaction tx, string chargerId, long applied, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var count = 0;
        while (true)
        {
            var next = await tx.QueryEventsAsync(chargerId, applied, _options.ApplyBatchSize, cancellationToken);
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

            await tx.ApplyAsync(changes, cancellationToken);
            applied = changes[^1].Seq;
            count += changes.Count;
            if (changes.Count < next.Count || next.Count < _options.ApplyBatchSize)
            {
                return (applied, count);
            }
        }
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

    private static string Truncate(string s, int max) => TextSafety.Truncate(s, max);

    private static string Clean(string s) => TextSafety.Clean(s);

    /// <summary>
    /// One message of a batch: a valid event with its projection, or a reject (with a marker event when it names a seq).
    /// </summary>
    private sealed class Item(string topic, string? chargerId, ReadOnlyMemory<byte> payload)
    {
        public string Topic { get; } = topic;

        /// <summary>The event's charger, or for a reject the charger its topic names (null when none).</summary>
        public string? ChargerId { get; } = chargerId;

        public ReadOnlyMemory<byte> Payload { get; } = payload;

        public StoredEvent? Event { get; init; }

        public ProjectionChange? Change { get; init; }

        /// <summary>A boot's <c>lostUpToSeq</c>.</summary>
        public long? LostUpTo { get; init; }

        /// <summary>A valid event of a type this version does not know: kept, applied as a no-op.</summary>
        public bool UnknownType { get; init; }

        public RejectReason Reason { get; private init; }

        public string? ReasonCode { get; private init; }

        public string? Detail { get; private init; }

        public static Item Rejected(string topic, string? chargerId, ReadOnlyMemory<byte> payload, RejectReason reason, string reasonCode, string detail, StoredEvent? marker = null) =>
            new(topic, chargerId, payload)
            {
                Reason = reason,
                ReasonCode = reasonCode,
                Detail = detail,
                Event = marker,
                Change = marker is null ? null : new ProjectionChange(marker.ChargerId, marker.Seq, marker.Id, marker.Ts, marker.ReceivedAt),
            };
    }

    private sealed record BatchResult(
        AppendResult?[] Appends,
        Dictionary<string, long> Acks,
        List<SeqGap> Gaps,
        IReadOnlyList<SeqGap> ClosedGaps,
        Dictionary<string, (long Applied, int Count)> Progress,
        List<DeadLetter> DeadLetters);
}
