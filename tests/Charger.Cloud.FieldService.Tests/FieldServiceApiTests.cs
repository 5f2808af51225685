using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Charger.Cloud.Core;
using Charger.Cloud.AfterSales;
using Charger.Cloud.FieldService.Alarms;
using Charger.Cloud.FieldService.Tests.Support;
using Charger.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Charger.Cloud.FieldService.Projection;

namespace Charger.Cloud.FieldService.Tests;

/// <summary>The service endpoints through the real host: roles, problem details, a forbidden role.</summary>
public sealed class FieldServiceApiTests : IClassFixture<FieldServiceApiFactory>
{
    private readonly FieldServiceApiFactory _factory;

    public FieldServiceApiTests(FieldServiceApiFactory factory) => _factory = factory;

    private async Task<(long AlarmId, string WorkOrder)> GroundFaultAsync(string chargerId)
    {
        await _factory.EnsureStaffAsync();
        var pipeline = _factory.Services.GetRequiredService<IIngestPipeline>();
        var now = _factory.Clock.GetUtcNow();
        var boot = Envelope.Create(chargerId, 1, now, EventTypes.Boot, new BootData { Reason = "power-on", AgentVersion = "1.0.0", Model = "EVB-22" }, ProtocolJsonContext.Default.BootData);
        var fault = Envelope.Create(chargerId, 2, now, EventTypes.FaultRaised,
            new FaultRaisedData { Code = FaultCatalogue.GroundFailure, Component = "rcd", Severity = Severity.Critical, BlocksCharging = true }, ProtocolJsonContext.Default.FaultRaisedData);
        await pipeline.HandleEventAsync(Topics.Events(chargerId), boot.ToUtf8Json(), CancellationToken.None);
        await pipeline.HandleEventAsync(Topics.Events(chargerId), fault.ToUtf8Json(), CancellationToken.None);
        await _factory.Services.GetRequiredService<FieldServiceProjector>().RunOnceAsync(CancellationToken.None);
        using var client = _factory.As(Roles.Auditor);
        var page = await client.GetFromJsonAsync<JsonElement>($"/api/v1/alarms?chargerId={chargerId}");
        var alarm = page.GetProperty("items")[0];
        return (alarm.GetProperty("id").GetInt64(), alarm.GetProperty("workOrder").GetString()!);
    }

