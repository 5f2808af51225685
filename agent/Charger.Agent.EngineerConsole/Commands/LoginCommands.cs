using System.Globalization;
using System.Text.Json;
using Charger.Agent.EngineerConsole.Contracts;
using Charger.Agent.EngineerConsole.Engineers;
using Charger.Protocol;

namespace Charger.Agent.EngineerConsole.Commands;

/// <summary><c>login</c> and <c>logout</c>. Every attempt, accepted or not, is journaled as a security event.</summary>
internal sealed class LoginCommands(ConsoleContext context)
{
    public async Task<JsonElement> LoginAsync(ConsoleCall call, CancellationToken cancellationToken)
    {
        var args = call.Args(ConsoleJsonContext.Default.LoginArgs);
        var engineer = args.Engineer.Trim();
        if (!EngineerFile.IsValidId(engineer))
        {
            throw new ConsoleCommandException(ConsoleErrorCodes.BadRequest, "login: the engineer id must match [A-Za-z0-9._@-]{1,64}.");
        }

        var keys = new[] { "engineer:" + engineer, "uid:" + call.Peer.Uid.ToString(CultureInfo.InvariantCulture) };
        // Counted as a failure from here until the PIN proves right (parallel attempts cannot slip past the lock).
        var wait = context.Throttle.Admit(keys);
        if (wait > TimeSpan.Zero)
        {
            await FailAsync(call, engineer, $"locked out after repeated failures; retry in {Seconds(wait)} s", cancellationToken).ConfigureAwait(false);
            throw new ConsoleCommandException(ConsoleErrorCodes.LockedOut, $"Too many failed logins: try again in {Seconds(wait)} s.");
        }

        PinCheck result;
        EngineerEntry? entry;
        try
        {
            (result, entry) = context.Engineers.Verify(engineer, args.Pin);
        }
        catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
        {
            await FailAsync(call, engineer, $"engineers file unusable: {ex.Message}", cancellationToken).ConfigureAwait(false);
            throw new ConsoleCommandException(ConsoleErrorCodes.Internal, $"The agent cannot read its engineers file ({context.Engineers.Path}); see its log.");
        }

        if (result != PinCheck.Accepted)
        {
            var locked = context.Throttle.RetryAfter(keys); // the failure was counted by Admit
            var why = result switch
            {
                PinCheck.UnknownEngineer => "unknown engineer",
                PinCheck.Disabled => "engineer disabled",
                _ => "wrong PIN",
            };
            await FailAsync(call, engineer, locked > TimeSpan.Zero ? $"{why}; logins locked for {Seconds(locked)} s" : why, cancellationToken).ConfigureAwait(false);
            throw locked > TimeSpan.Zero
                ? new ConsoleCommandException(ConsoleErrorCodes.LockedOut, $"Login failed: unknown engineer or wrong PIN. Too many failures: try again in {Seconds(locked)} s.")
                : new ConsoleCommandException(ConsoleErrorCodes.LoginFailed, "Login failed: unknown engineer or wrong PIN.");
        }

        context.Throttle.Succeed(keys);
        var session = context.Sessions.Create(engineer, entry!.Name, call.Peer.Uid);
        ConsoleLog.LoginAccepted(context.Logger, engineer, call.Peer.Origin);
        await context.AuditAsync(SecurityEventKinds.MaintenanceLoginAccepted, engineer, call.Peer, null, cancellationToken).ConfigureAwait(false);
        return JsonSerializer.SerializeToElement(new LoginData(session.Token, engineer, entry.Name, session.ExpiresAt), ConsoleJsonContext.Default.LoginData);
    }

    public async Task<JsonElement> LogoutAsync(ConsoleCall call, CancellationToken cancellationToken)
    {
        call.NoArgs();
        var session = context.Sessions.Remove(call.Request.Session);
        if (session is not null)
        {
            await context.AuditAsync(SecurityEventKinds.MaintenanceLogout, session.Engineer, call.Peer, null, cancellationToken).ConfigureAwait(false);
        }

        return JsonSerializer.SerializeToElement(new LogoutData(session?.Engineer), ConsoleJsonContext.Default.LogoutData);
    }

    private async Task FailAsync(ConsoleCall call, string engineer, string why, CancellationToken cancellationToken)
    {
        ConsoleLog.LoginFailed(context.Logger, engineer, call.Peer.Origin, why);
        await context.AuditAsync(SecurityEventKinds.MaintenanceLoginFailed, engineer, call.Peer, why, cancellationToken).ConfigureAwait(false);
    }

    private static string Seconds(TimeSpan t) => Math.Ceiling(t.TotalSeconds).ToString(CultureInfo.InvariantCulture);
}
