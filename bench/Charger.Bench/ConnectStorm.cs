using Charger.Cloud.Store;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Charger.Cloud.Store.Sqlite;
using Charger.Testing;
using Microsoft.Data.Sqlite;
using MQTTnet;
using MQTTnet.Protocol;

namespace Charger.Bench;

/// <summary>
/// The connect storm: N chargers' MQTT sessions (as the agent opens them: own credentials, persistent session, last will,
/// retained <c>online</c>, the ack subscription) all connecting at once to one charger-cloud (embedded broker + receiver
/// + SQLite), then held idle; the same clients against mosquitto (password file) in the same run as the reference.
/// </summary>
internal static class ConnectStorm
{
    private const int Parallelism = 1000;

    public static async Task RunAsync(int count, int steadySeconds)
    {
        var dir = Repo.TempDir("bench-storm");
        var ids = Enumerable.Range(1, count).Select(i => $"CP-STORM-{i:D5}").ToArray();

        // Enrol every charger in the cloud's own credential store (what `charger-cloud enrol` does, without N processes).
        var cloudData = Path.Combine(dir, "cloud");
        Directory.CreateDirectory(cloudData);
        var dbPath = Path.Combine(cloudData, "cloud.db");
        var secrets = new string[count];
        var enrolWatch = Stopwatch.StartNew();
        using (var db = new SqliteDatabase(dbPath))
        {
            await db.InitializeAsync(CancellationToken.None);
            var store = new ChargerCredentialStore(db, TimeProvider.System);
            for (var i = 0; i < count; i++)
            {
                secrets[i] = await store.EnrolAsync(ids[i], CancellationToken.None);
            }
        }

        Console.WriteLine($"# {count} chargers enrolled in {enrolWatch.Elapsed.TotalSeconds:F1} s (PBKDF2-SHA256 hashes of their secrets)");
        Console.WriteLine($"## connect storm: {count} chargers connect at once (at most {Parallelism} connects in flight, agent-like session), then idle {steadySeconds} s");
        Console.WriteLine("| server | all connected (s) | connects/s | connect retries | all online in the cloud's store (s) | steady CPU (% of one core) | steady RSS (MiB) |");
        Console.WriteLine("|---|---|---|---|---|---|---|");

        await using (var cloud = new CloudProcess(cloudData))
        {
            await cloud.StartAsync();
            var result = await StormAsync(cloud.MqttPort, ids, secrets, cloud.ProcessId, steadySeconds, () => CountOnline(dbPath));
            Console.WriteLine(Row("charger-cloud (embedded broker, receiver, SQLite)", result));
        }

        // Reference: mosquitto with a password file holding the same credentials (hashed by mosquitto_passwd -U).
        var mosquittoDir = Path.Combine(dir, "mosquitto");
        Directory.CreateDirectory(mosquittoDir);
        var passwords = Path.Combine(mosquittoDir, "passwords");
        await File.WriteAllLinesAsync(passwords, ids.Select((id, i) => $"{id}:{secrets[i]}"));
        using (var hash = Process.Start("mosquitto_passwd", ["-U", passwords]))
        {
            await hash.WaitForExitAsync();
            if (hash.ExitCode != 0)
            {
                throw new InvalidOperationException("mosquitto_passwd -U failed");
            }
        }

        var port = Repo.FreePort();
        using var mosquitto = new MosquittoProcess(mosquittoDir, port,
            $"listener {port} 127.0.0.1\nallow_anonymous false\npassword_file {passwords}\npersistence false\nmax_connections -1\nlog_dest stderr\nlog_type error\n");
        await mosquitto.StartAsync();
        var reference = await StormAsync(port, ids, secrets, mosquitto.ProcessId, steadySeconds, null);
        Console.WriteLine(Row("mosquitto 2.0 (password file), same clients", reference));
    }

    private static string Row(string server, StormResult r) => string.Create(CultureInfo.InvariantCulture,
        $"| {server} | {r.Connected.TotalSeconds:F1} | {r.Count / r.Connected.TotalSeconds:F0} | {r.Retries} | {(r.Online is { } o ? o.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) : "n/a")} | {r.SteadyCpuPercent:F1} | {r.SteadyRssMib:F1} |");

