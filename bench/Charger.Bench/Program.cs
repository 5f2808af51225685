using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Charger.Agent;
using Charger.Agent.Board;
using Charger.Agent.Core.Board;
using Charger.Agent.Core.Diagnostics;
using Charger.Agent.Core.Journal;
using Charger.Agent.Journal.Sqlite;
using Charger.Agent.Mqtt;
using Charger.Bench;
using Charger.Testing;
using Charger.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

// charger-bench latency|drain|rss|all [--count N] [--minutes M]: the figures of docs/benchmarks.md, on this machine.
// Build Release first: dotnet build Agent.sln -c Release; run: dotnet bench/Charger.Bench/bin/Release/net10.0/charger-bench.dll all
var command = args.Length > 0 ? args[0] : "all";
int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

string? Text(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

Console.WriteLine(Machine.Describe());
switch (command)
{
    case "latency":
        await Benchmarks.LatencyAsync(Option("--count", 200));
        break;
    case "drain":
        await Benchmarks.DrainAsync(Option("--count", 100_000));
        break;
    case "rss":
        await Benchmarks.ResidentMemoryAsync(Option("--minutes", 10), Text("--agent-exe"), Text("--env"));
        break;
    case "ingest":
        // charger-bench ingest [--count 100000] [--chargers 100] [--store sqlite|postgres] [--label TEXT] [--cloud-dll PATH]
        //   [--inflight 100] [--set Ingress:BatchMaxMessages=1 ...]; postgres: the server in CHARGER_BENCH_POSTGRES.
        await IngestBench.RunAsync(Option("--count", 100_000), Option("--chargers", 100), Text("--store") ?? "sqlite",
            Environment.GetEnvironmentVariable("CHARGER_BENCH_POSTGRES"), Text("--label") ?? "this build", Text("--cloud-dll"), Option("--inflight", 100),
            args.Select((a, i) => (a, i)).Where(x => x.a == "--set" && x.i + 1 < args.Length).Select(x => "--" + args[x.i + 1]).ToList());
        break;
    case "storm":
        // charger-bench storm [--count 10000] [--seconds 60]: N chargers connect at once to one charger-cloud, then idle;
        // the same clients against mosquitto in the same run. Needs ulimit -n above 2 x N + 100 (each side holds N sockets).
        await ConnectStorm.RunAsync(Option("--count", 10_000), Option("--seconds", 60));
        break;
    case "alarms":
        // charger-bench alarms [--chargers 10000] [--faulting 10] [--seconds 60] [--label TEXT] [--cloud-dll PATH]: the cloud's idle
        // CPU with N chargers known, and how soon the service area handles a fault (docs/benchmarks.md, issue 10).
        await AlarmBench.RunAsync(Option("--chargers", 10_000), Option("--faulting", 10), Option("--seconds", 60), Text("--label") ?? "this build", Text("--cloud-dll"));
        break;
    case "all":
        await Benchmarks.LatencyAsync(Option("--count", 200));
        await Benchmarks.DrainAsync(Option("--count", 100_000));
        await Benchmarks.ResidentMemoryAsync(Option("--minutes", 10), null, null);
        break;
    default:
        Console.Error.WriteLine("usage: charger-bench latency|drain|rss|ingest|storm|alarms|all [--count N] [--minutes M]");
        return 2;
}

return 0;

namespace Charger.Bench
{
    internal static class Machine
    {
        public static string Describe()
        {
            var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
            var memKb = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
            return $"# {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores ({cpu}), {long.Parse(memKb, CultureInfo.InvariantCulture) / 1024 / 1024} GiB, " +
                   $"{System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}, {Repo.Configuration} build, load average {File.ReadAllText("/proc/loadavg").Trim()}";
        }
    }

    internal static class Benchmarks
    {
        private static readonly TimeSpan Wait = TimeSpan.FromMinutes(10);

        private static (AgentRuntime Runtime, SimulatedCharger Board) StartAgent(int port, string id, string secret, string dir) =>
            InProcessAgent.Create(id, dir, InProcessAgent.Mqtt(port, secret));

        private static string CopyBuild(string dll, string target)
        {
            var source = Path.GetDirectoryName(dll)!;
            foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
            {
                var to = Path.Combine(target, Path.GetRelativePath(source, file));
                Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                File.Copy(file, to);
            }

            return Path.Combine(target, Path.GetFileName(dll));
        }

                private static double Percentile(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

        /// <summary>
        /// Fault-to-stored latency: the door input toggles N times on the simulated board; each fault.raised/fault.cleared/
        /// state.changed is timed from its journal timestamp (agent clock) to (a) the receiver taking it (receivedAt, stamped
        /// just before the store transaction) and (b) the agent seeing the cloud's ack (after the commit): an upper bound.
        /// </summary>
        public static async Task LatencyAsync(int toggles)
        {
            const string Id = "CP-BENCH-LAT";
            var dir = Repo.TempDir("bench-latency");
            await using var cloud = new CloudProcess(Path.Combine(dir, "cloud"));
            var secret = await cloud.EnrolAsync(Id);
            await cloud.StartAsync();
            var (runtime, board) = StartAgent(cloud.MqttPort, Id, secret, Path.Combine(dir, "agent"));
            using var stop = new CancellationTokenSource();
            var run = runtime.RunAsync(stop.Token);
            var ackSeenAt = new System.Collections.Concurrent.ConcurrentDictionary<long, DateTimeOffset>();
            using var done = new CancellationTokenSource();
            Task? watcher = null;
            try
            {
                await Eventually.TrueAsync(() => Task.FromResult(runtime.Journal.Stats is { LastSeq: > 0 } s && s.AckedUpTo == s.LastSeq), Wait, () => "boot not acknowledged");

                // Notes when each seq's ack arrives, polling the journal every millisecond.
                watcher = Task.Run(async () =>
                {
                    var seen = runtime.Journal.Stats.AckedUpTo;
                    while (!done.IsCancellationRequested)
                    {
                        var acked = runtime.Journal.Stats.AckedUpTo;
                        if (acked > seen)
                        {
                            var now = DateTimeOffset.UtcNow;
                            for (var seq = seen + 1; seq <= acked; seq++)
                            {
                                ackSeenAt[seq] = now;
                            }

                            seen = acked;
                        }

                        await Task.Delay(1);
                    }
                });
                for (var i = 0; i < toggles * 2; i++)
                {
                    var before = runtime.Journal.Stats.LastSeq;
                    board.Simulator.SetInput(InputNames.Door, i % 2 == 0);
                    while (runtime.Journal.Stats.LastSeq == before || runtime.Journal.Stats.AckedUpTo < runtime.Journal.Stats.LastSeq)
                    {
                        await Task.Delay(5);
                    }
                }
            }
            finally
            {
                await done.CancelAsync();
                if (watcher is not null)
                {
                    await watcher;
                }

                await stop.CancelAsync();
                await run;
                await runtime.DisposeAsync();
                board.Dispose();
            }

            var events = (await cloud.AllEventsAsync(Id)).Where(e => e.GetProperty("type").GetString() is "fault.raised" or "fault.cleared" or "state.changed").ToList();
            var received = events.Select(e => (e.GetProperty("receivedAt").GetDateTimeOffset() - e.GetProperty("ts").GetDateTimeOffset()).TotalMilliseconds).Order().ToList();
            var acked = events.Where(e => ackSeenAt.ContainsKey(e.GetProperty("seq").GetInt64()))
                .Select(e => (ackSeenAt[e.GetProperty("seq").GetInt64()] - e.GetProperty("ts").GetDateTimeOffset()).TotalMilliseconds).Order().ToList();
            Console.WriteLine(Machine.Describe());
            Console.WriteLine($"## latency: {toggles} door open/close cycles, {events.Count} fault and state events, embedded broker, SQLite");
            Console.WriteLine("| measure | n | p50 ms | p90 ms | p99 ms | max ms |");
            Console.WriteLine("|---|---|---|---|---|---|");
            Console.WriteLine(Row("journaled -> received by the cloud", received));
            Console.WriteLine(Row("journaled -> cloud ack seen by the agent (stored; polled each ms)", acked));
        }

        private static string Row(string name, List<double> sorted) => string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {sorted.Count} | {Percentile(sorted, 50):F1} | {Percentile(sorted, 90):F1} | {Percentile(sorted, 99):F1} | {sorted[^1]:F1} |");

        /// <summary>
        /// Outbox drain of an N-event backlog through the embedded broker into SQLite, acknowledged by the cloud, beside
        /// mosquitto_pub sending the same N messages (same size, QoS 1) to the same broker, in the same run.
        /// </summary>
        public static async Task DrainAsync(int count)
        {
            const string Id = "CP-BENCH-DRAIN";
            const string RefId = "CP-BENCH-REF";
            var dir = Repo.TempDir("bench-drain");
            var agentDir = Path.Combine(dir, "agent");
            await using var cloud = new CloudProcess(Path.Combine(dir, "cloud"));
            var secret = await cloud.EnrolAsync(Id);
            var refSecret = await cloud.EnrolAsync(RefId);
            await cloud.StartAsync();

            // The backlog, as after an outage, and the same events for the reference client, one JSON line each.
            var lines = Path.Combine(dir, "reference.jsonl");
            long bytes = 0;
            await using (var journal = SqliteJournal.Open(Id, new JournalOptions { Path = Path.Combine(agentDir, "journal.db") }))
            await using (var writer = new StreamWriter(lines, false, new UTF8Encoding(false)))
            {
                for (var i = 0; i < count; i++)
                {
                    var data = JsonSerializer.SerializeToElement(new CountersData { EnergyWh = i, ContactorCycles = i / 10, OperatingHours = i / 3600.0 }, ProtocolJsonContext.Default.CountersData);
                    var e = await journal.AppendAsync(EventTypes.Counters, data, DateTimeOffset.UtcNow, default);
                    var copy = Envelope.Create(RefId, e!.Seq, e.Ts, EventTypes.Counters, new CountersData { EnergyWh = i, ContactorCycles = i / 10, OperatingHours = i / 3600.0 }, ProtocolJsonContext.Default.CountersData);
                    var json = Encoding.UTF8.GetString(copy.ToUtf8Json());
                    bytes += Encoding.UTF8.GetByteCount(json);
                    await writer.WriteLineAsync(json);
                }
            }

            // Reference: mosquitto_pub -l publishes each line as one QoS 1 message and exits after the last PUBACK. One
            // process per 20,000 lines: mosquitto_pub 2.0.11 -l delivered only ~34,470 of 100,000 lines from one input here
            // (to mosquitto as to the embedded broker); the cloud's stored count below checks that every message arrived.
            var allLines = await File.ReadAllLinesAsync(lines);
            var clock = Stopwatch.StartNew();
            foreach (var chunk in allLines.Chunk(20_000))
            {
                var psi = new ProcessStartInfo("mosquitto_pub") { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
                foreach (var a in new[] { "-h", "127.0.0.1", "-p", cloud.MqttPort.ToString(CultureInfo.InvariantCulture), "-V", "mqttv5", "-i", RefId, "-u", RefId, "-P", refSecret, "-q", "1", "-t", Topics.Events(RefId), "-l" })
                {
                    psi.ArgumentList.Add(a);
                }

                using var pub = Process.Start(psi)!;
                await pub.StandardInput.WriteAsync(string.Join('\n', chunk) + "\n");
                pub.StandardInput.Close();
                await pub.WaitForExitAsync();
                if (pub.ExitCode != 0)
                {
                    throw new InvalidOperationException("mosquitto_pub failed: " + await pub.StandardError.ReadToEndAsync());
                }
            }

            var pubSeconds = clock.Elapsed.TotalSeconds;
            await Eventually.TrueAsync(async () => (await cloud.TryGetJsonAsync($"/api/v1/chargers/{RefId}"))?.GetProperty("appliedSeq").GetInt64() >= count, Wait, () => "reference never stored");
            var refStoredSeconds = clock.Elapsed.TotalSeconds;

            // The agent: from start (connect included) to the cloud's ack of the last backlog event.
            var (runtime, board) = StartAgent(cloud.MqttPort, Id, secret, agentDir);
            using var stop = new CancellationTokenSource();
            clock.Restart();
            var run = runtime.RunAsync(stop.Token);
            while (runtime.Journal.Stats.AckedUpTo < count)
            {
                await Task.Delay(5);
            }

            var agentSeconds = clock.Elapsed.TotalSeconds;
            await stop.CancelAsync();
            await run;
            await runtime.DisposeAsync();
            board.Dispose();

            var stored = (await cloud.GetJsonAsync($"/api/v1/chargers/{Id}")).GetProperty("appliedSeq").GetInt64();
            Console.WriteLine(Machine.Describe());
            Console.WriteLine($"## drain: {count:N0} counters events of {bytes / count} bytes on average, embedded broker, SQLite (agent stored {stored:N0} incl. boot)");
            Console.WriteLine("| what | seconds | events/s | ratio to mosquitto_pub |");
            Console.WriteLine("|---|---|---|---|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| mosquitto_pub -l -q 1 (5 runs of 20,000 lines): all PUBACKed by the broker | {pubSeconds:F1} | {count / pubSeconds:F0} | 1.00 |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| the cloud storing mosquitto_pub's messages (from its start) | {refStoredSeconds:F1} | {count / refStoredSeconds:F0} | {pubSeconds / refStoredSeconds:F2} |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| agent outbox drain: all stored and acknowledged by the cloud | {agentSeconds:F1} | {count / agentSeconds:F0} | {pubSeconds / agentSeconds:F2} |"));
        }

        /// <summary>The real charger-agent process on the simulated board (over-temperature scenario), RSS sampled each minute.</summary>
        /// <param name="agentExe">A native build to run instead (e.g. the Native AOT publish output's charger-agent).</param>
        /// <param name="env">KEY=VALUE[,KEY=VALUE] for the agent's environment (e.g. DOTNET_GCgen0size=0x400000).</param>
        public static async Task ResidentMemoryAsync(int minutes, string? agentExe, string? env)
        {
            const string Id = "CP-BENCH-RSS";
            var dir = Repo.TempDir("bench-rss");

            // Private copies of the builds: a rebuild during a long run must not rewrite the files the processes map.
            var agentDll = CopyBuild(Repo.AgentDll, Path.Combine(dir, "agent-bin"));
            await using var cloud = new CloudProcess(Path.Combine(dir, "cloud")) { Dll = CopyBuild(Repo.CloudDll, Path.Combine(dir, "cloud-bin")) };
            var secret = await cloud.EnrolAsync(Id);
            await cloud.StartAsync();
            var scenario = Path.Combine(Repo.Root, "tools/Charger.FleetSimulator/scenarios/over-temperature.json");

            string[] agentArgs =
                ["--simulate", $"--Agent:ChargerId={Id}", $"--Agent:DataDirectory={Path.Combine(dir, "agent")}", $"--Agent:Scenario={scenario}",
                 $"--Mqtt:Port={cloud.MqttPort}", $"--Mqtt:Password={secret}"];
            var environment = (env ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries).Select(kv => kv.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
            using var agent = agentExe is null
                ? new ChildProcess("dotnet", agentArgs.Prepend(agentDll), Path.GetDirectoryName(agentDll)!, native: true, environment)
                : new ChildProcess(agentExe, agentArgs, Path.GetDirectoryName(agentExe)!, native: true, environment);
            Console.WriteLine(Machine.Describe());
            Console.WriteLine($"## resident memory of charger-agent --simulate (over-temperature scenario, {(agentExe is null ? "JIT, " + Repo.Configuration : agentExe)}{(env is null ? string.Empty : ", " + env)}), sampled each minute");
            Console.WriteLine("| minute | VmRSS MiB | VmHWM MiB | events stored |");
            Console.WriteLine("|---|---|---|---|");
            for (var m = 1; m <= minutes; m++)
            {
                await Task.Delay(TimeSpan.FromMinutes(1));
                if (agent.HasExited)
                {
                    throw new InvalidOperationException("the agent exited:\n" + agent.Output);
                }

                var status = File.ReadAllLines($"/proc/{agent.Id}/status");
                double Mib(string key) => long.Parse(status.First(l => l.StartsWith(key, StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
                var stored = (await cloud.TryGetJsonAsync($"/api/v1/chargers/{Id}"))?.GetProperty("appliedSeq").GetInt64() ?? 0;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {m} | {Mib("VmRSS:"):F1} | {Mib("VmHWM:"):F1} | {stored} |"));
            }

            await agent.StopAsync();
        }
    }
}
