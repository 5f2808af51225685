using System.Text;
using System.Text.Json;
using Charger.Agent;
using Charger.Agent.Board;
using Charger.Agent.Core.Board;
using Charger.Agent.Core.Diagnostics;
using Charger.Agent.Core.Journal;
using Charger.Agent.Journal.Sqlite;
using Charger.Agent.Mqtt;
using Charger.Protocol;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Protocol;

namespace Charger.EndToEnd.Tests;

/// <summary>The spine through real processes: simulated sensor -> agent -> broker -> receiver -> store -> API.</summary>
public sealed class SpineTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private static (AgentRuntime Runtime, SimulatedCharger Board) StartAgent(CloudProcess cloud, string id, string secret, string dir) =>
        InProcessAgent.Create(id, dir, InProcessAgent.Mqtt(cloud.MqttPort, secret));

    private static async Task<List<(string Charger, string Code)>> ActiveFaultsAsync(CloudProcess cloud) =>
        (await cloud.GetJsonAsync("/api/v1/faults?status=active")).EnumerateArray()
            .Select(f => (f.GetProperty("chargerId").GetString()!, f.GetProperty("code").GetString()!)).ToList();

    [Fact]
    public async Task Over_temperature_becomes_an_active_fault_in_the_api_and_clears_below_the_hysteresis_band()
    {
        var dir = Repo.TempDir("overtemp");
        await using var cloud = new CloudProcess(Path.Combine(dir, "cloud"));
        var secret = await cloud.EnrolAsync("CP-E2E-1");
        await cloud.StartAsync();
        var (runtime, board) = StartAgent(cloud, "CP-E2E-1", secret, Path.Combine(dir, "agent"));
        using var stop = new CancellationTokenSource();
        var run = runtime.RunAsync(stop.Token);
        try
        {
            await Eventually.TrueAsync(async () => (await cloud.TryGetJsonAsync("/api/v1/chargers/CP-E2E-1"))?.GetProperty("state").GetString() == "Operational",
                Wait, () => "charger never became Operational in the API\n" + cloud.Output);

            board.Simulator.Set(SensorNames.EnclosureTemperature, 80);
            // The fault and the state change are two events: wait for both to be applied.
            await Eventually.TrueAsync(async () => (await ActiveFaultsAsync(cloud)).Contains(("CP-E2E-1", "HighTemperature"))
                    && (await cloud.GetJsonAsync("/api/v1/chargers/CP-E2E-1")).GetProperty("state").GetString() == "Faulted",
                Wait, () => "HighTemperature never became active with the charger Faulted\n" + cloud.Output);

            // Inside the hysteresis band (65..70 °C): still active.
            // Held there for ten of the agent's own polls (its readings' timestamps, not the test's clock): a clear would have
            // been journaled by then. Other events (counters) may come; a fault.cleared may not.
            board.Simulator.Set(SensorNames.EnclosureTemperature, 67);
            await Eventually.TrueAsync(() => Task.FromResult(runtime.Engine.LastSnapshot?.Sensors[SensorNames.EnclosureTemperature].Value < 68), Wait, () => "no new reading");
            var inBand = runtime.Engine.LastSnapshot!.Timestamp;
            var before = runtime.Journal.Stats.LastSeq;
            await Eventually.TrueAsync(() => Task.FromResult(runtime.Engine.LastSnapshot!.Timestamp >= inBand + (10 * InProcessAgent.FastDiagnostics().PollInterval)),
                Wait, () => "the agent stopped polling");
            Assert.Contains(("CP-E2E-1", "HighTemperature"), await ActiveFaultsAsync(cloud));
            var cleared = await runtime.Journal.QueryAsync(new JournalQuery(EventTypes.FaultCleared, AfterSeq: before), CancellationToken.None);
            Assert.Empty(cleared);

            board.Simulator.Set(SensorNames.EnclosureTemperature, 40);
            await Eventually.TrueAsync(async () => !(await ActiveFaultsAsync(cloud)).Contains(("CP-E2E-1", "HighTemperature")),
                Wait, () => "HighTemperature never cleared\n" + cloud.Output);
            Assert.Equal("Operational", (await cloud.GetJsonAsync("/api/v1/chargers/CP-E2E-1")).GetProperty("state").GetString());

            var events = await cloud.AllEventsAsync("CP-E2E-1");
            var types = events.Select(e => e.GetProperty("type").GetString()).ToList();
            Assert.Equal("boot", types[0]);
            Assert.Contains("fault.raised", types);
            Assert.Contains("fault.cleared", types);
            Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.GetProperty("seq").GetInt64()));
        }
        finally
        {
            await stop.CancelAsync();
            await run;
            await runtime.DisposeAsync();
            board.Dispose();
        }
    }

    [Fact]
    public async Task Events_recorded_while_the_cloud_is_down_arrive_after_it_comes_back_exactly_once()
    {
        var dir = Repo.TempDir("outage");
        var cloud = new CloudProcess(Path.Combine(dir, "cloud"));
        var secret = await cloud.EnrolAsync("CP-E2E-2");
        await cloud.StartAsync();
        var (runtime, board) = StartAgent(cloud, "CP-E2E-2", secret, Path.Combine(dir, "agent"));
        using var stop = new CancellationTokenSource();
        var run = runtime.RunAsync(stop.Token);
        try
        {
            await Eventually.TrueAsync(() => Task.FromResult(runtime.Journal.Stats is { LastSeq: > 0 } s && s.AckedUpTo == s.LastSeq), Wait, () => $"boot never acknowledged: {runtime.Journal.Stats} connected={runtime.Publisher.IsConnected} connects={runtime.Publisher.ConnectCount}\n" + cloud.Output);

            // The cloud (broker and receiver) dies without a goodbye.
            cloud.KillHard();
            board.Simulator.SetInput(InputNames.EmergencyStop, true);
            await Eventually.TrueAsync(() => Task.FromResult(runtime.Engine.State == DiagnosticState.Faulted), Wait, () => "no Faulted state");
            board.Simulator.SetInput(InputNames.Door, true);
            await Eventually.TrueAsync(() => Task.FromResult(runtime.Engine.ActiveFaults.Count == 2), Wait, () => "door fault not raised");
            var lastSeq = runtime.Journal.Stats.LastSeq;
            Assert.True(runtime.Journal.Stats.PendingCount > 0);

            // The same server comes back: same files, same ports.
            var killed = cloud;
            cloud = killed.WithDataDir(killed.DataDir);
            await killed.DisposeAsync();
            await cloud.StartAsync();
            await Eventually.TrueAsync(() => Task.FromResult(runtime.Journal.Stats.AckedUpTo >= lastSeq), Wait, () => "backlog never acknowledged\n" + cloud.Output);

            var events = await cloud.AllEventsAsync("CP-E2E-2");
            Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.GetProperty("seq").GetInt64()));
            Assert.Equal(events.Count, events.Select(e => e.GetProperty("id").GetGuid()).Distinct().Count());
            Assert.True(events.Count >= lastSeq);
            var faults = await ActiveFaultsAsync(cloud);
            Assert.Contains(("CP-E2E-2", "EmergencyStop"), faults);
            Assert.Contains(("CP-E2E-2", "EnclosureOpen"), faults);
        }
        finally
        {
            await stop.CancelAsync();
            await run;
            await runtime.DisposeAsync();
            board.Dispose();
            await cloud.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_charger_publishing_under_another_id_is_refused_and_bad_payloads_are_dead_lettered_while_the_receiver_keeps_serving()
    {
        var dir = Repo.TempDir("refusals");
        await using var cloud = new CloudProcess(Path.Combine(dir, "cloud"));
        var secretA = await cloud.EnrolAsync("CP-A");
        await cloud.EnrolAsync("CP-B");
        await cloud.StartAsync();

        using var client = new MqttClientFactory().CreateMqttClient();
        var connect = await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", cloud.MqttPort)
            .WithClientId("CP-A").WithCredentials("CP-A", secretA).Build());
        Assert.Equal(MqttClientConnectResultCode.Success, connect.ResultCode);

        byte[] Event(string chargerId, long seq, int v = 1) => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["v"] = v, ["id"] = Guid.NewGuid(), ["chargerId"] = chargerId, ["seq"] = seq, ["ts"] = "2026-11-27T10:00:00Z", ["type"] = "boot",
            ["data"] = new Dictionary<string, object> { ["reason"] = "power-on", ["agentVersion"] = "test" },
        }));

        async Task<MqttClientPublishResult> Publish(string topic, byte[] payload) => await client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

        var impostor = await Publish("ev/v1/CP-B/events", Event("CP-B", 1));
        Assert.False(impostor.ReasonCode is MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers, $"publish under another id was accepted: {impostor.ReasonCode}");

        await Publish("ev/v1/CP-A/events", Encoding.UTF8.GetBytes("{ not json"));
        await Publish("ev/v1/CP-A/events", new byte[70 * 1024]);
        await Publish("ev/v1/CP-A/events", Event("CP-A", 1, v: 2));
        await Publish("ev/v1/CP-A/events", Event("CP-B", 1));
        await Publish("ev/v1/CP-A/events", Event("CP-A", 1));

        await Eventually.TrueAsync(async () => (await cloud.AllEventsAsync("CP-A")).Count == 1, Wait, () => "the valid event after the bad ones was not stored\n" + cloud.Output);
        var reasons = (await cloud.GetJsonAsync("/api/v1/dead-letters?limit=100")).EnumerateArray().Select(d => d.GetProperty("reason").GetString()).ToList();
        Assert.Contains("MalformedJson", reasons);
        Assert.Contains("TooLarge", reasons);
        Assert.Contains("UnsupportedVersion", reasons);
        Assert.Contains("ChargerIdMismatch", reasons);
        Assert.Empty(await cloud.AllEventsAsync("CP-B"));
        Assert.True((await cloud.Http.GetAsync("/healthz")).IsSuccessStatusCode);
    }

    [Fact]
    public async Task After_a_corrupt_agent_journal_the_cloud_records_the_lost_events_as_a_lost_gap_and_the_charger_goes_on()
    {
        const string Id = "CP-E2E-LOST";
        var dir = Repo.TempDir("lost-journal");
        var agentDir = Path.Combine(dir, "agent");
        var cloud = new CloudProcess(Path.Combine(dir, "cloud"));
        var secret = await cloud.EnrolAsync(Id);
        await cloud.StartAsync();
        try
        {
            long ackedBefore;
            long lastBefore;
            var (first, firstBoard) = StartAgent(cloud, Id, secret, agentDir);
            using (var stop = new CancellationTokenSource())
            {
                var run = first.RunAsync(stop.Token);
                await Eventually.TrueAsync(() => Task.FromResult(first.Journal.Stats is { LastSeq: > 0 } s && s.AckedUpTo == s.LastSeq), Wait, () => "boot never acknowledged\n" + cloud.Output);

                // The cloud is away while the door opens: those events exist only in the agent's journal...
                cloud.KillHard();
                firstBoard.Simulator.SetInput(InputNames.Door, true);
                await Eventually.TrueAsync(() => Task.FromResult(first.Engine.ActiveFaults.Any(f => f.Code == FaultCatalogue.EnclosureOpen) && first.Journal.Stats.LastSeq > first.Journal.Stats.AckedUpTo),
                    Wait, () => $"door fault not journaled: {first.Journal.Stats}");
                (ackedBefore, lastBefore) = (first.Journal.Stats.AckedUpTo, first.Journal.Stats.LastSeq);
                Assert.True(lastBefore > ackedBefore);
                await stop.CancelAsync();
                await run;
                await first.DisposeAsync();
                firstBoard.Dispose();
            }

            // ...which the flash card then tears: header and first pages overwritten.
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var f in Directory.GetFiles(agentDir, "journal.db-*"))
            {
                File.Delete(f);
            }

            await using (var fs = new FileStream(Path.Combine(agentDir, "journal.db"), FileMode.Open, FileAccess.Write))
            {
                fs.Write(Enumerable.Range(0, 8192).Select(i => (byte)(i * 7)).ToArray());
            }

            var killed = cloud;
            cloud = killed.WithDataDir(killed.DataDir);
            await killed.DisposeAsync();
            await cloud.StartAsync();
            var (second, secondBoard) = StartAgent(cloud, Id, secret, agentDir);
            using var stop2 = new CancellationTokenSource();
            var run2 = second.RunAsync(stop2.Token);
            try
            {
                await Eventually.TrueAsync(() => Task.FromResult(second.Journal.Stats is { } s && s.LastSeq > lastBefore && s.AckedUpTo == s.LastSeq), Wait,
                    () => $"the recovered agent's events were never acknowledged: {second.Journal.Stats}\n" + cloud.Output);
                await Eventually.TrueAsync(async () => (await cloud.GetJsonAsync($"/api/v1/chargers/{Id}")).GetProperty("state").GetString() == "Operational", Wait,
                    () => "the charger's state did not move on after the lost range\n" + cloud.Output);

                var charger = await cloud.GetJsonAsync($"/api/v1/chargers/{Id}");
                Assert.Equal(second.Journal.Stats.LastSeq, charger.GetProperty("appliedSeq").GetInt64());
                var gap = Assert.Single(charger.GetProperty("gaps").EnumerateArray());
                Assert.True(gap.GetProperty("lost").GetBoolean());
                Assert.Equal(ackedBefore + 1, gap.GetProperty("from").GetInt64());
                Assert.True(gap.GetProperty("to").GetInt64() >= lastBefore, $"the lost range {gap} must cover the unsent {ackedBefore + 1}..{lastBefore}");
                var boots = (await cloud.AllEventsAsync(Id)).Where(e => e.GetProperty("type").GetString() == "boot").ToList();
                Assert.Equal(2, boots.Count);
                Assert.Equal(gap.GetProperty("to").GetInt64(), boots[1].GetProperty("data").GetProperty("lostUpToSeq").GetInt64());
                Assert.Contains("journal was corrupt", (await cloud.AllEventsAsync(Id)).Select(e => e.GetProperty("data").ToString()).Aggregate(string.Concat), StringComparison.Ordinal);
            }
            finally
            {
                await stop2.CancelAsync();
                await run2;
                await second.DisposeAsync();
                secondBoard.Dispose();
            }
        }
        finally
        {
            await cloud.DisposeAsync();
        }
    }
}