    private sealed record StormResult(int Count, TimeSpan Connected, int Retries, TimeSpan? Online, double SteadyCpuPercent, double SteadyRssMib);

    private static async Task<StormResult> StormAsync(int port, string[] ids, string[] secrets, int serverPid, int steadySeconds, Func<long>? countOnline)
    {
        var factory = new MqttClientFactory();
        var clients = new IMqttClient[ids.Length];
        var retries = 0;
        using var gate = new SemaphoreSlim(Parallelism);
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, ids.Length).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                var client = factory.CreateMqttClient();
                var options = new MqttClientOptionsBuilder()
                    .WithTcpServer("127.0.0.1", port)
                    .WithClientId(ids[i])
                    .WithCredentials(ids[i], secrets[i])
                    .WithCleanStart(false)
                    .WithSessionExpiryInterval(86_400)
                    .WithKeepAlivePeriod(TimeSpan.FromSeconds(60))
                    .WithTimeout(TimeSpan.FromSeconds(60))
                    .WithWillTopic($"ev/v1/{ids[i]}/status").WithWillPayload("offline"u8.ToArray()).WithWillRetain().WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .Build();
                for (var attempt = 0; ; attempt++)
                {
                    try
                    {
                        var connected = await client.ConnectAsync(options);
                        if (connected.ResultCode != MqttClientConnectResultCode.Success)
                        {
                            throw new InvalidOperationException($"{ids[i]}: {connected.ResultCode}");
                        }

                        break;
                    }
                    catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException && attempt < 20)
                    {
                        Interlocked.Increment(ref retries);
                        await Task.Delay(TimeSpan.FromMilliseconds(200 * (attempt + 1)));
                    }
                }

                await client.SubscribeAsync($"ev/v1/{ids[i]}/ack", MqttQualityOfServiceLevel.AtLeastOnce);
                await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"ev/v1/{ids[i]}/status").WithPayload(Encoding.UTF8.GetBytes("online"))
                    .WithRetainFlag().WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
                clients[i] = client;
            }
            finally
            {
                gate.Release();
            }
        }));
        var connectedAfter = watch.Elapsed;
        Console.Error.WriteLine($"  {ids.Length} connected after {connectedAfter.TotalSeconds:F1} s ({retries} retries)");

        TimeSpan? online = null;
        if (countOnline is not null)
        {
            while (countOnline() < ids.Length)
            {
                if (watch.Elapsed > TimeSpan.FromMinutes(10))
                {
                    throw new TimeoutException($"only {countOnline()} of {ids.Length} online after 10 minutes");
                }

                await Task.Delay(250);
            }

            online = watch.Elapsed;
        }

        // Steady state: every session open and idle (keep-alives only); the server's CPU over the window and its RSS.
        var cpuBefore = CpuTicks(serverPid);
        var steady = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(steadySeconds));
        var cpuPercent = (CpuTicks(serverPid) - cpuBefore) / 100.0 / steady.Elapsed.TotalSeconds * 100;
        var rss = Rss(serverPid);
        if (clients.Count(c => c?.IsConnected == true) != ids.Length)
        {
            throw new InvalidOperationException($"only {clients.Count(c => c?.IsConnected == true)} of {ids.Length} clients still connected");
        }

        await Task.WhenAll(clients.Select(c => c.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build())));
        foreach (var c in clients)
        {
            c.Dispose();
        }

        return new StormResult(ids.Length, connectedAfter, retries, online, cpuPercent, rss);
    }

    private static long CountOnline(string dbPath)
    {
        using var connection = new SqliteConnection($"Data Source={dbPath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM chargers WHERE online = 1";
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>utime + stime of a process, in clock ticks (100 per second on Linux).</summary>
    internal static long CpuTicks(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    private static double Rss(int pid) => long.Parse(
        File.ReadAllLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1],
        CultureInfo.InvariantCulture) / 1024.0;
}
