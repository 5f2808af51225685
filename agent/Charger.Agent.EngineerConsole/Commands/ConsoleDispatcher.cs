using System.Text.Json;
using Charger.Agent.EngineerConsole.Contracts;

namespace Charger.Agent.EngineerConsole.Commands;

/// <summary>Routes one request to its command and turns the outcome into a reply.</summary>
internal sealed class ConsoleDispatcher
{
    private readonly ConsoleContext _context;
    private readonly Dictionary<string, Func<ConsoleCall, CancellationToken, Task<JsonElement>>> _commands;

    public ConsoleDispatcher(ConsoleContext context)
    {
        _context = context;
        var login = new LoginCommands(context);
        var read = new ReadCommands(context);
        var selfTest = new SelfTestRunner(context);
        var service = new ServiceCommands(context);
        var sim = new SimCommand(context);
        var records = new RecordCommands(context, selfTest);
        var export = new ExportCommand(context, read);
        var docs = new DocsCommand(context);
        _commands = new(StringComparer.Ordinal)
        {
            [ConsoleCommandNames.Login] = login.LoginAsync,
            [ConsoleCommandNames.Logout] = login.LogoutAsync,
            [ConsoleCommandNames.Status] = read.StatusAsync,
            [ConsoleCommandNames.Sensors] = read.SensorsAsync,
            [ConsoleCommandNames.Faults] = read.FaultsAsync,
            [ConsoleCommandNames.SelfTest] = selfTest.RunAsync,
            [ConsoleCommandNames.Maintenance] = service.MaintenanceAsync,
            [ConsoleCommandNames.FaultReset] = service.FaultResetAsync,
            [ConsoleCommandNames.Sim] = sim.RunAsync,
            [ConsoleCommandNames.Record] = records.RecordAsync,
            [ConsoleCommandNames.Commission] = records.CommissionAsync,
            [ConsoleCommandNames.Export] = export.RunAsync,
            [ConsoleCommandNames.Docs] = docs.RunAsync,
        };
    }

    public async Task<ConsoleReply> HandleAsync(ConsoleCall call, CancellationToken cancellationToken)
    {
        if (!_commands.TryGetValue(call.Request.Command, out var command))
        {
            return Error(ConsoleErrorCodes.UnknownCommand, $"Unknown command '{call.Request.Command}'. Commands: {string.Join(", ", ConsoleCommandNames.All)}.");
        }

        try
        {
            return new ConsoleReply { Ok = true, Data = await command(call, cancellationToken).ConfigureAwait(false) };
        }
        catch (ConsoleCommandException ex)
        {
            return new ConsoleReply { Ok = false, Error = ex.ToError() };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ConsoleLog.CommandFailed(_context.Logger, ex, call.Request.Command);
            return Error(ConsoleErrorCodes.Internal, $"{call.Request.Command} failed in the agent: {ex.Message}");
        }
    }

    public static ConsoleReply Error(string code, string message) => new() { Ok = false, Error = new ConsoleError(code, message) };
}
