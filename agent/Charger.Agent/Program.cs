using Charger.Agent;

// `--simulate` is a flag; the configuration reads key=value pairs.
args = [.. args.Select(a => a == "--simulate" ? "--Agent:Simulate=true" : a)];

if (args.Length >= 1 && args[0] == "export-graph")
{
    return AgentCommands.ExportGraph(args.Length > 1 ? args[1] : "agent/Charger.Agent/docs");
}

if (args.Length >= 1 && args[0] == "engineer")
{
    return AgentCommands.Engineer(args[1..]);
}

// appsettings.json next to the binary, whatever the working directory (systemd, fleet-sim, tests).
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddChargerAgent(args);
builder.Build().Run();
return 0;
