using System.Net;
using System.Text.Json;
using Charger.Cloud.Tests.Support;
using Charger.Protocol;

namespace Charger.Cloud.Tests.Api;

/// <summary><c>/api/v1/service-records</c>: the fleet's maintenance log through the real host and a real SQLite file.</summary>
public sealed class ServiceRecordApiTests : IAsyncLifetime, IDisposable
{
    private readonly CloudApiFactory _factory = new();
    private HttpClient _http = null!;

    public static Envelope Record(string chargerId, long seq, string kind, string engineer, string? workOrder = null, bool confirmed = false) =>
        Envelope.Create(chargerId, seq, Events.TsOf(seq), EventTypes.ServiceRecord, new ServiceRecordData
        {
            Kind = kind,
            EngineerId = engineer,
            WorkOrderRef = workOrder,
            Findings = "contactor pitted",
            Parts = [new PartReplaced("CT-40A", "S-OLD", "S-NEW")],
            Checklist = new Dictionary<string, bool> { ["exterior-cleaning"] = true },
            CustomerName = "Li Wei",
            CustomerConfirmed = confirmed,
        }, ProtocolJsonContext.Default.ServiceRecordData);

    public async Task InitializeAsync()
    {
        _http = _factory.CreateAuthenticatedClient();
        await _factory.SendAsync(Events.Boot("CP-1", 1));
        await _factory.SendAsync(Record("CP-1", 2, ServiceRecordKinds.Repair, "eng-zhang", "WO-7", confirmed: true));
        await _factory.SendAsync(Record("CP-1", 3, ServiceRecordKinds.Maintenance, "eng-wang"));
        await _factory.SendAsync(Events.Boot("CP-2", 1));
        await _factory.SendAsync(Record("CP-2", 2, ServiceRecordKinds.Repair, "eng-wang", "WO-9"));
        // Waiting behind a gap: stored, not applied, not in the log yet.
        await _factory.SendAsync(Record("CP-2", 5, ServiceRecordKinds.Inspection, "eng-wang"));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _factory.Dispose();

    private async Task<JsonElement> GetAsync(string url, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await _http.GetAsync(new Uri(url, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{url}: {(int)response.StatusCode} {body}");
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.Clone();
    }

    private static (string, long)[] Keys(JsonElement page) =>
        page.GetProperty("items").EnumerateArray().Select(r => (r.GetProperty("chargerId").GetString()!, r.GetProperty("seq").GetInt64())).ToArray();

    [Fact]
    public async Task Every_applied_record_is_listed_oldest_first_with_its_whole_content()
    {
        var page = await GetAsync("/api/v1/service-records");

        Assert.Equal(new[] { ("CP-1", 2L), ("CP-2", 2L), ("CP-1", 3L) }, Keys(page));
        var repair = page.GetProperty("items")[0];
        Assert.Equal(("repair", "eng-zhang", "WO-7", true), (repair.GetProperty("kind").GetString(), repair.GetProperty("engineerId").GetString(),
            repair.GetProperty("workOrderRef").GetString(), repair.GetProperty("customerConfirmed").GetBoolean()));
        Assert.Equal("S-NEW", repair.GetProperty("data").GetProperty("parts")[0].GetProperty("newSerial").GetString());
        Assert.Equal(JsonValueKind.Null, page.GetProperty("next").ValueKind);
    }

    [Theory]
    [InlineData("?chargerId=CP-1", "CP-1:2,CP-1:3")]
    [InlineData("?kind=repair", "CP-1:2,CP-2:2")]
    [InlineData("?engineer=eng-wang", "CP-2:2,CP-1:3")]
    [InlineData("?workOrder=WO-9", "CP-2:2")]
    [InlineData("?engineer=eng-wang&kind=maintenance", "CP-1:3")]
    [InlineData("?from=2025-03-01T08:03:00Z", "CP-1:3")]
    [InlineData("?to=2025-03-01T08:03:00Z", "CP-1:2,CP-2:2")]
    [InlineData("?engineer=nobody", "")]
    public async Task Records_are_filtered_by_charger_kind_engineer_work_order_and_time(string query, string expected)
    {
        var page = await GetAsync("/api/v1/service-records" + query);

        Assert.Equal(expected, string.Join(",", Keys(page).Select(k => $"{k.Item1}:{k.Item2}")));
    }

    [Fact]
    public async Task Pages_follow_the_next_cursor_without_repeating_or_skipping()
    {
        var first = await GetAsync("/api/v1/service-records?limit=2");
        var next = first.GetProperty("next").GetString();
        var second = await GetAsync($"/api/v1/service-records?limit=2&after={Uri.EscapeDataString(next!)}");

        Assert.Equal(new[] { ("CP-1", 2L), ("CP-2", 2L) }, Keys(first));
        Assert.Equal(new[] { ("CP-1", 3L) }, Keys(second));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next").ValueKind);
    }

    [Fact]
    public async Task A_record_waiting_behind_a_gap_appears_once_the_gap_fills()
    {
        await _factory.SendAsync(Events.State("CP-2", 3, DiagnosticState.Booting, DiagnosticState.Operational));
        Assert.DoesNotContain(("CP-2", 5L), Keys(await GetAsync("/api/v1/service-records?chargerId=CP-2")));

        await _factory.SendAsync(Events.Counters("CP-2", 4));

        Assert.Equal(new[] { ("CP-2", 2L), ("CP-2", 5L) }, Keys(await GetAsync("/api/v1/service-records?chargerId=CP-2")));
    }

    [Theory]
    [InlineData("?chargerId=bad%20id", "chargerId")]
    [InlineData("?after=garbage", "after")]
    [InlineData("?after=1.2", "after")]
    [InlineData("?from=yesterday", "from")]
    [InlineData("?from=2025-03-02T00:00:00Z&to=2025-03-01T00:00:00Z", "to")]
    [InlineData("?limit=0", "limit")]
    [InlineData("?kind=repair&kind=maintenance", "kind")]
    public async Task Bad_parameters_are_problem_details_naming_the_parameter(string query, string parameter)
    {
        var problem = await GetAsync("/api/v1/service-records" + query, HttpStatusCode.BadRequest);

        Assert.Equal(parameter, problem.GetProperty("parameter").GetString());
    }
}
