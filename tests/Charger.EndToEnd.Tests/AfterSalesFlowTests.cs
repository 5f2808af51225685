using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
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
/// Issue 4 end to end, through real processes: a simulated charger's ground fault opens an alarm and a work order in
/// charger-cloud; technical support triages and assigns it; the repair engineer sets off and arrives; on site the
/// engineer repairs the charger through agentctl and saves a service record naming the work order, signed by the
/// customer; the cloud resolves and confirms the work order from that record, the specialist closes it and enters the
/// customer's survey, and the KPIs move.
/// </summary>
public sealed class AfterSalesFlowTests
{
    private const string ChargerId = "CP-E2E-AFTERSALES";
    private const string Engineer = "eng-e2e";
    private const string Pin = "24681357";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    private static async Task<HttpClient> UserAsync(CloudProcess cloud, string userId, string role, string? team = null)
    {
        var created = await cloud.Http.PostAsJsonAsync("/api/v1/users", new { userId, displayName = userId, role, team });
        Assert.True(created.IsSuccessStatusCode, $"create {userId}: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        var token = await cloud.Http.PostAsJsonAsync("/api/v1/auth/tokens", new { name = "e2e", userId });
        var body = await token.Content.ReadAsStringAsync();
        Assert.True(token.IsSuccessStatusCode, $"token for {userId}: {(int)token.StatusCode} {body}");
        var client = new HttpClient { BaseAddress = cloud.Http.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", JsonDocument.Parse(body).RootElement.GetProperty("token").GetString());
        return client;
    }

    private static async Task<JsonElement> GetAsync(HttpClient http, string path)
    {
        var response = await http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static async Task<JsonElement> ActAsync(HttpClient http, string workOrder, string action, object body)
    {
        var response = await http.PostAsJsonAsync($"/api/v1/work-orders/{workOrder}/{action}", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{action} {workOrder}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task A_ground_fault_becomes_an_alarm_and_a_work_order_that_is_worked_on_site_and_closed_and_the_kpis_move()
    {
        var dir = Repo.TempDir("aftersales");
        await using var cloud = new CloudProcess(Path.Combine(dir, "cloud"));
        var secret = await cloud.EnrolAsync(ChargerId);
        await cloud.StartAsync();
        var from = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O", CultureInfo.InvariantCulture);
        using var support = await UserAsync(cloud, "tech-e2e", "technical-support");
        using var engineer = await UserAsync(cloud, Engineer, "repair-engineer", "north");
        using var specialist = await UserAsync(cloud, "spec-e2e", "service-specialist");
        using var supervisor = await UserAsync(cloud, "sup-e2e", "supervisor");
        async Task<JsonElement> KpisAsync() =>
            await GetAsync(supervisor, $"/api/v1/kpis?from={Uri.EscapeDataString(from)}&to={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(1).ToString("O", CultureInfo.InvariantCulture))}&groupBy=engineer");

        var before = (await KpisAsync()).GetProperty("fleet");
        Assert.Equal(0, before.GetProperty("repairsResolved").GetInt32());
        Assert.Equal(JsonValueKind.Null, before.GetProperty("firstTimeFixRate").ValueKind);

        // The charger, with its console and the engineer's PIN on the board.
        var data = Path.Combine(dir, "agent");
        Directory.CreateDirectory(data);
        EngineerFile.Add(Path.Combine(data, "engineers.json"), Engineer, "E2E Engineer", Pin, TimeProvider.System, iterations: 1_000);
        var diagnostics = InProcessAgent.FastDiagnostics();
        var (agent, simulated) = InProcessAgent.Create(ChargerId, data, InProcessAgent.Mqtt(cloud.MqttPort, secret), diagnostics, seed: 5);
        using var board = simulated;
        await using var runtime = agent;
        board.Simulator.SetPower(7200);
        await using var console = RuntimeConsoleAgent.StartServer(runtime, new ConsoleOptions(), data, diagnostics, board.Simulator, TimeProvider.System, NullLoggerFactory.Instance)!;
        using var stop = new CancellationTokenSource();
        var run = runtime.RunAsync(stop.Token);
        var state = Path.Combine(dir, "agentctl");
        Task<(int Code, string Out, string Err)> Ctl(params string[] args) => Agentctl.RunAsync(console.SocketPath, state, null, args);
        try
        {
            await Eventually.TrueAsync(async () => (await cloud.TryGetJsonAsync($"/api/v1/chargers/{ChargerId}"))?.GetProperty("state").GetString() == "Operational",
                Wait, () => "charger never Operational in the API\n" + cloud.Output);

            // The RCD trips: a latching, blocking ground fault.
            Assert.Equal(0, (await Ctl("sim", "input", "rcd", "on")).Code);
            JsonElement alarm = default;
            await Eventually.TrueAsync(async () =>
            {
                var page = await GetAsync(support, $"/api/v1/alarms?status=active&chargerId={ChargerId}&code=GroundFailure");
                var items = page.GetProperty("items").EnumerateArray().ToList();
                alarm = items.FirstOrDefault();
                return items.Count == 1 && alarm.GetProperty("workOrder").ValueKind == JsonValueKind.String;
            }, Wait, () => "no active GroundFailure alarm with a work order\n" + cloud.Output);
            var workOrder = alarm.GetProperty("workOrder").GetString()!;
            var opened = (await GetAsync(support, $"/api/v1/work-orders/{workOrder}")).GetProperty("workOrder");
            Assert.Equal("repair", opened.GetProperty("kind").GetString());
            Assert.Equal("open", opened.GetProperty("state").GetString());
            Assert.Equal(ChargerId, opened.GetProperty("chargerId").GetString());

            // Dispatch.
            var alarmId = alarm.GetProperty("id").GetInt64();
            var ack = await support.PostAsJsonAsync($"/api/v1/alarms/{alarmId}/acknowledge", new { reason = "seen, work order follows" });
            Assert.True(ack.IsSuccessStatusCode, await ack.Content.ReadAsStringAsync());
            await ActAsync(support, workOrder, "triage", new { remoteChecks = "asked the customer to check the RCD lever; it trips again at once" });
            var assigned = await ActAsync(support, workOrder, "assign", new { engineerId = Engineer, reason = "nearest engineer" });
            Assert.Equal("assigned", assigned.GetProperty("state").GetString());
            Assert.Equal("north", assigned.GetProperty("team").GetString());
            var forbidden = await engineer.PostAsJsonAsync($"/api/v1/work-orders/{workOrder}/close", new { reason = "not mine to close" });
            Assert.Equal(System.Net.HttpStatusCode.Forbidden, forbidden.StatusCode);
            await ActAsync(engineer, workOrder, "set-off", new { arrivalAt = DateTimeOffset.UtcNow.AddMinutes(45), reason = "agreed with the customer by phone" });
            Assert.Equal("on-site", (await ActAsync(engineer, workOrder, "arrive", new { reason = "on site" })).GetProperty("state").GetString());

            // On site, through agentctl: maintenance, the cause removed, latch reset, self-test, the signed service record.
            var login = await Agentctl.RunAsync(console.SocketPath, state, Pin + "\n", "login", Engineer, "--pin-stdin");
            Assert.True(login.Code == 0, login.Err);
            Assert.Equal(0, (await Ctl("maintenance", "enter", "--reason", $"{workOrder}: ground fault")).Code);
            Assert.Equal(0, (await Ctl("sim", "input", "rcd", "off")).Code);
            await Eventually.TrueAsync(async () =>
            {
                var status = await Ctl("status", "--json");
                return JsonDocument.Parse(status.Out).RootElement.GetProperty("activeFaults").EnumerateArray().All(f => !f.GetProperty("causePresent").GetBoolean());
            }, Wait, () => "the RCD condition never went");
            var reset = await Ctl("fault", "reset", "GroundFailure", "--reason", "RCD replaced");
            Assert.True(reset.Code == 0, reset.Err);
            var selftest = await Ctl("selftest");
            Assert.True(selftest.Code == 0, selftest.Out + selftest.Err);
            var record = await Ctl("record", "--kind", "repair", "--work-order", workOrder,
                "--findings", "RCD tripped; water in the junction box", "--cause", "RCD damaged by water ingress",
                "--actions", "RCD and cable gland replaced, insulation tested", "--part", "RCD-30MA-A:RCD-OLD-1:RCD-NEW-2",
                "--check", "fault-inspected=yes", "--check", "safety-procedure=yes", "--check", "on-site-test=yes", "--check", "customer-demonstration=yes",
                "--test", "insulation resistance=>500 MOhm", "--customer", "Chen Jing", "--customer-confirmed", "--json");
            Assert.True(record.Code == 0, record.Out + record.Err);
            Assert.Equal(0, (await Ctl("maintenance", "exit", "--reason", "repaired")).Code);

            // The cloud resolves the work order from the engineer's record, confirms it from the customer's sign-off on
            // that record and closes it; the alarm clears with the fault.
            JsonElement worked = default;
            await Eventually.TrueAsync(async () =>
            {
                worked = await GetAsync(specialist, $"/api/v1/work-orders/{workOrder}");
                return worked.GetProperty("workOrder").GetProperty("state").GetString() == "closed";
            }, Wait, () => $"work order never closed by the signed record: {worked}\n{cloud.Output}");
            var done = worked.GetProperty("workOrder");
            Assert.True(done.GetProperty("fixedFirstTime").GetBoolean());
            Assert.False(done.GetProperty("sla").GetProperty("resolutionBreached").GetBoolean());
            var steps = worked.GetProperty("history").EnumerateArray()
                .Where(h => h.GetProperty("toState").ValueKind == JsonValueKind.String)
                .Select(h => (h.GetProperty("toState").GetString(), h.GetProperty("actorId").GetString())).ToList();
            Assert.Equal(
                [("open", "system"), ("triaged", "tech-e2e"), ("assigned", "tech-e2e"), ("en-route", Engineer), ("on-site", Engineer),
                 ("resolved", Engineer), ("confirmed", "customer"), ("closed", "system")],
                steps);
            var repairRecord = Assert.Single(worked.GetProperty("serviceRecords").EnumerateArray(), r => r.GetProperty("kind").GetString() == "repair");
            Assert.Equal("reference", repairRecord.GetProperty("match").GetString());
            Assert.True(repairRecord.GetProperty("customerConfirmed").GetBoolean());
            await Eventually.TrueAsync(async () =>
                (await GetAsync(support, $"/api/v1/alarms/{alarmId}")).GetProperty("alarm").GetProperty("status").GetString() == "cleared",
                Wait, () => "the alarm never cleared");

            // The specialist calls the customer back and enters the satisfaction survey.
            var survey = await specialist.PostAsJsonAsync("/api/v1/surveys", new { subjectType = "work-order", subjectId = workOrder, score = 5, comment = "fast and tidy" });
            Assert.True(survey.IsSuccessStatusCode, await survey.Content.ReadAsStringAsync());

            // The KPIs, computed from those records.
            var after = await KpisAsync();
            var fleet = after.GetProperty("fleet");
            Assert.Equal(1, fleet.GetProperty("repairsResolved").GetInt32());
            Assert.Equal(1.0, fleet.GetProperty("firstTimeFixRate").GetDouble());
            Assert.Equal(1, fleet.GetProperty("responses").GetInt32());
            Assert.True(fleet.GetProperty("meanResponseMinutes").GetDouble() >= 0);
            Assert.Equal(5.0, fleet.GetProperty("meanSatisfaction").GetDouble());
            var mine = after.GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("key").GetString() == Engineer);
            Assert.Equal(1, mine.GetProperty("figures").GetProperty("repairsResolved").GetInt32());
        }
        finally
        {
            await stop.CancelAsync();
            await run;
        }
    }
}
