using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;
using Charger.Agent.Core.Journal;
using Charger.Protocol;
using Microsoft.Extensions.Logging;

namespace Charger.Agent.Core;

/// <summary>
/// Records events: journal first (durable), then wakes the publisher. When the journal cannot write (disk full, I/O
/// error), critical events wait in a bounded memory queue, in order, and are journaled as soon as the store writes
/// again; <see cref="StorageError"/> says why meanwhile.
/// </summary>
public sealed partial class EventRecorder
{
    private const int MaxOverflow = 10_000;

    private readonly IJournal _journal;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Queue<(string Type, JsonElement Data, DateTimeOffset Ts)> _overflow = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public EventRecorder(IJournal journal, TimeProvider time, ILogger<EventRecorder> logger)
    {
        _journal = journal;
        _time = time;
        _logger = logger;
    }

    /// <summary>The journal under this recorder.</summary>
    public IJournal Journal => _journal;

    /// <summary>Null while the journal writes; otherwise why it cannot.</summary>
    public string? StorageError { get; private set; }

    /// <summary>Events waiting in memory for the journal to write again.</summary>
    public int OverflowCount => _overflow.Count;

    /// <summary>Completes when something new is in the outbox (or an ack/wake-up was requested).</summary>
    public ValueTask<bool> WaitForOutboxAsync(CancellationToken cancellationToken) => _signal.Reader.WaitToReadAsync(cancellationToken);

    /// <summary>Consumes the pending wake-up, if any.</summary>
    public void ResetOutboxSignal() => _signal.Reader.TryRead(out _);

    /// <summary>Wakes the publisher.</summary>
    public void SignalOutbox() => _signal.Writer.TryWrite(true);

    /// <summary>Journals one event and wakes the publisher. Returns null when the event could not be journaled now.</summary>
    public async Task<Envelope?> RecordAsync<T>(string type, T data, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        var element = JsonSerializer.SerializeToElement(data, typeInfo);
        var ts = _time.GetUtcNow();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!await FlushOverflowAsync(cancellationToken).ConfigureAwait(false))
            {
                Overflow(type, element, ts);
                return null;
            }

            try
            {
                var envelope = await _journal.AppendAsync(type, element, ts, cancellationToken).ConfigureAwait(false);
                if (envelope is null)
                {
                    LogRoutineRefused(_logger, type);
                }

                StorageError = null;
                return envelope;
            }
            catch (JournalStorageException ex)
            {
                StorageError = ex.Message;
                LogStorageFailed(_logger, type, ex.Message);
                Overflow(type, element, ts);
                return null;
            }
        }
        finally
        {
            _gate.Release();
            SignalOutbox();
        }
    }

    /// <summary>Retries journaling what waits in memory. True when nothing waits any more.</summary>
    public async Task<bool> RetryOverflowAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await FlushOverflowAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<bool> FlushOverflowAsync(CancellationToken cancellationToken)
    {
        while (_overflow.TryPeek(out var item))
        {
            try
            {
                await _journal.AppendAsync(item.Type, item.Data, item.Ts, cancellationToken).ConfigureAwait(false);
                _overflow.Dequeue();
            }
            catch (JournalStorageException ex)
            {
                StorageError = ex.Message;
                return false;
            }
        }

        if (StorageError is not null)
        {
            LogStorageRecovered(_logger);
            StorageError = null;
        }

        return true;
    }

    private void Overflow(string type, JsonElement element, DateTimeOffset ts)
    {
        if (!EventTypes.IsCritical(type))
        {
            return;
        }

        if (_overflow.Count >= MaxOverflow)
        {
            // Keep the newest safety information: drop the oldest waiting event.
            _overflow.Dequeue();
        }

        _overflow.Enqueue((type, element, ts));
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Journal cannot store a {Type} event, kept in memory: {Error}")]
    private static partial void LogStorageFailed(ILogger logger, string type, string error);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Journal writes again; events kept in memory are journaled")]
    private static partial void LogStorageRecovered(ILogger logger);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Outbox full: routine {Type} event refused")]
    private static partial void LogRoutineRefused(ILogger logger, string type);
}
