using Charger.Agentctl;

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
return await AgentctlApp.RunAsync(args, AgentctlEnvironment.FromProcess(), stop.Token);
