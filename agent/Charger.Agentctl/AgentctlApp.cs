using System.CommandLine;
using System.Text.Json;
using Charger.Agent.EngineerConsole.Contracts;
using Spectre.Console;

namespace Charger.Agentctl;

/// <summary>The agentctl command line: parses with System.CommandLine, talks to the agent, prints with Spectre.Console.</summary>
public static class AgentctlApp
{
    /// <summary>Runs agentctl with <paramref name="args"/>; returns the exit code (see <see cref="ExitCodes"/>).</summary>
    public static async Task<int> RunAsync(string[] args, AgentctlEnvironment env, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(env);
        var root = Build(env);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await env.Error.WriteLineAsync($"agentctl: {error.Message}").ConfigureAwait(false);
            }

            await env.Error.WriteLineAsync("Try 'agentctl --help'.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration
            {
                Output = env.Out.Profile.Out.Writer,
                Error = env.Error,
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (UsageException ex)
        {
            await env.Error.WriteLineAsync($"agentctl: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        catch (AgentUnreachableException ex)
        {
            await env.Error.WriteLineAsync($"agentctl: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Unreachable;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Ok;
        }
    }

    private static RootCommand Build(AgentctlEnvironment env)
    {
        var charger = new Option<string?>("--charger", "-c") { Description = "Id of a demo charger: uses its socket under the demo fleet's data directory.", Recursive = true };
        var socket = new Option<string?>("--socket", "-s") { Description = "Path of the agent's console socket (default: the agent's configured socket).", Recursive = true };
        var json = new Option<bool>("--json") { Description = "Print the agent's answer as JSON (for scripts).", Recursive = true };
        var root = new RootCommand("agentctl: the field engineer's console of a charger agent.") { charger, socket, json };
        Runner Runner(ParseResult p) => new(env, SocketLocator.Resolve(p.GetValue(socket), p.GetValue(charger), env), p.GetValue(json));

        // login / logout
        var engineer = new Argument<string>("engineer") { Description = "Your engineer id." };
        var pinStdin = new Option<bool>("--pin-stdin") { Description = "Read the PIN from the first line of standard input instead of prompting." };
        var login = new Command("login", "Log in as an engineer (PIN prompt). Needed for anything that changes state or records.") { engineer, pinStdin };
        login.SetAction((p, ct) => Runner(p).LoginAsync(p.GetValue(engineer)!, p.GetValue(pinStdin), ct));
        var logout = new Command("logout", "End your session.");
        logout.SetAction((p, ct) => Runner(p).LogoutAsync(ct));

        // read commands
        var status = new Command("status", "Diagnostic state, active faults, cloud link, outbox, versions, uptime, counters.");
        status.SetAction((p, ct) => Runner(p).CallAsync(ConsoleCommandNames.Status, null, ConsoleJsonContext.Default.StatusData, Views.Status, ct));
        var watch = new Option<bool>("--watch", "-w") { Description = "Refresh in place until Ctrl-C." };
        var interval = new Option<string>("--interval") { Description = "Refresh period of --watch.", DefaultValueFactory = _ => "1s" };
        var count = new Option<int?>("--count") { Description = "With --watch: stop after this many refreshes." };
        var sensors = new Command("sensors", "Every sensor reading with unit, limit and health, and the digital inputs.") { watch, interval, count };
        sensors.SetAction((p, ct) => p.GetValue(watch)
            ? Runner(p).WatchSensorsAsync(Durations.Parse(p.GetValue(interval)!, "--interval"), p.GetValue(count), ct)
            : Runner(p).CallAsync(ConsoleCommandNames.Sensors, null, ConsoleJsonContext.Default.SensorsData, Views.Sensors, ct));
        var active = new Option<bool>("--active") { Description = "Only the faults active now." };
        var code = new Option<string?>("--code") { Description = "Only this fault code (e.g. GroundFailure)." };
        var since = new Option<string?>("--since") { Description = "Only since this time (ISO-8601) or this long ago (90s, 5m, 2h, 1d)." };
        var limit = new Option<int>("--limit") { Description = "At most this many history entries (newest).", DefaultValueFactory = _ => 100 };
        var faults = new Command("faults", "Active faults and the fault history from the journal.") { active, code, since, limit };
        faults.SetAction((p, ct) => Runner(p).CallAsync(ConsoleCommandNames.Faults, JsonSerializer.SerializeToElement(new FaultsArgs
        {
            Active = p.GetValue(active),
            Code = p.GetValue(code),
            Since = p.GetValue(since) is { } s ? Durations.ParseSince(s, "--since", DateTimeOffset.UtcNow) : null,
            Limit = p.GetValue(limit),
        }, ConsoleJsonContext.Default.FaultsArgs), ConsoleJsonContext.Default.FaultsData, Views.Faults, ct));

        // service commands
        var selftest = new Command("selftest", "Check every sensor and input step by step; the result is journaled (needs login).");
        selftest.SetAction((p, ct) => Runner(p).SelfTestAsync(ct));
        var reason = new Option<string?>("--reason", "-r") { Description = "Why (work order, what was found); journaled with the audit event." };
        var enter = new Command("enter", "Take the charger out of service for on-site work (state Maintenance).") { reason };
        enter.SetAction((p, ct) => Runner(p).StateAsync(ConsoleCommandNames.Maintenance,
            JsonSerializer.SerializeToElement(new MaintenanceArgs { Action = "enter", Reason = p.GetValue(reason) }, ConsoleJsonContext.Default.MaintenanceArgs), ct));
        var exit = new Command("exit", "Return to service; needs a passing self-test and no blocking fault.") { reason };
        exit.SetAction((p, ct) => Runner(p).StateAsync(ConsoleCommandNames.Maintenance,
            JsonSerializer.SerializeToElement(new MaintenanceArgs { Action = "exit", Reason = p.GetValue(reason) }, ConsoleJsonContext.Default.MaintenanceArgs), ct));
        var maintenance = new Command("maintenance", "Enter or leave maintenance (needs login).") { enter, exit };
        var faultCode = new Argument<string>("code") { Description = "The latched fault's code (e.g. GroundFailure)." };
        var resetReason = new Option<string>("--reason", "-r") { Description = "What was found and done (required; audited).", Required = true };
        var component = new Option<string?>("--component") { Description = "Only this component (e.g. rcd)." };
        var reset = new Command("reset", "Clear a latching fault whose cause is gone (needs login; audited).") { faultCode, resetReason, component };
        reset.SetAction((p, ct) => Runner(p).StateAsync(ConsoleCommandNames.FaultReset, JsonSerializer.SerializeToElement(new FaultResetArgs
        {
            Code = p.GetValue(faultCode)!,
            Reason = p.GetValue(resetReason)!,
            Component = p.GetValue(component),
        }, ConsoleJsonContext.Default.FaultResetArgs), ct));
        var fault = new Command("fault", "Act on one fault.") { reset };

        root.Subcommands.Add(login);
        root.Subcommands.Add(logout);
        root.Subcommands.Add(status);
        root.Subcommands.Add(sensors);
        root.Subcommands.Add(faults);
        root.Subcommands.Add(selftest);
        root.Subcommands.Add(maintenance);
        root.Subcommands.Add(fault);
        root.Subcommands.Add(ServiceCommandLine.Record(env, Runner));
        root.Subcommands.Add(ServiceCommandLine.Commission(env, Runner));
        root.Subcommands.Add(ServiceCommandLine.Export(Runner));
        root.Subcommands.Add(ServiceCommandLine.Docs(Runner));
        root.Subcommands.Add(SimCommands.Build(Runner));
        return root;
    }
}
