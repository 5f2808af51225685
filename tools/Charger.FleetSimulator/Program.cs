using Charger.FleetSimulator;
using Microsoft.Extensions.Logging;

FleetOptions options;
IReadOnlyList<(string ChargerId, string Secret)> chargers;
try
{
    options = FleetOptions.Parse(args);
    chargers = FleetOptions.ReadSecrets(options.SecretsFile);
}
catch (Exception ex) when (ex is ArgumentException or FormatException or IOException)
{
    Console.Error.WriteLine($"fleet-sim: {ex.Message}");
    Console.Error.WriteLine(FleetOptions.Usage);
    return 2;
}

using var loggers = LoggerFactory.Create(b => b
    .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; })
    .SetMinimumLevel(LogLevel.Information)
    .AddFilter("Charger.Agent.Board", LogLevel.Warning));
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();

await using var fleet = Fleet.Create(options, chargers, TimeProvider.System, loggers);
Console.WriteLine($"fleet-sim: {chargers.Count} chargers -> {options.BrokerHost}:{options.BrokerPort}, journals under {Path.GetFullPath(options.DataDirectory)}");
await fleet.RunAsync(stop.Token);
Console.WriteLine("fleet-sim: stopped");
return 0;
