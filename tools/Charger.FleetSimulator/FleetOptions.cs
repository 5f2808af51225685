using System.Globalization;

namespace Charger.FleetSimulator;

/// <summary>Command line of <c>fleet-sim</c>.</summary>
public sealed record FleetOptions
{
    public required string SecretsFile { get; init; }
    public string BrokerHost { get; init; } = "127.0.0.1";
    public int BrokerPort { get; init; } = 1883;
    public string DataDirectory { get; init; } = ".demo/fleet";
    public string? ScenarioDirectory { get; init; }
    /// <summary>Engineers file every simulated charger's console uses; default engineers.json in each data directory.</summary>
    public string? EngineersFile { get; init; }
    /// <summary>
    /// Technical documents to cache on every simulated charger, one folder per model (<c>DIR/&lt;model&gt;/*</c>), copied
    /// to each charger's <c>docs/</c>; default: the <c>docs</c> folder shipped next to fleet-sim.
    /// </summary>
    public string? DocsDirectory { get; init; } = Path.Combine(AppContext.BaseDirectory, "docs");
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan CountersInterval { get; init; } = TimeSpan.FromMinutes(1);

    public const string Usage = """
        usage: fleet-sim --secrets FILE [--broker HOST:PORT] [--data-dir DIR] [--scenarios DIR] [--poll 00:00:01] [--engineers FILE] [--docs DIR]

        Runs one real agent (diagnostics, journal, publisher) per line of FILE ("<chargerId> <secret>", as written by
        `charger-cloud enrol`), each on its own simulated board with its own journal under DIR/<chargerId>/.
        Charger i plays the i-th scenario of DIR (sorted by name; the last one repeats) when --scenarios is given.
        Each charger serves its console on DIR/<chargerId>/agent.sock; --engineers names the engineers file they share
        (written by `charger-agent engineer add`). --docs DIR holds technical documents per model (DIR/<model>/), copied
        into each charger's DIR/<chargerId>/docs/ for `agentctl docs` (default: the docs shipped with fleet-sim).
        """;

    public static FleetOptions Parse(string[] args)
    {
        string? secrets = null, data = null, scenarios = null, broker = null, poll = null, engineers = null, docs = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--secrets": secrets = Next(); break;
                case "--data-dir": data = Next(); break;
                case "--scenarios": scenarios = Next(); break;
                case "--broker": broker = Next(); break;
                case "--poll": poll = Next(); break;
                case "--engineers": engineers = Next(); break;
                case "--docs": docs = Next(); break;
                default: throw new ArgumentException($"unknown option '{args[i]}'.");
            }
        }

        if (secrets is null)
        {
            throw new ArgumentException("--secrets is required.");
        }

        var options = new FleetOptions { SecretsFile = secrets, DataDirectory = data ?? ".demo/fleet", ScenarioDirectory = scenarios, EngineersFile = engineers };
        if (docs is not null)
        {
            options = options with { DocsDirectory = docs };
        }

        if (broker is not null)
        {
            var parts = broker.Split(':');
            if (parts.Length != 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                throw new ArgumentException($"--broker '{broker}' must be HOST:PORT.");
            }

            options = options with { BrokerHost = parts[0], BrokerPort = port };
        }

        if (poll is not null)
        {
            if (!TimeSpan.TryParse(poll, CultureInfo.InvariantCulture, out var p) || p <= TimeSpan.Zero)
            {
                throw new ArgumentException($"--poll '{poll}' must be a positive time span like 00:00:01.");
            }

            options = options with { PollInterval = p };
        }

        return options;
    }

    /// <summary>Reads "chargerId secret" lines; blank lines and # comments are skipped.</summary>
    public static IReadOnlyList<(string ChargerId, string Secret)> ReadSecrets(string path)
    {
        var result = new List<(string, string)>();
        var n = 0;
        foreach (var raw in File.ReadAllLines(path))
        {
            n++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var parts = line.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || !Charger.Protocol.ChargerId.IsValid(parts[0]))
            {
                throw new FormatException($"{path}:{n}: expected '<chargerId> <secret>'.");
            }

            result.Add((parts[0], parts[1]));
        }

        return result;
    }
}
