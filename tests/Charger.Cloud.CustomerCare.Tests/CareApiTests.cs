using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Charger.Cloud.AfterSales;
using Charger.Cloud.CustomerCare.Tests.Support;

namespace Charger.Cloud.CustomerCare.Tests;

/// <summary>The customer-care endpoints through the real host: JSON, problem details, roles.</summary>
public sealed class CareApiTests : IClassFixture<CareApiFactory>
{
    private readonly CareApiFactory _host;

    public CareApiTests(CareApiFactory host) => _host = host;

    [Fact]
    public async Task Inquiry_is_recorded_routed_listed_as_overdue_and_answered_over_HTTP()
    {
        using var specialist = await _host.AsAsync(Roles.ServiceSpecialist);
        var promised = _host.Clock.GetUtcNow().AddHours(2);
        var created = await specialist.PostAsJsonAsync("/api/v1/inquiries", new
        {
            channel = "email", customerId = "CUST-1", content = "Which cable for a 22 kW car?", routedToRole = Roles.TechnicalSupport, promisedReplyBy = promised,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var inquiry = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = inquiry.GetProperty("id").GetInt64();
        Assert.Equal(("email", "Routed", false), (inquiry.GetProperty("channel").GetString(), inquiry.GetProperty("status").GetString(), inquiry.GetProperty("overdue").GetBoolean()));
        Assert.EndsWith($"/api/v1/inquiries/{id}", created.Headers.Location!.ToString(), StringComparison.Ordinal);

        _host.Clock.Advance(TimeSpan.FromHours(3));
        using var support = await _host.AsAsync(Roles.TechnicalSupport, "ts-7");
        var overdue = await support.GetFromJsonAsync<JsonElement>("/api/v1/inquiries?overdue=true");
        Assert.Contains(overdue.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetInt64() == id && i.GetProperty("overdue").GetBoolean());

        var answered = await support.PostAsJsonAsync($"/api/v1/inquiries/{id}/answer", new { answer = "A type 2 cable rated 32 A." });
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        var body = await answered.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("Answered", "ts-7"), (body.GetProperty("status").GetString(), body.GetProperty("answeredBy").GetString()));

        var again = await support.PostAsJsonAsync($"/api/v1/inquiries/{id}/answer", new { answer = "again" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Technical_support_answers_only_inquiries_routed_to_them_or_their_role()
    {
        using var specialist = await _host.AsAsync(Roles.ServiceSpecialist);
        using var assignee = await _host.AsAsync(Roles.TechnicalSupport, "ts-route-a");
        using var colleague = await _host.AsAsync(Roles.TechnicalSupport, "ts-route-b");
        var promised = _host.Clock.GetUtcNow().AddHours(2);
        async Task<long> RouteAsync(object routing)
        {
            var created = await specialist.PostAsJsonAsync("/api/v1/inquiries", routing);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        }

        var toPerson = await RouteAsync(new { channel = "phone", customerId = "CUST-1", content = "Is my charger safe?", routedToUser = "ts-route-a", promisedReplyBy = promised });
        var toSupervisors = await RouteAsync(new { channel = "phone", customerId = "CUST-1", content = "Refund?", routedToRole = Roles.Supervisor, promisedReplyBy = promised });

        // Another engineer of technical support, and anyone of technical support for an inquiry routed to supervisors: 403.
        var refused = await colleague.PostAsJsonAsync($"/api/v1/inquiries/{toPerson}/answer", new { answer = "Yes." });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("ts-route-a", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await assignee.PostAsJsonAsync($"/api/v1/inquiries/{toSupervisors}/answer", new { answer = "Yes." })).StatusCode);

        // The person it is routed to answers it; the specialist may answer the other one.
        Assert.Equal(HttpStatusCode.OK, (await assignee.PostAsJsonAsync($"/api/v1/inquiries/{toPerson}/answer", new { answer = "Yes, after the RCD test." })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await specialist.PostAsJsonAsync($"/api/v1/inquiries/{toSupervisors}/answer", new { answer = "Forwarded to billing." })).StatusCode);
    }

    [Fact]
    public async Task A_wrong_field_is_named_in_the_problem_details()
    {
        using var specialist = await _host.AsAsync(Roles.ServiceSpecialist);
        var bad = await specialist.PostAsJsonAsync("/api/v1/inquiries", new { channel = "fax", customerId = "CUST-1", content = "hi", answer = "hello" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("channel", out var why));
        Assert.Contains("fax", why[0].GetString(), StringComparison.Ordinal);

        var unknown = await specialist.PostAsJsonAsync("/api/v1/inquiries", new { channel = "phone", customerId = "CUST-404", content = "hi", answer = "hello" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.True((await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("customerId", out _));

        using var supervisor = await _host.AsAsync(Roles.Supervisor);
        var groupBy = await supervisor.GetAsync("/api/v1/kpis?groupBy=planet");
        Assert.Equal(HttpStatusCode.BadRequest, groupBy.StatusCode);
        Assert.True((await groupBy.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("groupBy", out _));
    }

    [Fact]
    public async Task A_forbidden_complaint_transition_answers_409_naming_the_state_and_the_allowed_triggers()
    {
        using var specialist = await _host.AsAsync(Roles.ServiceSpecialist);
        using var supervisor = await _host.AsAsync(Roles.Supervisor);
        var created = await specialist.PostAsJsonAsync("/api/v1/complaints", new
        {
            channel = "phone", customerId = "CUST-1", content = "Charger dead for a week", chargerId = "CP-1", apology = "We are very sorry.",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        var close = await supervisor.PostAsJsonAsync($"/api/v1/complaints/{id}/close", new { reason = "too early" });
        Assert.Equal(HttpStatusCode.Conflict, close.StatusCode);
        var problem = await close.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Recorded", problem.GetProperty("state").GetString());
        Assert.Equal("Close", problem.GetProperty("trigger").GetString());
        Assert.Equal(["Investigate"], problem.GetProperty("allowedTriggers").EnumerateArray().Select(t => t.GetString()));

        var investigate = await supervisor.PostAsJsonAsync($"/api/v1/complaints/{id}/investigate", new { investigator = "sup-1" });
        Assert.Equal(HttpStatusCode.OK, investigate.StatusCode);
        var plan = await supervisor.PostAsJsonAsync($"/api/v1/complaints/{id}/plan", new { measures = "swap board", responsiblePerson = "eng-1", deadline = _host.Clock.GetUtcNow().AddDays(1) });
        Assert.Equal(HttpStatusCode.Conflict, plan.StatusCode);
        var guard = await plan.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal([Complaints.Complaint.CauseGuard], guard.GetProperty("unmetGuards").EnumerateArray().Select(t => t.GetString()));

        var detail = await specialist.GetFromJsonAsync<JsonElement>($"/api/v1/complaints/{id}");
        Assert.Equal("Investigating", detail.GetProperty("state").GetString());
        Assert.Equal(2, detail.GetProperty("history").GetArrayLength());
        using var auditor = await _host.AsAsync(Roles.Auditor);
        var audit = await auditor.GetFromJsonAsync<JsonElement>($"/api/v1/audit?entityType=complaint&entityId={id}");
        Assert.Contains(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "complaint.investigate" && e.GetProperty("actorId").GetString() == "supervisor-1");
    }

    [Fact]
    public async Task Roles_outside_an_endpoints_list_are_refused_with_403_and_anonymous_with_401()
    {
        using var engineer = await _host.AsAsync(Roles.RepairEngineer);
        Assert.Equal(HttpStatusCode.Forbidden, (await engineer.GetAsync("/api/v1/kpis")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await engineer.GetAsync("/api/v1/complaints")).StatusCode);

        using var auditor = await _host.AsAsync(Roles.Auditor);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync("/api/v1/complaints")).StatusCode);
        var write = await auditor.PostAsJsonAsync("/api/v1/complaints", new { channel = "phone", customerId = "CUST-1", content = "x", apology = "sorry" });
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);

        using var specialist = await _host.AsAsync(Roles.ServiceSpecialist);
        Assert.Equal(HttpStatusCode.Forbidden, (await specialist.PostAsJsonAsync("/api/v1/complaints/1/lessons", new { summary = "s", improvement = "i" })).StatusCode);

        using var anonymous = _host.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/inquiries")).StatusCode);
    }

    [Fact]
    public async Task KPIs_are_computed_from_the_records_and_a_second_survey_is_refused()
    {
        var t = _host.Clock.GetUtcNow();
        _host.Facts.WorkOrders.Add(new("WO-K1", "repair", "CP-K1", "EVB-22", "North", "eng-1", t, t.AddMinutes(30), t.AddHours(4), t.AddHours(5), false, true, true));
        using var specialist = await _host.AsAsync(Roles.ServiceSpecialist);
        var first = await specialist.PostAsJsonAsync("/api/v1/surveys", new { subjectType = "work-order", subjectId = "WO-K1", score = 4, comment = "fine" });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var second = await specialist.PostAsJsonAsync("/api/v1/surveys", new { subjectType = "work-order", subjectId = "WO-K1", score = 1 });
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);

        using var supervisor = await _host.AsAsync(Roles.Supervisor);
        var from = Uri.EscapeDataString(t.AddDays(-1).ToString("o"));
        var to = Uri.EscapeDataString(t.AddDays(1).ToString("o"));
        var kpis = await supervisor.GetFromJsonAsync<JsonElement>($"/api/v1/kpis?from={from}&to={to}&groupBy=engineer");
        var fleet = kpis.GetProperty("fleet");
        Assert.Equal(1, fleet.GetProperty("repairsResolved").GetInt32());
        Assert.Equal(30, fleet.GetProperty("meanResponseMinutes").GetDouble(), 9);
        Assert.Equal(4, fleet.GetProperty("mttrHours").GetDouble(), 9);
        Assert.True(fleet.GetProperty("meanSatisfaction").GetDouble() >= 4);
        Assert.Contains(kpis.GetProperty("groups").EnumerateArray(), g => g.GetProperty("key").GetString() == "eng-1");
        Assert.Equal("engineer", kpis.GetProperty("groupBy").GetString());
    }
}

/// <summary>The host without Charger.Cloud.FieldService: the area's dependencies are required, so it does not start.</summary>
public sealed class CareApiWithoutServiceFactsTests : IDisposable
{
    private readonly CareApiFactory _host = new() { WithServiceFacts = false };

    [Fact]
    public void A_host_without_the_work_orders_facts_does_not_start_and_names_what_it_lacks()
    {
        var refused = Assert.ThrowsAny<Exception>(() => _host.Server);

        Assert.Contains("IFieldServiceFacts", refused.ToString(), StringComparison.Ordinal);
    }

    public void Dispose() => _host.Dispose();
}
