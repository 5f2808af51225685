using System.Net;
using System.Text.Json;
using Charger.Protocol;
using Charger.Cloud.Tests.Support;
using Microsoft.Extensions.Options;

namespace Charger.Cloud.Tests.Api;

/// <summary>The HTTP API through the real host and a real SQLite file.</summary>
public sealed class CloudApiTests(SeededCloudFactory factory) : IClassFixture<SeededCloudFactory>
{
    private readonly HttpClient _http = factory.CreateAuthenticatedClient();

    private async Task<JsonElement> GetJsonAsync(string url, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await _http.GetAsync(new Uri(url, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{url}: {(int)response.StatusCode} {body}");
        if (expected != HttpStatusCode.OK)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.Clone();
    }

    [Fact]
    public async Task Healthz_is_200_when_the_store_answers()
    {
        var health = await GetJsonAsync("/healthz");

        Assert.Equal("healthy", health.GetProperty("status").GetString());
        Assert.Equal("disabled", health.GetProperty("ingress").GetString());
    }

    [Fact]
    public async Task Charger_list_shows_every_charger_with_state_versions_faults_seqs_and_gaps()
    {
        var list = await GetJsonAsync("/api/v1/chargers");

        Assert.Equal(new[] { "CP-1", "CP-2" }, list.EnumerateArray().Select(c => c.GetProperty("id").GetString()).ToArray());
        var cp1 = list[0];
        Assert.Equal("Operational", cp1.GetProperty("state").GetString());
        Assert.True(cp1.GetProperty("online").GetBoolean());
        Assert.Equal("2025-03-02T08:00:00.000Z", cp1.GetProperty("lastSeen").GetString());
        Assert.Equal(("fw-7.1", "1.2.3", "EVC-22"), (cp1.GetProperty("firmwareVersion").GetString(), cp1.GetProperty("agentVersion").GetString(), cp1.GetProperty("model").GetString()));
        Assert.Equal((1, 5L, 0), (cp1.GetProperty("activeFaults").GetInt32(), cp1.GetProperty("appliedSeq").GetInt64(), cp1.GetProperty("gaps").GetArrayLength()));

        var cp2 = list[1];
        Assert.Equal((1L, 4L), (cp2.GetProperty("appliedSeq").GetInt64(), cp2.GetProperty("storedSeq").GetInt64()));
        var gap = Assert.Single(cp2.GetProperty("gaps").EnumerateArray());
        Assert.Equal((2L, 3L), (gap.GetProperty("from").GetInt64(), gap.GetProperty("to").GetInt64()));
        Assert.Equal(JsonValueKind.Null, cp2.GetProperty("state").ValueKind);
    }

    [Fact]
    public async Task Charger_detail_has_its_projection_active_faults_and_gaps()
    {
        var cp1 = await GetJsonAsync("/api/v1/chargers/CP-1");

        Assert.Equal(("CP-1", "SN-CP-1", "power-on"), (cp1.GetProperty("id").GetString(), cp1.GetProperty("serial").GetString(), cp1.GetProperty("bootReason").GetString()));
        var fault = Assert.Single(cp1.GetProperty("faults").EnumerateArray());
        Assert.Equal((FaultCatalogue.HighTemperature, "major", 82.5, "degC", factory.HighTempId, 3L),
            (fault.GetProperty("code").GetString(), fault.GetProperty("severity").GetString(), fault.GetProperty("value").GetDouble(),
             fault.GetProperty("unit").GetString(), fault.GetProperty("raisedEventId").GetGuid(), fault.GetProperty("raisedSeq").GetInt64()));
        Assert.Equal("2025-03-01T08:03:00.000Z", fault.GetProperty("raisedAt").GetString());

        var cp2 = await GetJsonAsync("/api/v1/chargers/CP-2");
        Assert.Single(cp2.GetProperty("gaps").EnumerateArray());
    }

    [Fact]
    public async Task Unknown_charger_is_a_404_problem()
    {
        var problem = await GetJsonAsync("/api/v1/chargers/CP-404", HttpStatusCode.NotFound);

        Assert.Equal(404, problem.GetProperty("status").GetInt32());
        Assert.Contains("CP-404", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await GetJsonAsync("/api/v1/chargers/CP-404/events", HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("/api/v1/chargers/bad%20id")]
    [InlineData("/api/v1/chargers/semi;colon")]
    [InlineData("/api/v1/chargers/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("/api/v1/chargers/bad%2Bid/events")]
    public async Task Malformed_charger_id_is_a_400_problem_naming_id(string url)
    {
        var problem = await GetJsonAsync(url, HttpStatusCode.BadRequest);

        Assert.Equal("id", problem.GetProperty("parameter").GetString());
    }

    [Fact]
    public async Task Events_are_ordered_by_seq_and_paged_with_after_seq_and_limit()
    {
        var page1 = await GetJsonAsync("/api/v1/chargers/CP-1/events?limit=2");
        Assert.Equal(new[] { 1L, 2 }, Seqs(page1));
        Assert.Equal(2, page1.GetProperty("nextAfterSeq").GetInt64());
        Assert.Equal("boot", page1.GetProperty("items")[0].GetProperty("type").GetString());
        Assert.Equal("1.2.3", page1.GetProperty("items")[0].GetProperty("data").GetProperty("agentVersion").GetString());

        var page2 = await GetJsonAsync("/api/v1/chargers/CP-1/events?afterSeq=2&limit=2");
        Assert.Equal(new[] { 3L, 4 }, Seqs(page2));

        var last = await GetJsonAsync("/api/v1/chargers/CP-1/events?afterSeq=4&limit=2");
        Assert.Equal(new[] { 5L }, Seqs(last));
        Assert.Equal(JsonValueKind.Null, last.GetProperty("nextAfterSeq").ValueKind);
    }

    [Fact]
    public async Task Events_filter_by_type_and_time()
    {
        Assert.Equal(new[] { 4L, 5 }, Seqs(await GetJsonAsync("/api/v1/chargers/CP-1/events?type=counters")));
        Assert.Equal(new[] { 2L, 3 }, Seqs(await GetJsonAsync("/api/v1/chargers/CP-1/events?from=2025-03-01T08:02:00Z&to=2025-03-01T08:04:00Z")));
        Assert.Equal(new[] { 1L, 2, 3, 4, 5 }, Seqs(await GetJsonAsync("/api/v1/chargers/CP-1/events")));
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("limit=1&limit=2", "limit")]
    [InlineData("afterSeq=-1", "afterSeq")]
    [InlineData("afterSeq=1.5", "afterSeq")]
    [InlineData("type=Re%20Boot", "type")]
    [InlineData("from=yesterday", "from")]
    [InlineData("to=2025-13-45", "to")]
    [InlineData("from=2025-03-02T00:00:00Z&to=2025-03-01T00:00:00Z", "to")]
    public async Task Bad_event_query_parameter_is_a_400_problem_naming_it(string query, string parameter)
    {
        var problem = await GetJsonAsync($"/api/v1/chargers/CP-1/events?{query}", HttpStatusCode.BadRequest);

        Assert.Equal(parameter, problem.GetProperty("parameter").GetString());
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Fleet_active_faults_list_every_chargers_faults()
    {
        var explicitActive = await GetJsonAsync("/api/v1/faults?status=active");
        var byDefault = await GetJsonAsync("/api/v1/faults");

        Assert.Equal(new (string?, string?)[] { ("CP-1", FaultCatalogue.HighTemperature), ("CP-2", FaultCatalogue.EmergencyStop) },
            explicitActive.EnumerateArray().Select(f => (f.GetProperty("chargerId").GetString(), f.GetProperty("code").GetString())).ToArray());
        Assert.Equal(explicitActive.GetRawText(), byDefault.GetRawText());
        Assert.Equal("critical", explicitActive[1].GetProperty("severity").GetString());
    }

    [Fact]
    public async Task Fault_status_other_than_active_is_a_400_problem()
    {
        var problem = await GetJsonAsync("/api/v1/faults?status=cleared", HttpStatusCode.BadRequest);

        Assert.Equal("status", problem.GetProperty("parameter").GetString());
    }

    [Fact]
    public async Task Dead_letters_are_listed_newest_first_up_to_the_limit()
    {
        var all = await GetJsonAsync("/api/v1/dead-letters");
        Assert.Equal(new[] { "BadTopic", "MalformedJson" }, all.EnumerateArray().Select(d => d.GetProperty("reason").GetString()).ToArray());
        Assert.Equal(("CP-3", "{oops", 5), (all[1].GetProperty("chargerId").GetString(), all[1].GetProperty("payload").GetString(), all[1].GetProperty("payloadBytes").GetInt32()));

        var one = await GetJsonAsync("/api/v1/dead-letters?limit=1");
        Assert.Equal(1, one.GetArrayLength());

        var problem = await GetJsonAsync("/api/v1/dead-letters?limit=0", HttpStatusCode.BadRequest);
        Assert.Equal("limit", problem.GetProperty("parameter").GetString());
    }

    private static long[] Seqs(JsonElement page) =>
        page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("seq").GetInt64()).ToArray();
}

/// <summary>Start-up of the host with a given configuration.</summary>
public sealed class CloudHostStartupTests
{
    [Fact]
    public void Invalid_setting_stops_start_up_with_a_message_naming_the_key()
    {
        using var factory = new CloudApiFactory();
        factory.Settings["Cloud:Ingest:LockStripes"] = "0";

        var ex = Assert.ThrowsAny<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains("LockStripes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_creates_the_database_file_in_the_data_directory_at_start()
    {
        using var factory = new CloudApiFactory();

        using var client = factory.CreateAuthenticatedClient();

        Assert.True(File.Exists(Path.Combine(factory.DataDirectory, "cloud.db")));
        using var response = await client.GetAsync(new Uri("/api/v1/chargers", UriKind.Relative));
        Assert.Equal("[]", await response.Content.ReadAsStringAsync());
    }
}
