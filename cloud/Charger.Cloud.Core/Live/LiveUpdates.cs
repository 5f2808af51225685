namespace Charger.Cloud.Core;

/// <summary>
/// What changed, for the views people have open: a topic is published after the change is committed, and every open
/// stream (<c>GET /api/v1/live</c>, server-sent events) hears it, so a page reads again instead of polling. Topics:
/// <see cref="Fleet"/> (a charger's events or link), a subscription's name (what it derived, e.g. <c>service</c>), and
/// the first path segment of a change people made through the API (<c>work-orders</c>, <c>complaints</c>, ...).
/// A notice says only that something changed, never what: a page reads it with its own rights.
/// </summary>
public sealed class LiveUpdates
{
    /// <summary>A charger's events were applied or its link went up or down.</summary>
    public const string Fleet = "fleet";

    private readonly Lock _gate = new();
    private readonly List<Listener> _listeners = [];

    /// <summary>How many streams are open.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _listeners.Count;
            }
        }
    }

    /// <summary>Tells every open stream that <paramref name="topic"/> changed. Never blocks; a stream keeps each topic once
    /// until it sends it.</summary>
    public void Publish(string topic)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        lock (_gate)
        {
            foreach (var listener in _listeners)
            {
                listener.Add(topic);
            }
        }
    }

    /// <summary>
    /// Opens a stream for <paramref name="userId"/> unless <paramref name="maxTotal"/> streams are open, or
    /// <paramref name="maxPerUser"/> of that user's; <paramref name="refusal"/> says which. Dispose the listener to close it.
    /// </summary>
    public Listener? TryOpen(string userId, int maxTotal, int maxPerUser, out LiveRefusal refusal)
    {
        lock (_gate)
        {
            if (_listeners.Count >= maxTotal)
            {
                refusal = LiveRefusal.Full;
                return null;
            }

            if (_listeners.Count(l => string.Equals(l.UserId, userId, StringComparison.Ordinal)) >= maxPerUser)
            {
                refusal = LiveRefusal.TooManyForUser;
                return null;
            }

            var listener = new Listener(this, userId);
            _listeners.Add(listener);
            refusal = LiveRefusal.None;
            return listener;
        }
    }

    private void Close(Listener listener)
    {
        lock (_gate)
        {
            _listeners.Remove(listener);
        }
    }

    /// <summary>One open stream: the topics published since it last took them (each once, however often published).</summary>
    public sealed class Listener : IDisposable
    {
        private readonly LiveUpdates _owner;
        private readonly Lock _gate = new();
        private HashSet<string> _pending = new(StringComparer.Ordinal);
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        internal Listener(LiveUpdates owner, string userId)
        {
            _owner = owner;
            UserId = userId;
        }

        public string UserId { get; }

        /// <summary>Completes when a topic is pending (at once if one is).</summary>
        public Task Changed
        {
            get
            {
                lock (_gate)
                {
                    return _changed.Task;
                }
            }
        }

        /// <summary>The topics pending, in order; none pending afterwards.</summary>
        public IReadOnlyList<string> Take()
        {
            lock (_gate)
            {
                var topics = _pending.Order(StringComparer.Ordinal).ToList();
                _pending = new HashSet<string>(StringComparer.Ordinal);
                if (_changed.Task.IsCompleted)
                {
                    _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                return topics;
            }
        }

        internal void Add(string topic)
        {
            TaskCompletionSource changed;
            lock (_gate)
            {
                _pending.Add(topic);
                changed = _changed;
            }

            changed.TrySetResult();
        }

        /// <inheritdoc />
        public void Dispose() => _owner.Close(this);
    }
}

/// <summary>Why <see cref="LiveUpdates.TryOpen"/> opened no stream.</summary>
public enum LiveRefusal
{
    None,
    Full,
    TooManyForUser,
}
