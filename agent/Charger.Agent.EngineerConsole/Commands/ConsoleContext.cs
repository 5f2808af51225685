using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Charger.Agent.EngineerConsole.Contracts;
using Charger.Agent.EngineerConsole.Engineers;
using Charger.Agent.EngineerConsole.Security;
using Charger.Protocol;
using Microsoft.Extensions.Logging;

namespace Charger.Agent.EngineerConsole.Commands;

/// <summary>One request being served: what was asked, by whom, and where progress lines go.</summary>
internal sealed record ConsoleCall(ConsoleRequest Request, PeerCredentials Peer, Func<JsonElement, CancellationToken, Task> SendProgress)
{
    /// <summary>Sends one progress line (<c>{"progress":{...}}</c>) before the reply.</summary>
    public Task Progress<T>(T progress, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken) =>
        SendProgress(JsonSerializer.SerializeToElement(progress, typeInfo), cancellationToken);

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    /// <summary>The command's arguments as <typeparamref name="T"/>; a missing, unknown or mistyped member is a bad request.</summary>
    public T Args<T>(JsonTypeInfo<T> typeInfo)
    {
        var args = Request.Args is { ValueKind: not JsonValueKind.Null } a ? a : EmptyObject;
        if (args.ValueKind != JsonValueKind.Object)
        {
            throw new ConsoleCommandException(ConsoleErrorCodes.BadRequest, $"{Request.Command}: args must be a JSON object.");
        }

        try
        {
            return args.Deserialize(typeInfo) ?? throw new JsonException("null");
        }
        catch (JsonException ex)
        {
            throw new ConsoleCommandException(ConsoleErrorCodes.BadRequest, $"{Request.Command}: invalid args: {ex.Message}");
        }
    }

    /// <summary>Refuses arguments for a command that takes none.</summary>
    public void NoArgs()
    {
        if (Request.Args is { ValueKind: JsonValueKind.Object } a && a.EnumerateObject().Any()
            || Request.Args is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null) })
        {
            throw new ConsoleCommandException(ConsoleErrorCodes.BadRequest, $"{Request.Command} takes no arguments.");
        }
    }
}

/// <summary>What the command handlers of one console server share.</summary>
internal sealed class ConsoleContext(IConsoleAgent agent, ConsoleOptions options, EngineerDirectory engineers, TimeProvider time, ILogger logger, string documentsDirectory)
{
    /// <summary>Where the technical documents are cached: one folder per charger model.</summary>
    public string DocumentsDirectory { get; } = documentsDirectory;

    public IConsoleAgent Agent { get; } = agent;
    public ConsoleOptions Options { get; } = options;
    public EngineerDirectory Engineers { get; } = engineers;
    public TimeProvider Time { get; } = time;
    public ILogger Logger { get; } = logger;
    public SessionStore Sessions { get; } = new(options.SessionTimeout, time);
    public LoginThrottle Throttle { get; } = new(options.LoginFailuresBeforeBackoff, options.LoginBackoff, options.LoginBackoffMax, time);
    public MaintenanceVisit Visit { get; } = new();

    /// <summary>Journals a <c>security.event</c> on the agent's loop (so it is ordered with the state changes it explains).</summary>
    public Task AuditAsync(string kind, string? user, PeerCredentials peer, string? detail, CancellationToken cancellationToken) =>
        Agent.PostAsync(_ => RecordAuditAsync(kind, user, peer, detail, cancellationToken), cancellationToken);

    /// <summary>Journals a <c>security.event</c>; call only on the agent's loop.</summary>
    public async Task<Envelope?> RecordAuditAsync(string kind, string? user, PeerCredentials peer, string? detail, CancellationToken cancellationToken) =>
        await Agent.Recorder.RecordAsync(EventTypes.SecurityEvent, new SecurityEventData
        {
            Kind = kind,
            User = user,
            Origin = peer.Origin,
            Detail = detail,
        }, ProtocolJsonContext.Default.SecurityEventData, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// The caller's session, or a refusal (<see cref="ConsoleErrorCodes.NotLoggedIn"/> / <see cref="ConsoleErrorCodes.SessionExpired"/>),
    /// which is audited as <c>MaintenanceSessionRefused</c>.
    /// </summary>
    public async Task<ConsoleSession> RequireSessionAsync(ConsoleCall call, CancellationToken cancellationToken)
    {
        var (result, session) = Sessions.Check(call.Request.Session, call.Peer.Uid);
        if (result == SessionCheck.Valid)
        {
            return session!;
        }

        var (code, why) = result switch
        {
            SessionCheck.Missing => (ConsoleErrorCodes.NotLoggedIn, "not logged in"),
            SessionCheck.Expired => (ConsoleErrorCodes.SessionExpired, "session expired"),
            SessionCheck.OtherCaller => (ConsoleErrorCodes.NotLoggedIn, "session belongs to another user"),
            _ => (ConsoleErrorCodes.SessionExpired, "unknown session (expired, logged out, or the agent restarted)"),
        };
        ConsoleLog.SessionRefused(Logger, call.Request.Command, call.Peer.Origin, why);
        await AuditAsync(SecurityEventKinds.MaintenanceSessionRefused, session?.Engineer, call.Peer, $"{call.Request.Command}: {why}", cancellationToken).ConfigureAwait(false);
        throw new ConsoleCommandException(code, $"{call.Request.Command} needs an engineer's session: {why}. Log in with `agentctl login <engineer>`.");
    }
}

/// <summary>The engineer's present maintenance visit: when it began and the last self-test in it.</summary>
internal sealed class MaintenanceVisit
{
    private readonly Lock _gate = new();
    private DateTimeOffset? _enteredAt;
    private (DateTimeOffset At, bool Pass)? _lastSelfTest;

    public void Enter(DateTimeOffset at)
    {
        lock (_gate)
        {
            _enteredAt = at;
            _lastSelfTest = null;
        }
    }

    public void SelfTested(DateTimeOffset at, bool pass)
    {
        lock (_gate)
        {
            _lastSelfTest = (at, pass);
        }
    }

    /// <summary>True when the last self-test of this visit passed.</summary>
    public bool PassedSelfTest
    {
        get
        {
            lock (_gate)
            {
                return _enteredAt is { } entered && _lastSelfTest is { Pass: true } t && t.At >= entered;
            }
        }
    }

    public void Exit()
    {
        lock (_gate)
        {
            _enteredAt = null;
            _lastSelfTest = null;
        }
    }
}
