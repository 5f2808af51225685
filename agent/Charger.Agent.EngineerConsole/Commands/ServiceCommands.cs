using System.Text.Json;
using Charger.Agent.EngineerConsole.Contracts;
using Charger.Agent.Core.Diagnostics;
using Charger.Protocol;

namespace Charger.Agent.EngineerConsole.Commands;

/// <summary>
/// The state-changing commands: <c>maintenance enter|exit</c> and <c>fault.reset</c>. Each needs a session; each change
/// is journaled as a security event in the same loop turn as the state change it causes.
/// </summary>
internal sealed class ServiceCommands(ConsoleContext context)
{
    public async Task<JsonElement> MaintenanceAsync(ConsoleCall call, CancellationToken cancellationToken)
    {
        var args = call.Args(ConsoleJsonContext.Default.MaintenanceArgs);
        var enter = args.Action switch
        {
            "enter" => true,
            "exit" => false,
            _ => throw new ConsoleCommandException(ConsoleErrorCodes.BadRequest, $"maintenance: action must be 'enter' or 'exit', not '{args.Action}'."),
        };
        var session = await context.RequireSessionAsync(call, cancellationToken).ConfigureAwait(false);
        var state = await context.Agent.PostAsync(async engine =>
        {
            if (enter)
            {
                if (engine.State == DiagnosticState.Maintenance)
                {
                    throw new ConsoleCommandException(ConsoleErrorCodes.InvalidState, "The charger is already in maintenance.");
                }

                await FireAsync(engine, DiagnosticTrigger.EnterMaintenance, $"engineer {session.Engineer} on site{Suffix(args.Reason)}", cancellationToken).ConfigureAwait(false);
                context.Visit.Enter(context.Time.GetUtcNow());
                await context.RecordAuditAsync(SecurityEventKinds.MaintenanceEntered, session.Engineer, call.Peer, args.Reason, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                if (engine.State != DiagnosticState.Maintenance)
                {
                    throw new ConsoleCommandException(ConsoleErrorCodes.InvalidState, $"The charger is not in maintenance (state {engine.State}).");
                }

                var blocking = engine.ActiveFaults.Where(f => f.BlocksCharging).ToList();
                if (blocking.Count > 0)
                {
                    throw new ConsoleCommandException(ConsoleErrorCodes.BlockingFault,
                        $"Cannot leave maintenance while a blocking fault is active: {string.Join(", ", blocking.Select(f => $"{f.Code} ({f.Component})"))}. Remove the cause, reset latched faults, run selftest.");
                }

                if (!context.Visit.PassedSelfTest)
                {
                    throw new ConsoleCommandException(ConsoleErrorCodes.SelfTestRequired,
                        "Cannot leave maintenance without a passing self-test since entering it: run `agentctl selftest`.");
                }

                await FireAsync(engine, DiagnosticTrigger.ExitMaintenance, $"engineer {session.Engineer} done{Suffix(args.Reason)}", cancellationToken).ConfigureAwait(false);
                context.Visit.Exit();
                await context.RecordAuditAsync(SecurityEventKinds.MaintenanceExited, session.Engineer, call.Peer, args.Reason, cancellationToken).ConfigureAwait(false);
            }

            return engine.State;
        }, cancellationToken).ConfigureAwait(false);
        ConsoleLog.Action(context.Logger, session.Engineer, call.Peer.Origin, enter ? "maintenance entered" : "maintenance exited");
        return JsonSerializer.SerializeToElement(
            new StateData(state, enter ? "out of service for maintenance" : "maintenance ended; the charger re-tests itself and returns to service"),
            ConsoleJsonContext.Default.StateData);
    }

    public async Task<JsonElement> FaultResetAsync(ConsoleCall call, CancellationToken cancellationToken)
    {
        var args = call.Args(ConsoleJsonContext.Default.FaultResetArgs);
        if (!FaultCatalogue.TryGet(args.Code, out var definition))
        {
            throw new ConsoleCommandException(ConsoleErrorCodes.BadRequest,
                $"fault reset: unknown fault code '{args.Code}'. Known codes: {string.Join(", ", FaultCatalogue.All.Select(d => d.Code))}.");
        }

        if (string.IsNullOrWhiteSpace(args.Reason))
        {
            throw new ConsoleCommandException(ConsoleErrorCodes.BadRequest, "fault reset: a reason is required (what was found and done).");
        }

        var session = await context.RequireSessionAsync(call, cancellationToken).ConfigureAwait(false);
        var reason = args.Reason.Trim();
        var state = await context.Agent.PostAsync(async engine =>
        {
            var result = await engine.ResetFaultAsync(definition.Code, args.Component, session.Engineer, reason, cancellationToken).ConfigureAwait(false);
            var where = args.Component is null ? string.Empty : $" on {args.Component}";
            switch (result)
            {
                case FaultResetResult.NotActive:
                    throw new ConsoleCommandException(ConsoleErrorCodes.FaultNotActive, $"{definition.Code}{where} is not active.");
                case FaultResetResult.NotLatching:
                    throw new ConsoleCommandException(ConsoleErrorCodes.FaultNotLatching, $"{definition.Code}{where} does not latch: it clears by itself when its cause is gone.");
                case FaultResetResult.ConditionStillPresent:
                    throw new ConsoleCommandException(ConsoleErrorCodes.CauseStillPresent, $"{definition.Code}{where} cannot be reset: its cause is still present.");
                default:
                    await context.RecordAuditAsync(SecurityEventKinds.FaultReset, session.Engineer, call.Peer,
                        $"{definition.Code}{where}: {reason}", cancellationToken).ConfigureAwait(false);
                    return engine.State;
            }
        }, cancellationToken).ConfigureAwait(false);
        ConsoleLog.FaultReset(context.Logger, session.Engineer, call.Peer.Origin, definition.Code, reason);
        return JsonSerializer.SerializeToElement(new StateData(state, $"{definition.Code} reset"), ConsoleJsonContext.Default.StateData);
    }

    private static async Task FireAsync(DiagnosticsEngine engine, DiagnosticTrigger trigger, string reason, CancellationToken cancellationToken)
    {
        try
        {
            await engine.FireExternalAsync(trigger, reason, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            throw new ConsoleCommandException(ConsoleErrorCodes.InvalidState, ex.Message);
        }
    }

    private static string Suffix(string? reason) => string.IsNullOrWhiteSpace(reason) ? string.Empty : $": {reason.Trim()}";
}
