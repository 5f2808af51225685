using System.Buffers.Text;
using System.Security.Cryptography;

namespace Charger.Agent.EngineerConsole.Security;

/// <summary>A logged-in engineer.</summary>
public sealed record ConsoleSession(string Token, string Engineer, string? Name, uint Uid, DateTimeOffset ExpiresAt);

/// <summary>Why a session token was not accepted.</summary>
public enum SessionCheck
{
    Valid,
    Missing,
    Unknown,
    Expired,
    OtherCaller,
}

/// <summary>
/// Console sessions: random tokens kept in memory (an agent restart logs everyone out), bound to the uid that logged
/// in, ending after <c>timeout</c> without use (each accepted use extends it).
/// </summary>
public sealed class SessionStore(TimeSpan timeout, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ConsoleSession> _sessions = new(StringComparer.Ordinal);

    public ConsoleSession Create(string engineer, string? name, uint uid)
    {
        var session = new ConsoleSession(Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32)), engineer, name, uid, time.GetUtcNow() + timeout);
        lock (_gate)
        {
            _sessions[session.Token] = session;
        }

        return session;
    }

    /// <summary>Checks a token presented by <paramref name="uid"/>; a valid one is extended.</summary>
    public (SessionCheck Result, ConsoleSession? Session) Check(string? token, uint uid)
    {
        if (string.IsNullOrEmpty(token))
        {
            return (SessionCheck.Missing, null);
        }

        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_sessions.TryGetValue(token, out var session))
            {
                return (SessionCheck.Unknown, null);
            }

            if (now >= session.ExpiresAt)
            {
                _sessions.Remove(token);
                return (SessionCheck.Expired, session);
            }

            if (session.Uid != uid)
            {
                return (SessionCheck.OtherCaller, session);
            }

            session = session with { ExpiresAt = now + timeout };
            _sessions[token] = session;
            return (SessionCheck.Valid, session);
        }
    }

    /// <summary>Ends a session; returns it when there was one.</summary>
    public ConsoleSession? Remove(string? token)
    {
        if (token is null)
        {
            return null;
        }

        lock (_gate)
        {
            return _sessions.Remove(token, out var session) ? session : null;
        }
    }
}
