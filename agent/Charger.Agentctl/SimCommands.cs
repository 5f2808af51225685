using System.CommandLine;
using System.Text.Json;
using Charger.Agent.EngineerConsole.Contracts;

namespace Charger.Agentctl;

/// <summary><c>agentctl sim ...</c>: drives the simulated board of an agent started with --simulate.</summary>
internal static class SimCommands
{
    public static Command Build(Func<ParseResult, Runner> runner)
    {
        var sim = new Command("sim", "Drive the simulated board (agent started with --simulate): inject and remove faults.");

        Command Make(string action, string description, Argument<string>? target, Argument<double>? value, Func<ParseResult, SimArgs, SimArgs>? more = null, params Option[] options)
        {
            var command = new Command(action, description);
            if (target is not null)
            {
                command.Arguments.Add(target);
            }

            if (value is not null)
            {
                command.Arguments.Add(value);
            }

            foreach (var option in options)
            {
                command.Options.Add(option);
            }

            command.SetAction((p, ct) =>
            {
                var args = new SimArgs { Action = action, Target = target is null ? null : p.GetValue(target), Value = value is null ? null : p.GetValue(value) };
                args = more?.Invoke(p, args) ?? args;
                return runner(p).CallAsync(ConsoleCommandNames.Sim, JsonSerializer.SerializeToElement(args, ConsoleJsonContext.Default.SimArgs),
                    ConsoleJsonContext.Default.SimData, d => new Spectre.Console.Markup(Views.Esc($"sim: {d.Detail}")), ct);
            });
            return command;
        }

        Argument<string> Sensor() => new("sensor") { Description = "enclosure.temperature, enclosure.humidity, aux.voltage, aux.current, rcm.residualCurrent, supply.voltage, connector.temperature" };
        Argument<string> Chip() => new("target") { Description = "A chip (bme280, ina219, ads1115) or a sensor name." };
        Argument<double> Number(string name, string description) => new(name) { Description = description };

        var over = new Option<string>("--over") { Description = "Ramp duration (10s, 2m, 00:00:30).", Required = true };
        sim.Subcommands.Add(Make("set", "Set a sensor's value at once.", Sensor(), Number("value", "The value in the sensor's unit.")));
        sim.Subcommands.Add(Make("ramp", "Move a sensor to a value over a duration.", Sensor(), Number("value", "Target value in the sensor's unit."),
            (p, a) => a with { Over = Durations.Parse(p.GetValue(over)!, "--over") }, over));
        sim.Subcommands.Add(Make("freeze", "Stick a sensor at its present raw value.", Sensor(), null));
        sim.Subcommands.Add(Make("unfreeze", "Un-stick a sensor.", Sensor(), null));
        sim.Subcommands.Add(Make("fail", "Make a chip fail every bus transfer.", Chip(), null));
        sim.Subcommands.Add(Make("restore", "Make a failed chip answer again.", Chip(), null));

        var input = new Command("input", "Set a digital input active (on) or inactive (off): estop, door, rcd, spd, contactor-feedback.");
        var inputName = new Argument<string>("input") { Description = "estop, door, rcd, spd, contactor-feedback" };
        var level = new Argument<string>("level") { Description = "on (pressed/open/tripped) or off" };
        level.AcceptOnlyFromAmong("on", "off", "1", "0");
        input.Arguments.Add(inputName);
        input.Arguments.Add(level);
        input.SetAction((p, ct) => runner(p).CallAsync(ConsoleCommandNames.Sim, JsonSerializer.SerializeToElement(new SimArgs
        {
            Action = SimActions.Input,
            Target = p.GetValue(inputName),
            Value = p.GetValue(level) is "on" or "1" ? 1 : 0,
        }, ConsoleJsonContext.Default.SimArgs), ConsoleJsonContext.Default.SimData, d => new Spectre.Console.Markup(Views.Esc($"sim: {d.Detail}")), ct));
        sim.Subcommands.Add(input);
        sim.Subcommands.Add(Make("power", "Set the power through the energy meter [W].", null, Number("watts", "Power in W.")));
        sim.Subcommands.Add(Make("weld", "Weld the contactor (feedback stays closed).", null, null));
        sim.Subcommands.Add(Make("unweld", "Un-weld the contactor.", null, null));
        return sim;
    }
}
