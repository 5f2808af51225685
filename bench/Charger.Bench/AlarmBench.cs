using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Charger.Testing;
using Charger.Protocol;
using MQTTnet;
using MQTTnet.Protocol;

namespace Charger.Bench;

/// <summary>
/// How the after-sales areas keep up with a fleet: N chargers each boot once (so the cloud knows all of them), the cloud
/// idles for a while (its CPU is measured from /proc), then F of them report a ground fault one after the other. For each
/// fault: the time from the moment the receiver got the event (its <c>receivedAt</c>) to the moment the service area
/// handled it (the <c>alarm.raise</c> audit entry's time), both on the cloud's clock. Run against another build with
/// <c>--cloud-dll</c> for a before/after in the same conditions. The events come through mosquitto (anonymous, one
/// publishing client), so no per-charger credentials are needed.
/// </summary>
internal static class AlarmBench
{
    private static readonly TimeSpan Wait = TimeSpan.FromMinutes(10);

    public static async Task RunAsync(int chargers, int faulting, int idleSeconds, string label, string? cloudDll)
    {
        var dir = Repo.TempDir("bench-alarms");
        var port = Repo.FreePort();
        using var mosquitto = new MosquittoProcess(Path.Combine(dir, "mosquitto"), port, string.Join('\n',
        [
            $"listener {port} 127.0.0.1", "allow_anonymous true", "persistence false", $"max_queued_messages {chargers + 1000}",
            "log_dest stderr", "log_type error", "log_type warning",
        ]) + "\n");
        await mosquitto.StartAsync();
        await using var cloud = new CloudProcess(Path.Combine(dir, "cloud"), externalBrokerPort: port) { Dll = cloudDll ?? Repo.CloudDll };
        await cloud.StartAsync();
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId("bench-fleet").Build());
        var ids = Enumerable.Range(0, chargers).Select(i => $"CP-{i:D6}").ToArray();
        var t0 = DateTimeOffset.UtcNow;

        // Every charger boots once.
        var boots = Stopwatch.StartNew();
        foreach (var chunk in ids.Chunk(500))
        {
            await Task.WhenAll(chunk.Select(id => PublishAsync(client, id, Envelope.Create(id, 1, t0, EventTypes.Boot,
                new BootData { Reason = "power-on", AgentVersion = "bench", Model = "EVB-22" }, ProtocolJsonContext.Default.BootData))));
        }

        await Eventually.TrueAsync(async () => PrometheusText.Sum(await cloud.Http.GetStringAsync("/metrics"), "charger_ingest_messages_total", "outcome=\"stored\"") >= chargers, Wait, () => "the boots were not stored");
        Console.WriteLine($"# {label}: {chargers} chargers booted and stored in {boots.Elapsed.TotalSeconds:F1} s");

        // Let the areas catch up with the boots, then measure the idle cloud.
        await Task.Delay(TimeSpan.FromSeconds(10));
        var cpuBefore = ConnectStorm.CpuTicks(cloud.ProcessId);
        var idle = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(idleSeconds));
        var idleCpu = (ConnectStorm.CpuTicks(cloud.ProcessId) - cpuBefore) / 100.0 / idle.Elapsed.TotalSeconds * 100;

        // Faults, one at a time: each waits for its alarm before the next is sent.
        var faulty = Enumerable.Range(0, faulting).Select(i => ids[i * (chargers / faulting)]).ToArray();
        for (var i = 0; i < faulty.Length; i++)
        {
            await PublishAsync(client, faulty[i], Envelope.Create(faulty[i], 2, DateTimeOffset.UtcNow, EventTypes.FaultRaised,
                new FaultRaisedData { Code = FaultCatalogue.GroundFailure, Component = "rcd", Severity = Severity.Critical, BlocksCharging = true, Latching = true },
                ProtocolJsonContext.Default.FaultRaisedData));
            var expected = i + 1;
            await Eventually.TrueAsync(async () => Items(await cloud.GetJsonAsync("/api/v1/alarms?status=active")).Count() >= expected,
                Wait, () => $"no alarm for {faulty[expected - 1]}");
        }

        var raised = Items(await cloud.GetJsonAsync("/api/v1/audit?action=alarm.raise&limit=100"))
            .ToDictionary(a => a.GetProperty("detail").GetString()!.Split(' ')[0], a => a.GetProperty("at").GetDateTimeOffset());
        var latencies = new List<double>();
        foreach (var id in faulty)
        {
            var fault = Items(await cloud.GetJsonAsync($"/api/v1/chargers/{id}/events?type=fault.raised")).Single();
            latencies.Add((raised[id] - fault.GetProperty("receivedAt").GetDateTimeOffset()).TotalMilliseconds);
        }

        latencies.Sort();
        Console.WriteLine("| build | chargers | idle CPU of charger-cloud (% of one core) | fault received -> alarm handled, p50 / max (ms) |");
        Console.WriteLine("|---|---|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {label} | {chargers:N0} | {idleCpu:F1} over {idleSeconds} s | {latencies[latencies.Count / 2]:F0} / {latencies[^1]:F0} ({faulting} faults) |"));
    }

    private static JsonElement.ArrayEnumerator Items(JsonElement page) =>
        page.ValueKind == JsonValueKind.Array ? page.EnumerateArray() : page.GetProperty("items").EnumerateArray();

    private static Task PublishAsync(IMqttClient client, string id, Envelope envelope) =>
        client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(Topics.Events(id)).WithPayload(envelope.ToUtf8Json())
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
}
