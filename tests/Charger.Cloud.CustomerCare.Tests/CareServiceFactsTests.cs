using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Charger.Cloud.AfterSales;
using Charger.Cloud.CustomerCare.Tests.Support;

namespace Charger.Cloud.CustomerCare.Tests;

/// <summary>Surveys and KPIs against the real work orders of Charger.Cloud.FieldService in the host (its IFieldServiceFacts).</summary>
public sealed class CareServiceFactsTests : IDisposable
{
    private readonly CareApiFactory _host = new() { RealServiceFacts = true };

    [Fact]
    public async Task A_work_order_is_surveyed_once_after_it_closes_and_its_engineer_gets_the_score_in_the_KPIs()
    {
        using var specialist = await _host.AsAsync(Roles.ServiceSpecialist);
        using var support = await _host.AsAsync(Roles.TechnicalSupport);
        using var engineer = await _host.AsAsync(Roles.RepairEngineer, "eng-5");
        var start = _host.Clock.GetUtcNow();

        var created = await Ok(specialist.PostAsJsonAsync("/api/v1/work-orders", new
        {
            kind = "repair", channel = "phone", customerId = "CUST-1", description = "Charger shows a fault light", priority = "normal",
        }), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        await Ok(support.PostAsJsonAsync($"/api/v1/work-orders/{id}/triage", new { remoteChecks = "power cycle the charger" }));
        _host.Clock.Advance(TimeSpan.FromMinutes(20));
        await Ok(support.PostAsJsonAsync($"/api/v1/work-orders/{id}/assign", new { engineerId = "eng-5" }));
        await Ok(engineer.PostAsJsonAsync($"/api/v1/work-orders/{id}/set-off", new { arrivalAt = _host.Clock.GetUtcNow().AddHours(1) }));
        await Ok(engineer.PostAsJsonAsync($"/api/v1/work-orders/{id}/arrive", new { }));
        _host.Clock.Advance(TimeSpan.FromHours(2));
        await Ok(engineer.PostAsJsonAsync($"/api/v1/work-orders/{id}/resolve", new { reason = "replaced the blown fuse" }));

        // Resolved but not closed: no survey yet.
        var early = await specialist.PostAsJsonAsync("/api/v1/surveys", new { subjectType = "work-order", subjectId = id, score = 5 });
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Contains("not closed", await early.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await Ok(specialist.PostAsJsonAsync($"/api/v1/work-orders/{id}/confirm", new { reason = "customer confirmed by phone" }));
        await Ok(specialist.PostAsJsonAsync($"/api/v1/work-orders/{id}/close", new { }));

        await Ok(specialist.PostAsJsonAsync("/api/v1/surveys", new { subjectType = "work-order", subjectId = id, score = 5, comment = "quick" }), HttpStatusCode.Created);
        var second = await specialist.PostAsJsonAsync("/api/v1/surveys", new { subjectType = "work-order", subjectId = id, score = 2 });
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var unknown = await specialist.PostAsJsonAsync("/api/v1/surveys", new { subjectType = "work-order", subjectId = "WO-999999", score = 2 });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        using var supervisor = await _host.AsAsync(Roles.Supervisor);
        var from = Uri.EscapeDataString(start.AddHours(-1).ToString("o"));
        var to = Uri.EscapeDataString(start.AddHours(6).ToString("o"));
        var kpis = await supervisor.GetFromJsonAsync<JsonElement>($"/api/v1/kpis?from={from}&to={to}&groupBy=engineer");
        var eng = Assert.Single(kpis.GetProperty("groups").EnumerateArray(), g => g.GetProperty("key").GetString() == "eng-5").GetProperty("figures");
        // Created at start, assigned 20 min later, resolved 2 h after that: response 20 min, MTTR 2 h 20 min.
        Assert.Equal(1, eng.GetProperty("repairsResolved").GetInt32());
        Assert.Equal(20, eng.GetProperty("meanResponseMinutes").GetDouble(), 6);
        Assert.Equal(2 + (20 / 60.0), eng.GetProperty("mttrHours").GetDouble(), 6);
        Assert.Equal(5.0, eng.GetProperty("meanSatisfaction").GetDouble(), 6);
        Assert.Equal(1.0, eng.GetProperty("firstTimeFixRate").GetDouble(), 6);
    }

    private static async Task<JsonElement> Ok(Task<HttpResponseMessage> request, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await request;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<JsonElement>(body);
    }

    public void Dispose() => _host.Dispose();
}
