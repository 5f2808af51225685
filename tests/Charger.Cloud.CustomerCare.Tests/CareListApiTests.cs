using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Charger.Cloud.AfterSales;
using Charger.Cloud.CustomerCare.Tests.Support;

namespace Charger.Cloud.CustomerCare.Tests;

/// <summary>
/// The customer-care lists in the cloud's one list style (Charger.Cloud.Http): pages with a total, sorting by a named key,
/// CSV export, and a wrong parameter answered with its field.
/// </summary>
public sealed class CareListApiTests : IClassFixture<CareApiFactory>, IAsyncLifetime
{
    private readonly CareApiFactory _host;
    private HttpClient _specialist = null!;
    private readonly List<long> _complaints = [];

    public CareListApiTests(CareApiFactory host) => _host = host;

    public async Task InitializeAsync()
    {
        _specialist = await _host.AsAsync(Roles.ServiceSpecialist);
        // Five complaints a minute apart; one's content is a spreadsheet formula, as a customer may type.
        for (var i = 0; i < 5; i++)
        {
            var content = i == 2 ? "=HYPERLINK(\"http://evil\",\"click\")" : $"list test {i}";
            var created = await _specialist.PostAsJsonAsync("/api/v1/complaints", new { channel = "phone", customerId = "CUST-1", content, apology = "sorry" });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            _complaints.Add((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64());
            _host.Clock.Advance(TimeSpan.FromMinutes(1));
        }
    }

    public Task DisposeAsync()
    {
        _specialist.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Complaints_page_newest_first_with_the_total_and_sort_by_a_named_key()
    {
        var first = await _specialist.GetFromJsonAsync<JsonElement>("/api/v1/complaints?customerId=CUST-1&limit=2");
        var second = await _specialist.GetFromJsonAsync<JsonElement>("/api/v1/complaints?customerId=CUST-1&limit=2&offset=2");
        var oldest = await _specialist.GetFromJsonAsync<JsonElement>("/api/v1/complaints?customerId=CUST-1&sort=receivedAt&limit=1000");

        var total = first.GetProperty("total").GetInt32();
        Assert.True(total >= 5);
        Assert.Equal((2, 0, 2), (first.GetProperty("items").GetArrayLength(), first.GetProperty("offset").GetInt32(), first.GetProperty("limit").GetInt32()));
        var newest = Ids(first).Concat(Ids(second)).ToList();
        Assert.Equal(newest.OrderByDescending(id => id), newest);
        Assert.Equal(_complaints[^1], newest[0]);
        var ascending = Ids(oldest).ToList();
        Assert.Equal(total, ascending.Count);
        Assert.Equal(ascending.Order(), ascending);
    }

    [Fact]
    public async Task Csv_export_has_every_filtered_row_and_a_customers_formula_is_not_run()
    {
        using var response = await _specialist.GetAsync("/api/v1/complaints?customerId=CUST-1&sort=receivedAt&format=csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        var lines = text.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("id,channel,customerId,content,", lines[0], StringComparison.Ordinal);
        Assert.True(lines.Length - 1 >= 5, text);
        Assert.Contains(lines, l => l.Contains("'=HYPERLINK", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(",=HYPERLINK", StringComparison.Ordinal) || l.Contains(",\"=HYPERLINK", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/api/v1/complaints?state=Lost", "state")]
    [InlineData("/api/v1/complaints?sort=apology", "sort")]
    [InlineData("/api/v1/complaints?limit=0", "limit")]
    [InlineData("/api/v1/complaints?limit=1001", "limit")]
    [InlineData("/api/v1/complaints?offset=-1", "offset")]
    [InlineData("/api/v1/complaints?format=pdf", "format")]
    [InlineData("/api/v1/complaints?limit=1&limit=2", "limit")]
    [InlineData("/api/v1/inquiries?status=closed", "status")]
    [InlineData("/api/v1/inquiries?status=7", "status")]
    [InlineData("/api/v1/inquiries?overdue=maybe", "overdue")]
    [InlineData("/api/v1/inquiries?channel=fax", "channel")]
    [InlineData("/api/v1/inquiries?sort=content", "sort")]
    [InlineData("/api/v1/surveys?subjectType=charger", "subjectType")]
    [InlineData("/api/v1/surveys?from=yesterday", "from")]
    [InlineData("/api/v1/surveys?sort=-comment", "sort")]
    public async Task A_wrong_list_parameter_is_a_400_naming_it(string url, string field)
    {
        using var supervisor = await _host.AsAsync(Roles.Supervisor);
        using var response = await supervisor.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{url}: {problem}");
    }

    [Fact]
    public async Task Every_sort_key_of_every_list_answers_in_both_directions()
    {
        using var supervisor = await _host.AsAsync(Roles.Supervisor);
        string[][] lists =
        [
            ["/api/v1/complaints", "receivedAt", "id", "state", "channel", "customerId", "chargerId", "lastRevisitScore", "closedAt"],
            ["/api/v1/inquiries", "receivedAt", "id", "status", "channel", "customerId", "promisedReplyBy", "answeredAt"],
            ["/api/v1/surveys", "at", "id", "score", "subjectType", "subjectId"],
        ];
        foreach (var list in lists)
        {
            foreach (var key in list.Skip(1))
            {
                foreach (var sort in new[] { key, "-" + key })
                {
                    using var response = await supervisor.GetAsync($"{list[0]}?sort={sort}");
                    Assert.True(response.StatusCode == HttpStatusCode.OK, $"{list[0]}?sort={sort}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
            }
        }
    }

    [Fact]
    public async Task Thousands_of_random_list_queries_are_answered_200_or_400_never_a_server_error()
    {
        using var supervisor = await _host.AsAsync(Roles.Supervisor);
        var random = new Random(20261202);
        string[] paths = ["/api/v1/complaints", "/api/v1/inquiries", "/api/v1/surveys"];
        string[] names = ["state", "status", "overdue", "customerId", "channel", "subjectType", "subjectId", "from", "to", "offset", "limit", "sort", "format"];
        string[] values = ["", "-1", "0", "1", "1000", "1001", "csv", "json", "-id", "id", "true", "maybe", "Recorded", "routed", "phone", "complaint",
            "2026-01-01T00:00:00Z", "%00", "%FF%FE", "'; DROP TABLE complaints;--", new string('9', 300), "%E4%B8%AD%E6%96%87", "\u202Eevil"];
        var statuses = new Dictionary<HttpStatusCode, int>();
        for (var i = 0; i < 2000; i++)
        {
            var query = string.Join('&', Enumerable.Range(0, random.Next(1, 5)).Select(_ => $"{names[random.Next(names.Length)]}={values[random.Next(values.Length)]}"));
            var path = paths[random.Next(paths.Length)];
            using var response = await supervisor.GetAsync($"{path}?{query}");
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{path}?{query}: {(int)response.StatusCode}");
            statuses[response.StatusCode] = statuses.GetValueOrDefault(response.StatusCode) + 1;
        }

        Assert.True(statuses.GetValueOrDefault(HttpStatusCode.OK) > 100 && statuses.GetValueOrDefault(HttpStatusCode.BadRequest) > 100, string.Join(", ", statuses));
    }

    private static IEnumerable<long> Ids(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetInt64());
}
