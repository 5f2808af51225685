using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Charger.Testing;
using Charger.Protocol;

namespace Charger.Bench;

/// <summary>
/// Cloud ingest rate from a broker backlog: N events of C chargers queued on mosquitto while the receiver is down, then the
/// receiver (charger-cloud, external-broker ingress) started and timed until every event is stored and applied. In the
/// same run and on the same broker, mosquitto's own clients move the same messages: mosquitto_pub publishes them (QoS 1)
/// and mosquitto_sub drains them from a persistent session of its own, as the receiver does, but without storing them.
/// </summary>
internal static class IngestBench
{
    private static readonly TimeSpan Wait = TimeSpan.FromMinutes(30);

    /// <param name="count">Events in the backlog (all <c>counters</c>, as after an outage).</param>
    /// <param name="chargers">Chargers they come from (count / chargers each).</param>
    /// <param name="store"><c>sqlite</c> or <c>postgres</c> (then <paramref name="postgres"/> is the server's Npgsql connection string).</param>
    /// <param name="label">What is measured, for the table (e.g. "batched, 500" or "per event (before)").</param>
    /// <param name="cloudDll">The charger-cloud build to run (another build, e.g. the one before batching); null = this repository's.</param>
    /// <param name="inflight">mosquitto's <c>max_inflight_messages</c> (the deploy configuration has 100).</param>
    /// <param name="cloudArgs">More settings for the receiver (e.g. <c>--Ingress:BatchMaxMessages=1</c>).</param>
    public static async Task RunAsync(int count, int chargers, string store, string? postgres, string label, string? cloudDll, int inflight, IReadOnlyList<string> cloudArgs)
    {
        var perCharger = count / chargers;
        count = perCharger * chargers;
        var dir = Repo.TempDir("bench-ingest");
        var port = Repo.FreePort();
        using var mosquitto = new MosquittoProcess(Path.Combine(dir, "mosquitto"), port, string.Join('\n',
        [
            $"listener {port} 127.0.0.1",
            "allow_anonymous true",
            "persistence false",
            $"max_queued_messages {count + 1000}",
            $"max_inflight_messages {inflight}",
            "log_dest stderr",
            "log_type error",
            "log_type warning",
        ]) + "\n");
        await mosquitto.StartAsync();

        var args = new List<string>(cloudArgs);
        string? schema = null;
        if (store == "postgres")
        {
            ArgumentException.ThrowIfNullOrEmpty(postgres, "CHARGER_BENCH_POSTGRES");
            schema = $"bench_{Guid.NewGuid():N}";
            await PsqlAsync(postgres, $"CREATE SCHEMA {schema}");
            args.Add("--Cloud:Store=postgres");
            args.Add($"--Cloud:Postgres:ConnectionString={postgres};Search Path={schema}");
        }

        var data = Path.Combine(dir, "cloud");
        CloudProcess Receiver() => new(data, externalBrokerPort: mosquitto.Port) { ExtraArgs = args, Dll = cloudDll ?? Repo.CloudDll };
        try
        {
            // Both persistent sessions exist before the backlog: the receiver's (started once, then stopped) and mosquitto_sub's.
            await using (var first = Receiver())
            {
                await first.StartAsync();
            }

            await RunAsync("mosquitto_sub", [.. Broker(mosquitto.Port), "-c", "-i", "bench-sub", "-q", "1", "-t", Topics.AllEvents, "-E"]);

            // The backlog: one mosquitto_pub -l per charger (QoS 1; it exits after the last PUBACK).
            var lines = new string[chargers][];
            long bytes = 0;
            for (var c = 0; c < chargers; c++)
            {
                var id = string.Create(CultureInfo.InvariantCulture, $"CP-BENCH-{c + 1:D5}");
                lines[c] = new string[perCharger];
                for (var seq = 1; seq <= perCharger; seq++)
                {
                    var json = Encoding.UTF8.GetString(Envelope.Create(id, seq, DateTimeOffset.UtcNow, EventTypes.Counters,
                        new CountersData { EnergyWh = seq, ContactorCycles = seq / 10, OperatingHours = seq / 3600.0 }, ProtocolJsonContext.Default.CountersData).ToUtf8Json());
                    bytes += Encoding.UTF8.GetByteCount(json);
                    lines[c][seq - 1] = json;
                }
            }

            var clock = Stopwatch.StartNew();
            for (var c = 0; c < chargers; c++)
            {
                var topic = Topics.Events(string.Create(CultureInfo.InvariantCulture, $"CP-BENCH-{c + 1:D5}"));
                await RunAsync("mosquitto_pub", [.. Broker(mosquitto.Port), "-q", "1", "-t", topic, "-l"], string.Join('\n', lines[c]) + "\n");
            }

            var pubSeconds = clock.Elapsed.TotalSeconds;

            // mosquitto's own subscriber drains its copy of the backlog (PUBACKs each message, stores nothing).
            clock.Restart();
            await RunAsync("mosquitto_sub", [.. Broker(mosquitto.Port), "-c", "-i", "bench-sub", "-q", "1", "-t", Topics.AllEvents, "-C", count.ToString(CultureInfo.InvariantCulture), "-W", "600"]);
            var subSeconds = clock.Elapsed.TotalSeconds;

            // The receiver drains its copy into the store: from its start (process start included) to the last event applied.
            await using var receiver = Receiver();
            clock.Restart();
            await receiver.StartAsync();
            long applied = 0;
            await Eventually.TrueAsync(async () => (applied = await AppliedAsync(receiver)) >= count, Wait, () => $"only {applied} of {count} applied\n" + receiver.Output);
            var cloudSeconds = clock.Elapsed.TotalSeconds;

            // The store window: from the first event received (stamped when its batch was taken) to the last one.
            DateTimeOffset? firstAt = null, lastAt = null;
            for (var c = 0; c < chargers; c++)
            {
                var id = string.Create(CultureInfo.InvariantCulture, $"CP-BENCH-{c + 1:D5}");
                var head = (await receiver.GetJsonAsync($"/api/v1/chargers/{id}/events?afterSeq=0&limit=1")).GetProperty("items")[0].GetProperty("receivedAt").GetDateTimeOffset();
                var tail = (await receiver.GetJsonAsync($"/api/v1/chargers/{id}/events?afterSeq={perCharger - 1}&limit=1")).GetProperty("items")[0].GetProperty("receivedAt").GetDateTimeOffset();
                firstAt = firstAt is null || head < firstAt ? head : firstAt;
                lastAt = lastAt is null || tail > lastAt ? tail : lastAt;
            }

            var windowSeconds = Math.Max(0.001, (lastAt!.Value - firstAt!.Value).TotalSeconds);
            var metrics = await receiver.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            var stored = Metric(metrics, "charger_ingest_messages_total\\{[^}]*outcome=\"stored\"[^}]*\\}");
            var batchSum = Metric(metrics, "charger_ingest_batch_size_sum(\\{[^}]*\\})?");
            var batchCount = Metric(metrics, "charger_ingest_batch_size_count(\\{[^}]*\\})?");
            var batches = batchCount is > 0 ? string.Create(CultureInfo.InvariantCulture, $"{batchCount:F0} batches of {batchSum / batchCount:F1} on average") : "no batch metric (build before batching)";

            Console.WriteLine(Machine.Describe());
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"## ingest: {count:N0} counters events ({bytes / count} bytes on average) of {chargers} chargers queued on mosquitto (max_inflight_messages {inflight}), store {store}, receiver {label}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"receiver: {applied:N0} applied, {stored:N0} counted stored, {batches}; settings: {string.Join(' ', cloudArgs)}"));
            Console.WriteLine("| what | seconds | events/s | ratio to mosquitto_sub |");
            Console.WriteLine("|---|---|---|---|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| mosquitto_pub -q 1 -l ({chargers} runs of {perCharger:N0} lines): backlog queued, all PUBACKed | {pubSeconds:F1} | {count / pubSeconds:F0} | |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| mosquitto_sub -c -q 1: the backlog drained from its persistent session | {subSeconds:F1} | {count / subSeconds:F0} | 1.00 |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| charger-cloud ({store}, {label}): the backlog stored and applied, from process start | {cloudSeconds:F1} | {count / cloudSeconds:F0} | {subSeconds / cloudSeconds:F2} |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| charger-cloud ({store}, {label}): first to last event received (the store's own pace) | {windowSeconds:F1} | {count / windowSeconds:F0} | {subSeconds / windowSeconds:F2} |"));
        }
        finally
        {
            if (schema is not null)
            {
                await PsqlAsync(postgres!, $"DROP SCHEMA IF EXISTS {schema} CASCADE");
            }
        }
    }

    private static string[] Broker(int port) => ["-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-V", "mqttv5"];

    /// <summary>Sum of every charger's applied seq.</summary>
    private static async Task<long> AppliedAsync(CloudProcess receiver)
    {
        var chargers = await receiver.GetJsonAsync("/api/v1/chargers");
        var items = chargers.ValueKind == System.Text.Json.JsonValueKind.Array ? chargers : chargers.GetProperty("items");
        return items.EnumerateArray().Sum(c => c.GetProperty("appliedSeq").GetInt64());
    }

    private static double? Metric(string metrics, string name)
    {
        var match = Regex.Match(metrics, "^" + name + " (\\S+)", RegexOptions.Multiline);
        return match.Success ? double.Parse(match.Groups[^1].Value, CultureInfo.InvariantCulture) : null;
    }

    private static async Task RunAsync(string file, IEnumerable<string> arguments, string? input = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
        }

        await process.WaitForExitAsync();
        await stdout;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} failed ({process.ExitCode}): {await stderr}");
        }
    }

    /// <summary>Runs one SQL statement with psql on the server of an Npgsql connection string.</summary>
    private static async Task PsqlAsync(string connectionString, string sql)
    {
        var parts = connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0].Trim().ToLowerInvariant(), p => p[1].Trim());
        var psi = new ProcessStartInfo("psql") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "-h", parts["host"], "-p", parts.GetValueOrDefault("port", "5432"), "-U", parts["username"], "-d", parts.GetValueOrDefault("database", "postgres"), "-v", "ON_ERROR_STOP=1", "-c", sql })
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["PGPASSWORD"] = parts.GetValueOrDefault("password", string.Empty);
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"psql failed: {await stderr}");
        }
    }
}
