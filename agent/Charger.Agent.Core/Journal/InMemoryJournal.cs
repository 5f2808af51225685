using System.Text.Json;
using Charger.Protocol;

namespace Charger.Agent.Core.Journal;

/// <summary>A journal in memory with the same semantics as the durable one: for tests and for a board whose storage failed.</summary>
public sealed class InMemoryJournal : IJournal
{
    private readonly Lock _gate = new();
    private readonly string _chargerId;
    private readonly JournalOptions _options;
    private readonly List<Envelope> _events = [];

    /// <inheritdoc />
    public string? RecoveredFrom => null;
    private readonly Queue<byte[]> _telemetry = new();
    private readonly Dictionary<string, string> _state = new(StringComparer.Ordinal);
    private long _lastSeq;
    private long _ackedUpTo;
    private long _telemetryDropped;
    private long _routineRefused;

    public InMemoryJournal(string chargerId, JournalOptions? options = null, long startAfterSeq = 0)
    {
        _chargerId = ChargerId.Require(chargerId);
        _options = options ?? new JournalOptions();
        _lastSeq = startAfterSeq;
        _ackedUpTo = startAfterSeq;
    }

    public JournalStats Stats
    {
        get
        {
            lock (_gate)
            {
                var pending = _events.Where(e => e.Seq > _ackedUpTo).ToList();
                return new JournalStats(_lastSeq, _ackedUpTo, pending.Count, pending.Count > 0 ? pending[0].Ts : null, _telemetry.Count, _telemetryDropped, _routineRefused);
            }
        }
    }

    public ValueTask<Envelope?> AppendAsync(string type, JsonElement data, DateTimeOffset timestamp, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!EventTypes.IsCritical(type) && _lastSeq - _ackedUpTo >= _options.MaxPendingEvents)
            {
                _routineRefused++;
                return ValueTask.FromResult<Envelope?>(null);
            }

            var envelope = new Envelope
            {
                Id = Guid.NewGuid(),
                ChargerId = _chargerId,
                Seq = ++_lastSeq,
                Ts = timestamp.ToUniversalTime(),
                Type = type,
                Data = data.Clone(),
            };
            _events.Add(envelope);
            Prune();
            return ValueTask.FromResult<Envelope?>(envelope);
        }
    }

    public ValueTask<IReadOnlyList<Envelope>> ReadPendingAsync(long afterSeq, int max, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var from = Math.Max(afterSeq, _ackedUpTo);
            IReadOnlyList<Envelope> result = _events.Where(e => e.Seq > from).Take(max).ToList();
            return ValueTask.FromResult(result);
        }
    }

    public ValueTask AcknowledgeAsync(long upTo, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _ackedUpTo = Math.Max(_ackedUpTo, Math.Min(upTo, _lastSeq));
            Prune();
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask AppendTelemetryAsync(ReadOnlyMemory<byte> payload, DateTimeOffset timestamp, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _telemetry.Enqueue(payload.ToArray());
            while (_telemetry.Count > _options.MaxTelemetry)
            {
                _telemetry.Dequeue();
                _telemetryDropped++;
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<byte[]>> TakeTelemetryAsync(int max, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var list = new List<byte[]>();
            while (list.Count < max && _telemetry.TryDequeue(out var p))
            {
                list.Add(p);
            }

            return ValueTask.FromResult<IReadOnlyList<byte[]>>(list);
        }
    }

    public ValueTask<IReadOnlyList<Envelope>> QueryAsync(JournalQuery query, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IEnumerable<Envelope> q = _events;
            if (query.Type is not null) q = q.Where(e => e.Type == query.Type);
            if (query.Since is not null) q = q.Where(e => e.Ts >= query.Since);
            if (query.AfterSeq is not null) q = q.Where(e => e.Seq > query.AfterSeq);
            IReadOnlyList<Envelope> result = q.TakeLast(query.Limit).ToList();
            return ValueTask.FromResult(result);
        }
    }

    public ValueTask<string?> GetStateAsync(string key, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_state.TryGetValue(key, out var v) ? v : null);
        }
    }

    public ValueTask SetStateAsync(string key, string value, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _state[key] = value;
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private void Prune()
    {
        var acked = _events.Count(e => e.Seq <= _ackedUpTo);
        var excess = acked - _options.MaxHistoryEvents;
        if (excess > 0)
        {
            _events.RemoveRange(0, excess);
        }
    }
}
