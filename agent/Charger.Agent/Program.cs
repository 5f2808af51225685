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

var builder = Host.CreateApplicationBuilder(args);
builder.AddChargerAgent(args);
builder.Build().Run();
return 0;
