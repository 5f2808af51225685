using System.Text.Json;
using Charger.Agent;
using Charger.Agent.Board;
using Charger.Agent.EngineerConsole;
using Charger.Agent.EngineerConsole.Engineers;
using Charger.Agent.Core.Diagnostics;
using Charger.Agent.Core.Journal;
using Charger.Agent.Mqtt;
using Microsoft.Extensions.Logging.Abstractions;

namespace Charger.EndToEnd.Tests;

/// <summary>
/// The on-site repair of issue 3 through real processes: a charger-cloud process, a real agent (AgentRuntime on the
/// simulated board, serving its console socket) and the agentctl executable run as a process for every step.
/// </summary>
public sealed class OnSiteRepairTests
{
    private const string ChargerId = "CP-E2E-ONSITE";
    private const string Engineer = "eng-e2e";
    private const string Pin = "13572468";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_latched_ground_fault_is_repaired_on_site_and_the_cloud_shows_the_service_record_and_the_audit_trail()
    {
        Assert.True(File.Exists(Agentctl.Dll), $"agentctl is not built: {Agentctl.Dll}");
        var dir = Repo.TempDir("onsite");
        await using var cloud = new CloudProcess(Path.Combine(dir, "cloud"));
        var secret = await cloud.EnrolAsync(ChargerId);
        await cloud.StartAsync();

        var data = Path.Combine(dir, "agent");
        Directory.CreateDirectory(data);
        EngineerFile.Add(Path.Combine(data, "engineers.json"), Engineer, "E2E Engineer", Pin, TimeProvider.System, iterations: 1_000);
        var diagnostics = InProcessAgent.FastDiagnostics();
        var (agent, simulated) = InProcessAgent.Create(ChargerId, data, InProcessAgent.Mqtt(cloud.MqttPort, secret), diagnostics, seed: 3);
        using var board = simulated;
        await using var runtime = agent;
        board.Simulator.SetPower(7200); // an EV charging: the meter's pulses move
        await using var console = RuntimeConsoleAgent.StartServer(runtime, new ConsoleOptions(), data, diagnostics, board.Simulator, TimeProvider.System, NullLoggerFactory.Instance)!;
        using var stop = new CancellationTokenSource();
        var run = runtime.RunAsync(stop.Token);
        var state = Path.Combine(dir, "agentctl");
        Task<(int Code, string Out, string Err)> Ctl(params string[] args) => Agentctl.RunAsync(console.SocketPath, state, null, args);
        async Task<string?> CloudStateAsync() => (await cloud.TryGetJsonAsync($"/api/v1/chargers/{ChargerId}"))?.GetProperty("state").GetString();
        try
        {
            await Eventually.TrueAsync(async () => await CloudStateAsync() == "Operational", Wait, () => "charger never Operational in the API\n" + cloud.Output);

            // The fault: the RCD trips (a latching ground fault).
            Assert.Equal(0, (await Ctl("sim", "input", "rcd", "on")).Code);
            await Eventually.TrueAsync(async () => (await cloud.GetJsonAsync("/api/v1/faults?status=active")).EnumerateArray()
                .Any(f => f.GetProperty("chargerId").GetString() == ChargerId && f.GetProperty("code").GetString() == "GroundFailure"),
                Wait, () => "GroundFailure never active in the API\n" + cloud.Output);

            // On site.
            var login = await Agentctl.RunAsync(console.SocketPath, state, Pin + "\n", "login", Engineer, "--pin-stdin");
            Assert.True(login.Code == 0, login.Err);
            Assert.Equal(0, (await Ctl("maintenance", "enter", "--reason", "WO-E2E-7: ground fault call")).Code);
            var failing = await Ctl("selftest");
            Assert.Equal(1, failing.Code);
            Assert.Contains("FAIL input rcd", failing.Out);
            var tooEarly = await Ctl("fault", "reset", "GroundFailure", "--reason", "not yet");
            Assert.Equal(1, tooEarly.Code);
            Assert.Contains("cause-still-present", tooEarly.Err);

            // The cause is removed (the damaged RCD is replaced), then the latch is reset.
            Assert.Equal(0, (await Ctl("sim", "input", "rcd", "off")).Code);
            await Eventually.TrueAsync(async () =>
            {
                var status = await Ctl("status", "--json");
                return JsonDocument.Parse(status.Out).RootElement.GetProperty("activeFaults").EnumerateArray().All(f => !f.GetProperty("causePresent").GetBoolean());
            }, Wait, () => "the RCD condition never went");
            var reset = await Ctl("fault", "reset", "GroundFailure", "--reason", "RCD replaced, insulation tested");
            Assert.True(reset.Code == 0, reset.Err);
            var passing = await Ctl("selftest");
            Assert.True(passing.Code == 0, passing.Out + passing.Err);
            var record = await Ctl("record", "--kind", "repair", "--work-order", "WO-E2E-7",
                "--findings", "RCD tripped; moisture in the junction box", "--cause", "RCD damaged by water ingress at a cable gland",
                "--actions", "RCD and cable gland replaced, junction box dried, insulation tested",
                "--part", "RCD-30MA-A:RCD-OLD-1:RCD-NEW-2",
                "--check", "fault-inspected=yes", "--check", "safety-procedure=yes", "--check", "on-site-test=yes", "--check", "customer-demonstration=yes",
                "--test", "insulation resistance=>500 MOhm", "--customer", "Chen Jing", "--customer-confirmed", "--json");
            Assert.True(record.Code == 0, record.Out + record.Err);
            var exit = await Ctl("maintenance", "exit", "--reason", "repaired");
            Assert.True(exit.Code == 0, exit.Err);

            // The cloud: the service record, the audit trail, the charger back in service.
            JsonElement? repair = null;
            await Eventually.TrueAsync(async () =>
            {
                var page = await cloud.GetJsonAsync($"/api/v1/service-records?chargerId={ChargerId}&kind=repair");
                repair = page.GetProperty("items").EnumerateArray().Cast<JsonElement?>().FirstOrDefault();
                return repair is not null;
            }, Wait, () => "the repair record never reached the cloud\n" + cloud.Output);
            var item = repair!.Value;
            Assert.Equal(Engineer, item.GetProperty("engineerId").GetString());
            Assert.Equal("WO-E2E-7", item.GetProperty("workOrderRef").GetString());
            Assert.True(item.GetProperty("customerConfirmed").GetBoolean());
            var recordData = item.GetProperty("data");
            Assert.Equal("Chen Jing", recordData.GetProperty("customerName").GetString());
            var part = Assert.Single(recordData.GetProperty("parts").EnumerateArray().ToList());
            Assert.Equal("RCD-30MA-A", part.GetProperty("partNumber").GetString());
            Assert.Equal("RCD-OLD-1", part.GetProperty("oldSerial").GetString());
            Assert.Equal("RCD-NEW-2", part.GetProperty("newSerial").GetString());
            Assert.True(recordData.GetProperty("checklist").GetProperty("on-site-test").GetBoolean());
            var selftests = (await cloud.GetJsonAsync($"/api/v1/service-records?chargerId={ChargerId}&kind=selftest")).GetProperty("items").GetArrayLength();
            Assert.Equal(2, selftests);

            await Eventually.TrueAsync(async () => await CloudStateAsync() == "Operational", Wait, () => "charger never back to Operational in the API\n" + cloud.Output);
            List<string?> kinds = [];
            await Eventually.TrueAsync(async () =>
            {
                var events = await cloud.GetJsonAsync($"/api/v1/chargers/{ChargerId}/events?type=security.event&limit=1000");
                kinds = events.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("data").GetProperty("kind").GetString()).ToList();
                return kinds.Contains("MaintenanceExited");
            }, Wait, () => "the audit trail never reached the cloud: " + string.Join(", ", kinds));
            Assert.Equal(["MaintenanceLoginAccepted", "MaintenanceEntered", "FaultReset", "MaintenanceExited"], kinds);
            var resetEvent = (await cloud.GetJsonAsync($"/api/v1/chargers/{ChargerId}/events?type=security.event&limit=1000")).GetProperty("items")
                .EnumerateArray().Single(e => e.GetProperty("data").GetProperty("kind").GetString() == "FaultReset").GetProperty("data");
            Assert.Equal(Engineer, resetEvent.GetProperty("user").GetString());
            Assert.Contains("RCD replaced", resetEvent.GetProperty("detail").GetString());
            Assert.StartsWith("uid=", resetEvent.GetProperty("origin").GetString());
            var active = await cloud.GetJsonAsync("/api/v1/faults?status=active");
            Assert.DoesNotContain(active.EnumerateArray(), f => f.GetProperty("chargerId").GetString() == ChargerId);
        }
        finally
        {
            await stop.CancelAsync();
            await run;
        }
    }
}
