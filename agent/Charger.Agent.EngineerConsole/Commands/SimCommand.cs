using System.Globalization;
using System.Text.Json;
using Charger.Agent.EngineerConsole.Contracts;
using Charger.Agent.Core.Board;

namespace Charger.Agent.EngineerConsole.Commands;

/// <summary>
/// <c>sim</c>: drives the simulated board (agent started with --simulate) through its <c>ISimulationControl</c>.
/// It plays the physical world (a pressed e-stop, a hot connector), so it needs no session and is not journaled
/// (the faults it causes are); every use is logged.
/// </summary>
internal sealed class SimCommand(ConsoleContext context)
{
    public Task<JsonElement> RunAsync(ConsoleCall call, CancellationToken cancellationToken)
    {
        var args = call.Args(ConsoleJsonContext.Default.SimArgs);
        var sim = context.Agent.Simulation
            ?? throw new ConsoleCommandException(ConsoleErrorCodes.NotSimulated, "sim works only when the agent runs with --simulate.");
        if (!SimActions.All.Contains(args.Action, StringComparer.Ordinal))
        {
            throw new ConsoleCommandException(ConsoleErrorCodes.BadRequest, $"sim: unknown action '{args.Action}'. Actions: {string.Join(", ", SimActions.All)}.");
        }

        string Target() => args.Target ?? throw new ConsoleCommandException(ConsoleErrorCodes.BadRequest, $"sim {args.Action}: a target is required.");
        double Value() => args.Value is { } v && double.IsFinite(v)
            ? v
            : throw new ConsoleCommandException(ConsoleErrorCodes.BadRequest, $"sim {args.Action}: a finite value is required.");

        string detail;
        try
        {
            switch (args.Action)
            {
                case SimActions.Set: sim.Set(Target(), Value()); detail = $"{Target()} = {Value().ToString(CultureInfo.InvariantCulture)}"; break;
                case SimActions.Ramp:
                    var over = args.Over is { } o && o > TimeSpan.Zero && o <= TimeSpan.FromDays(1)
                        ? o
                        : throw new ConsoleCommandException(ConsoleErrorCodes.BadRequest, "sim ramp: 'over' must be a duration between 0 and 1 day.");
                    sim.Ramp(Target(), Value(), over);
                    detail = $"{Target()} -> {Value().ToString(CultureInfo.InvariantCulture)} over {over:c}";
                    break;
                case SimActions.Freeze: sim.Freeze(Target()); detail = $"{Target()} frozen"; break;
                case SimActions.Unfreeze: sim.Unfreeze(Target()); detail = $"{Target()} unfrozen"; break;
                case SimActions.Fail: sim.Fail(Target()); detail = $"{Target()} fails every transfer"; break;
                case SimActions.Restore: sim.Restore(Target()); detail = $"{Target()} answers again"; break;
                case SimActions.Input:
                    var active = Value() switch
                    {
                        1 => true,
                        0 => false,
                        _ => throw new ConsoleCommandException(ConsoleErrorCodes.BadRequest, "sim input: value must be 1 (active) or 0 (inactive)."),
                    };
                    sim.SetInput(Target(), active);
                    detail = $"{Target()} {(active ? "active" : "inactive")}";
                    break;
                case SimActions.Power: sim.SetPower(Value()); detail = $"power {Value().ToString(CultureInfo.InvariantCulture)} W"; break;
                case SimActions.Weld: sim.Weld(); detail = "contactor welded"; break;
                default: sim.Unweld(); detail = "contactor weld removed"; break;
            }
        }
        catch (ArgumentException ex)
        {
            throw new ConsoleCommandException(ConsoleErrorCodes.BadRequest, $"sim {args.Action}: {ex.Message}");
        }

        ConsoleLog.Simulation(context.Logger, args.Action, args.Target, args.Value, call.Peer.Origin);
        return Task.FromResult(JsonSerializer.SerializeToElement(new SimData(args.Action, args.Target, args.Value, detail), ConsoleJsonContext.Default.SimData));
    }
}