    [Fact]
    public async Task Anonymous_requests_are_refused_and_every_staff_role_reads_alarms()
    {
        var (alarmId, _) = await GroundFaultAsync("CP-API-1");
        using var anonymous = _factory.As(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/alarms")).StatusCode);
        foreach (var role in Roles.All)
        {
            using var client = _factory.As(role);
            var detail = await client.GetFromJsonAsync<JsonElement>($"/api/v1/alarms/{alarmId}");
            Assert.Equal("GroundFailure", detail.GetProperty("alarm").GetProperty("code").GetString());
            Assert.Equal("raised", detail.GetProperty("history")[0].GetProperty("action").GetString());
        }
    }

    [Fact]
    public async Task A_repair_engineer_may_not_acknowledge_an_alarm_and_technical_support_acknowledges_it_once()
    {
        var (alarmId, _) = await GroundFaultAsync("CP-API-2");
        using var engineer = _factory.As(Roles.RepairEngineer, "eng-zhang");
        Assert.Equal(HttpStatusCode.Forbidden, (await engineer.PostAsJsonAsync($"/api/v1/alarms/{alarmId}/acknowledge", new { reason = "seen" })).StatusCode);

        using var support = _factory.As(Roles.TechnicalSupport, "ts-chen");
        var ok = await support.PostAsJsonAsync($"/api/v1/alarms/{alarmId}/acknowledge", new { reason = "calling the site" });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("ts-chen", (await ok.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("acknowledgedBy").GetString());
        var again = await support.PostAsJsonAsync($"/api/v1/alarms/{alarmId}/acknowledge", new { reason = "again" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
        using var auditor = _factory.As(Roles.Auditor);
        Assert.Contains("alarm.acknowledge", await auditor.GetStringAsync("/api/v1/audit"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Assigning_an_open_work_order_is_refused_with_its_state_and_the_allowed_actions()
    {
        var (_, workOrder) = await GroundFaultAsync("CP-API-3");
        using var support = _factory.As(Roles.TechnicalSupport, "ts-chen");
        var response = await support.PostAsJsonAsync($"/api/v1/work-orders/{workOrder}/assign", new { engineerId = "eng-zhang" });
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("open", problem.GetProperty("state").GetString());
        Assert.Equal(new[] { "cancel", "escalate", "triage" }, problem.GetProperty("allowed").EnumerateArray().Select(e => e.GetString()!).Order(StringComparer.Ordinal).ToArray());

        var triage = await support.PostAsJsonAsync($"/api/v1/work-orders/{workOrder}/triage", new { remoteChecks = "asked the customer to reset the RCD; trips again" });
        Assert.Equal(HttpStatusCode.OK, triage.StatusCode);
        var assigned = await support.PostAsJsonAsync($"/api/v1/work-orders/{workOrder}/assign", new { engineerId = "eng-zhang" });
        var body = await assigned.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("assigned", "eng-zhang"), (body.GetProperty("state").GetString(), body.GetProperty("engineerId").GetString()));
    }

    [Fact]
    public async Task Opening_a_work_order_needs_the_right_role_and_names_a_missing_field()
    {
        using var engineer = _factory.As(Roles.RepairEngineer, "eng-zhang");
        Assert.Equal(HttpStatusCode.Forbidden, (await engineer.PostAsJsonAsync("/api/v1/work-orders", new { channel = "phone", description = "x" })).StatusCode);

        using var specialist = _factory.As(Roles.ServiceSpecialist, "ss-liu");
        var missing = await specialist.PostAsJsonAsync("/api/v1/work-orders", new { channel = "phone", chargerId = "CP-API-4" });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.True((await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("description", out _));

        var created = await specialist.PostAsJsonAsync("/api/v1/work-orders",
            new { kind = "complaint-follow-up", channel = "email", chargerId = "CP-API-4", description = "Customer says the display flickers", priority = "normal" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var order = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("complaint-follow-up", "open", "email"), (order.GetProperty("kind").GetString(), order.GetProperty("state").GetString(), order.GetProperty("channel").GetString()));
        Assert.Equal(1440, order.GetProperty("sla").GetProperty("responseTargetMinutes").GetInt64());
    }

    [Fact]
    public async Task Only_the_supervisor_sets_SLA_policies_and_a_bad_time_zone_is_named()
    {
        using var support = _factory.As(Roles.TechnicalSupport);
        var policy = new
        {
            responseMinutes = 60, resolutionMinutes = 480,
            calendar = new { timeZone = "Asia/Shanghai", hours = new[] { new { day = "Monday", start = "09:00:00", end = "18:00:00" } }, holidays = Array.Empty<string>() },
        };
        Assert.Equal(HttpStatusCode.Forbidden, (await support.PutAsJsonAsync("/api/v1/sla/policies/priority/urgent", policy)).StatusCode);

        using var boss = _factory.As(Roles.Supervisor);
        var ok = await boss.PutAsJsonAsync("/api/v1/sla/policies/priority/urgent", policy);
        Assert.True(ok.StatusCode == HttpStatusCode.OK, await ok.Content.ReadAsStringAsync());
        var all = await support.GetFromJsonAsync<JsonElement>("/api/v1/sla/policies");
        var set = all.EnumerateArray().Single(p => p.GetProperty("tier").GetString() == "priority" && p.GetProperty("priority").GetString() == "urgent");
        Assert.Equal((60, false, "Asia/Shanghai"), (set.GetProperty("responseMinutes").GetInt64(), set.GetProperty("builtIn").GetBoolean(), set.GetProperty("calendar").GetProperty("timeZone").GetString()));

        var bad = await boss.PutAsJsonAsync("/api/v1/sla/policies/priority/urgent", new { responseMinutes = 60, resolutionMinutes = 480, calendar = new { timeZone = "Mars/Olympus", hours = Array.Empty<object>() } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("calendar.timeZone", out _));
    }

    [Fact]
    public async Task SLA_lists_are_for_support_supervisor_auditor_and_specialist()
    {
        using var admin = _factory.As(Roles.Admin);
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.GetAsync("/api/v1/sla/breached")).StatusCode);
        using var auditor = _factory.As(Roles.Auditor);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync("/api/v1/sla/due-soon?within=08:00:00")).StatusCode);
        var bad = await auditor.GetAsync("/api/v1/sla/due-soon?within=soon");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }
}
