using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Charger.Cloud.AfterSales;
using Charger.Cloud.CustomerCare.Tests.Support;

namespace Charger.Cloud.CustomerCare.Tests;

/// <summary>KPIs through the host from complaints and surveys recorded over HTTP (their own host: nothing else in the period).</summary>
public sealed class CareKpiApiTests : IDisposable
{
    private readonly CareApiFactory _host = new();

    [Fact]
    public async Task Complaint_handling_rate_and_satisfaction_follow_the_recorded_complaints_and_revisits()
    {
        using var specialist = await _host.AsAsync(Roles.ServiceSpecialist);
        using var supervisor = await _host.AsAsync(Roles.Supervisor);
        var start = _host.Clock.GetUtcNow();

        // Two complaints received; the first is handled to the end (revisit 2 -> reopened -> new plan -> revisit 5 -> lessons -> closed),
        // the second stays open. Complaint handling rate = 1 closed satisfied / 2 received = 0.5.
        var first = await CreateAsync(specialist, "CP-1");
        await CreateAsync(specialist, "CP-2");
        await Ok(supervisor.PostAsJsonAsync($"/api/v1/complaints/{first}/investigate", new { }));
        await Ok(supervisor.PostAsJsonAsync($"/api/v1/complaints/{first}/cause", new { cause = "wrong fuse rating", responsibleParty = "installer" }));
        await Ok(supervisor.PostAsJsonAsync($"/api/v1/complaints/{first}/plan", new { measures = "replace fuse", responsiblePerson = "eng-1", deadline = start.AddDays(2) }));
        await Ok(specialist.PostAsJsonAsync($"/api/v1/complaints/{first}/start", new { }));
        await Ok(specialist.PostAsJsonAsync($"/api/v1/complaints/{first}/progress", new { channel = "phone", message = "engineer on the way" }));
        await Ok(specialist.PostAsJsonAsync($"/api/v1/complaints/{first}/complete", new { }));
        var reopened = await Ok(specialist.PostAsJsonAsync($"/api/v1/complaints/{first}/revisit", new { score = 2, comment = "trips again" }));
        Assert.Equal("Reopened", reopened.GetProperty("state").GetString());
        await Ok(supervisor.PostAsJsonAsync($"/api/v1/complaints/{first}/plan", new { measures = "replace RCD", responsiblePerson = "eng-2", deadline = start.AddDays(4) }));
        await Ok(specialist.PostAsJsonAsync($"/api/v1/complaints/{first}/start", new { }));
        await Ok(specialist.PostAsJsonAsync($"/api/v1/complaints/{first}/complete", new { }));
        await Ok(specialist.PostAsJsonAsync($"/api/v1/complaints/{first}/revisit", new { score = 5, comment = "fine now" }));
        await Ok(supervisor.PostAsJsonAsync($"/api/v1/complaints/{first}/lessons", new { summary = "fuse and RCD sized from the wrong table", improvement = "sizing table in the install guide" }));
        _host.Clock.Advance(TimeSpan.FromHours(1));
        var closed = await Ok(supervisor.PostAsJsonAsync($"/api/v1/complaints/{first}/close", new { reason = "customer satisfied" }));
        Assert.Equal("Closed", closed.GetProperty("state").GetString());
        Assert.Equal(2, closed.GetProperty("plans").GetArrayLength());

        // The complaint's survey is its latest revisit (5); a survey entered by hand for it is refused.
        var surveys = await specialist.GetFromJsonAsync<JsonElement>($"/api/v1/surveys?subjectType=complaint&subjectId={first}");
        var survey = Assert.Single(surveys.GetProperty("items").EnumerateArray());
        Assert.Equal((5, "revisit"), (survey.GetProperty("score").GetInt32(), survey.GetProperty("source").GetString()));
        var manual = await specialist.PostAsJsonAsync("/api/v1/surveys", new { subjectType = "complaint", subjectId = first.ToString(System.Globalization.CultureInfo.InvariantCulture), score = 3 });
        Assert.Equal(HttpStatusCode.Conflict, manual.StatusCode);

        using var auditor = await _host.AsAsync(Roles.Auditor);
        var from = Uri.EscapeDataString(start.AddHours(-1).ToString("o"));
        var to = Uri.EscapeDataString(start.AddHours(3).ToString("o"));
        var fleet = (await auditor.GetFromJsonAsync<JsonElement>($"/api/v1/kpis?from={from}&to={to}")).GetProperty("fleet");
        Assert.Equal(2, fleet.GetProperty("complaintsReceived").GetInt32());
        Assert.Equal(1, fleet.GetProperty("complaintsClosedSatisfied").GetInt32());
        Assert.Equal(0.5, fleet.GetProperty("complaintHandlingRate").GetDouble(), 9);
        Assert.Equal(1, fleet.GetProperty("surveys").GetInt32());
        Assert.Equal(5.0, fleet.GetProperty("meanSatisfaction").GetDouble(), 9);
        // No work orders in the fixture: their figures are null, not 0.
        Assert.Equal(JsonValueKind.Null, fleet.GetProperty("repairTimelinessRate").ValueKind);
        Assert.Equal(JsonValueKind.Null, fleet.GetProperty("mttrHours").ValueKind);

        // A period that ends before the close: received 2, handled 0 -> 0.0 (a real zero).
        var early = Uri.EscapeDataString(start.AddMinutes(30).ToString("o"));
        var before = (await auditor.GetFromJsonAsync<JsonElement>($"/api/v1/kpis?from={from}&to={early}")).GetProperty("fleet");
        Assert.Equal(0.0, before.GetProperty("complaintHandlingRate").GetDouble(), 9);
    }

    private static async Task<long> CreateAsync(HttpClient client, string chargerId)
    {
        var created = await client.PostAsJsonAsync("/api/v1/complaints", new
        {
            channel = "online", customerId = "CUST-1", content = "The charger keeps tripping", chargerId, apology = "We apologise for the inconvenience.",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    private static async Task<JsonElement> Ok(Task<HttpResponseMessage> request)
    {
        using var response = await request;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<JsonElement>(body);
    }

    public void Dispose() => _host.Dispose();
}
