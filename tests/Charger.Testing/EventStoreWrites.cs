using Charger.Cloud.Core;

namespace Charger.Testing;

/// <summary>
/// One-row writes for tests, each one batch transaction of the ingest write path (<see cref="IEventBatchStore"/>), so a
/// test that sets up or checks a single event goes through the same statements as the pipeline.
/// </summary>
public static class EventStoreWrites
{
    public static async Task<AppendResult> AppendAsync(this IEventBatchStore store, StoredEvent storedEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(storedEvent);
        var results = await store.InTransactionAsync([storedEvent.ChargerId], tx => tx.AppendAsync([storedEvent], cancellationToken), cancellationToken);
        return results[0];
    }

    public static async Task<SequenceState> GetSequenceStateAsync(this IEventBatchStore store, string chargerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var states = await store.InTransactionAsync([chargerId], tx => tx.GetSequenceStatesAsync([chargerId], cancellationToken), cancellationToken);
        return states[chargerId];
    }

    public static Task ApplyAsync(this IEventBatchStore store, IReadOnlyList<ProjectionChange> changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(changes);
        return store.InTransactionAsync(changes.Select(c => c.ChargerId).Distinct(StringComparer.Ordinal).ToList(), async tx =>
        {
            await tx.ApplyAsync(changes, cancellationToken);
            return true;
        }, cancellationToken);
    }

    public static Task TouchAsync(this IEventBatchStore store, string chargerId, DateTimeOffset seenAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.InTransactionAsync([chargerId], async tx =>
        {
            await tx.TouchAsync([chargerId], seenAt, cancellationToken);
            return true;
        }, cancellationToken);
    }

    public static Task RecordGapAsync(this IEventBatchStore store, SeqGap gap, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(gap);
        return store.InTransactionAsync([gap.ChargerId], async tx =>
        {
            await tx.RecordGapsAsync([gap], cancellationToken);
            return true;
        }, cancellationToken);
    }

    public static Task SkipLostAsync(this IEventBatchStore store, string chargerId, long fromSeq, long toSeq, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.InTransactionAsync([chargerId], async tx =>
        {
            await tx.SkipLostAsync(chargerId, fromSeq, toSeq, at, cancellationToken);
            return true;
        }, cancellationToken);
    }

    public static Task<IReadOnlyList<SeqGap>> CloseGapsAsync(this IEventBatchStore store, string chargerId, long appliedSeq, DateTimeOffset closedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.InTransactionAsync([chargerId], tx => tx.CloseGapsAsync([(chargerId, appliedSeq)], closedAt, cancellationToken), cancellationToken);
    }

    public static Task AddDeadLetterAsync(this IEventBatchStore store, DeadLetter deadLetter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(deadLetter);
        return store.InTransactionAsync([], async tx =>
        {
            await tx.AddDeadLettersAsync([deadLetter], cancellationToken);
            return true;
        }, cancellationToken);
    }
}
