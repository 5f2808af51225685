namespace Charger.Agent.EngineerConsole.Security;

/// <summary>
/// Backs off logins after repeated failures, per key (an engineer id, a calling uid): after <c>threshold</c> failures a
/// key is locked for <c>first</c>, doubling with each further failure up to <c>max</c>. Attempts while locked are refused
/// without checking the PIN and do not extend the lock. A success clears the key. <see cref="Admit"/> counts an attempt
/// before its PIN is checked, so parallel attempts are counted too.
/// </summary>
public sealed class LoginThrottle(int threshold, TimeSpan first, TimeSpan max, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (int Failures, DateTimeOffset LockedUntil)> _keys = new(StringComparer.Ordinal);

    /// <summary>How long the most locked of <paramref name="keys"/> stays locked; zero when none is.</summary>
    public TimeSpan RetryAfter(params IEnumerable<string> keys)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var longest = TimeSpan.Zero;
            foreach (var key in keys)
            {
                if (_keys.TryGetValue(key, out var state) && state.LockedUntil - now > longest)
                {
                    longest = state.LockedUntil - now;
                }
            }

            return longest;
        }
    }

    /// <summary>
    /// Lets one attempt through to the PIN check, or refuses it (returning how long the keys stay locked). An attempt let
    /// through counts as a failure at once, atomically with the check of the lock, so attempts made in parallel cannot
    /// all pass the lock before any of them fails: at most <c>threshold</c> PINs are checked before the lock. A success
    /// clears the count (<see cref="Succeed"/>).
    /// </summary>
    public TimeSpan Admit(params IEnumerable<string> keys)
    {
        var list = keys.ToList();
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var wait = RetryAfter(list);
            if (wait > TimeSpan.Zero)
            {
                return wait;
            }

            foreach (var key in list)
            {
                var (failures, lockedUntil) = _keys.GetValueOrDefault(key);
                failures++;
                if (failures >= threshold)
                {
                    var doublings = Math.Min(failures - threshold, 30);
                    var delay = TimeSpan.FromTicks(Math.Min(first.Ticks * (1L << Math.Min(doublings, 20)), max.Ticks));
                    lockedUntil = now + delay;
                }

                _keys[key] = (failures, lockedUntil);
            }

            return TimeSpan.Zero;
        }
    }

    /// <summary>Failures counted for <paramref name="key"/>.</summary>
    public int Failures(string key)
    {
        lock (_gate)
        {
            return _keys.GetValueOrDefault(key).Failures;
        }
    }

    /// <summary>Clears the keys after a successful login.</summary>
    public void Succeed(params IEnumerable<string> keys)
    {
        lock (_gate)
        {
            foreach (var key in keys)
            {
                _keys.Remove(key);
            }
        }
    }
}
