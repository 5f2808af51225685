using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Charger.Cloud.Core;
using Charger.Cloud.AfterSales;
using Charger.Cloud.Http;
using Charger.Cloud.FieldService.Alarms;
using Charger.Cloud.FieldService.Tests.Support;
using Charger.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Charger.Cloud.FieldService.Projection;

namespace Charger.Cloud.FieldService.Tests;

/// <summary>
/// The one list style (Charger.Cloud.Http's <see cref="ListRequest"/>) on the alarms and work-orders lists, through the
/// real host: server-side sorting, paging with the total, CSV export, and every wrong parameter named.
/// </summary>
public sealed class ListApiTests(FieldServiceApiFactory factory) : IClassFixture<FieldServiceApiFactory>
{
    private const string Hostile = "=HYPERLINK(\"http://evil.example\",\"click\")";
    private static readonly SemaphoreSlim Seeded = new(1, 1);
    private static bool _seeded;

    /// <summary>Five chargers with a fault each (three blocking: work orders), raised a minute apart; one message is a formula.</summary>
    private async Task SeedAsync()
    {
        await Seeded.WaitAsync();
        try
        {
            if (_seeded)
            {
                return;
            }

            await factory.EnsureStaffAsync();
            var pipeline = factory.Services.GetRequiredService<IIngestPipeline>();
            string[] codes = [FaultCatalogue.GroundFailure, FaultCatalogue.HighHumidity, FaultCatalogue.EmergencyStop, FaultCatalogue.FanFailure, FaultCatalogue.GroundFailure];
            for (var i = 0; i < codes.Length; i++)
            {
                var charger = $"CP-LIST-{i}";
                var at = factory.Clock.GetUtcNow().AddMinutes(i);
                var d = FaultCatalogue.Get(codes[i]);
                var fault = Envelope.Create(charger, 1, at, EventTypes.FaultRaised, new FaultRaisedData
                {
                    Code = codes[i], Component = "test", Severity = d.DefaultSeverity, BlocksCharging = d.BlocksCharging,
                    Message = i == 3 ? Hostile : "message " + i,
                }, ProtocolJsonContext.Default.FaultRaisedData);
                var outcome = await pipeline.HandleEventAsync(Topics.Events(charger), fault.ToUtf8Json(), CancellationToken.None);
                Assert.True(outcome.Stored);
            }

            await factory.Services.GetRequiredService<FieldServiceProjector>().RunOnceAsync(CancellationToken.None);
            _seeded = true;
        }
        finally
        {
            Seeded.Release();
        }
    }

    private async Task<JsonElement> PageAsync(string url)
    {
        await SeedAsync();
        using var client = factory.As(Roles.Auditor);
        using var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static string[] Chargers(JsonElement page) =>
        page.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("chargerId").GetString()!).Where(c => c.StartsWith("CP-LIST-", StringComparison.Ordinal)).ToArray();

    [Fact]
    public async Task Alarms_sort_on_the_server_by_any_sort_key_both_ways_and_page_with_the_total()
    {
        var newest = await PageAsync("/api/v1/alarms?status=all&limit=1000");
        var oldest = await PageAsync("/api/v1/alarms?status=all&limit=1000&sort=raisedAt");
        Assert.Equal(["CP-LIST-4", "CP-LIST-3", "CP-LIST-2", "CP-LIST-1", "CP-LIST-0"], Chargers(newest));
        Assert.Equal(Chargers(newest).Reverse(), Chargers(oldest));

        var byCharger = await PageAsync("/api/v1/alarms?status=all&limit=1000&sort=-chargerId");
        var ids = byCharger.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("chargerId").GetString()!).ToList();
        Assert.Equal(ids.OrderByDescending(i => i, StringComparer.Ordinal), ids);

        var first = await PageAsync("/api/v1/alarms?status=all&sort=raisedAt&limit=2");
        var second = await PageAsync("/api/v1/alarms?status=all&sort=raisedAt&limit=2&offset=2");
        Assert.Equal((first.GetProperty("total").GetInt32(), 2, 0), (second.GetProperty("total").GetInt32(), second.GetProperty("offset").GetInt32(), first.GetProperty("offset").GetInt32()));
        var all = Chargers(oldest);
        Assert.Equal(all.Take(4), Chargers(first).Concat(Chargers(second)));
    }

    [Fact]
    public async Task Work_orders_sort_by_state_and_page_with_the_one_limit()
    {
        var page = await PageAsync("/api/v1/work-orders?sort=chargerId&limit=1000");
        var chargers = page.GetProperty("items").EnumerateArray().Select(w => w.GetProperty("chargerId").GetString()).ToList();
        Assert.Equal(chargers.Order(StringComparer.Ordinal), chargers);
        Assert.Equal(1000, page.GetProperty("limit").GetInt32());
        Assert.Equal(ListRequest.DefaultLimit, (await PageAsync("/api/v1/work-orders")).GetProperty("limit").GetInt32());
    }

    [Fact]
    public async Task Severity_priority_and_state_sort_by_their_meaning_not_by_their_names()
    {
        var bySeverity = await PageAsync("/api/v1/alarms?status=all&limit=1000&sort=-severity");
        var severities = bySeverity.GetProperty("items").EnumerateArray().Select(a => SeverityNames.TryParse(a.GetProperty("severity").GetString()!, out var s) ? s : throw new InvalidOperationException()).ToList();
        Assert.Equal(Severity.Critical, severities[0]);
        Assert.Equal(severities.OrderByDescending(s => s), severities);

        using (var specialist = factory.As(Roles.ServiceSpecialist, "ss-list"))
        {
            foreach (var priority in new[] { "low", "high", "normal" })
            {
                using var created = await specialist.PostAsJsonAsync("/api/v1/work-orders",
                    new { kind = "repair", channel = "phone", chargerId = "CP-LIST-1", description = "sort test " + priority, priority });
                Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
            }
        }

        var byPriority = await PageAsync("/api/v1/work-orders?limit=1000&sort=-priority");
        string[] rank = ["low", "normal", "high", "urgent"];
        var priorities = byPriority.GetProperty("items").EnumerateArray().Select(w => Array.IndexOf(rank, w.GetProperty("priority").GetString())).ToList();
        Assert.DoesNotContain(-1, priorities);
        Assert.Equal([0, 1, 2], priorities.Distinct().Where(p => p < 3).Order());
        Assert.Equal(priorities.OrderByDescending(p => p), priorities);
    }

    [Theory]
    [InlineData("/api/v1/alarms?sort=password", "sort")]
    [InlineData("/api/v1/alarms?sort=-", "sort")]
    [InlineData("/api/v1/alarms?sort=raisedAt&sort=code", "sort")]
    [InlineData("/api/v1/alarms?limit=0", "limit")]
    [InlineData("/api/v1/alarms?limit=1001", "limit")]
    [InlineData("/api/v1/alarms?limit=99999999999999999999", "limit")]
    [InlineData("/api/v1/alarms?offset=-1", "offset")]
    [InlineData("/api/v1/alarms?offset=%20", "offset")]
    [InlineData("/api/v1/alarms?format=xlsx", "format")]
    [InlineData("/api/v1/alarms?format=", "format")]
    [InlineData("/api/v1/work-orders?sort=description", "sort")]
    [InlineData("/api/v1/work-orders?limit=abc", "limit")]
    public async Task A_wrong_list_parameter_is_a_400_naming_it(string url, string field)
    {
        await SeedAsync();
        using var client = factory.As(Roles.Supervisor);
        using var response = await client.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{url}: {problem}");
    }

    [Fact]
    public async Task The_csv_export_holds_the_whole_filtered_sorted_list_with_formulas_escaped()
    {
        await SeedAsync();
        using var client = factory.As(Roles.RepairEngineer, "eng-zhang");
        using var response = await client.GetAsync("/api/v1/alarms?status=all&sort=raisedAt&limit=1&format=csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("attachment", response.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains(CsvExport.TruncatedHeader));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.Preamble.ToArray(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("id,chargerId,code,severity,status,", lines[0], StringComparison.Ordinal);
        // limit pages the JSON, not the export: every alarm, oldest first.
        var listed = lines[1..].Select(l => l.Split(',')[1]).Where(c => c.StartsWith("CP-LIST-", StringComparison.Ordinal)).ToArray();
        Assert.Equal(["CP-LIST-0", "CP-LIST-1", "CP-LIST-2", "CP-LIST-3", "CP-LIST-4"], listed);
        var hostile = Assert.Single(lines, l => l.Contains("evil.example", StringComparison.Ordinal));
        Assert.Contains("\"'=HYPERLINK(", hostile, StringComparison.Ordinal);
        Assert.DoesNotContain(",=HYPERLINK", hostile, StringComparison.Ordinal);

        using var anonymous = factory.As(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/alarms?format=csv")).StatusCode);
    }

    [Fact]
    public async Task Thousands_of_random_list_queries_are_answered_200_or_400_never_a_server_error()
    {
        await SeedAsync();
        using var client = factory.As(Roles.Supervisor);
        var random = new Random(20261202);
        string[] names = ["offset", "limit", "sort", "format", "status", "severity", "code", "chargerId", "state", "kind", "engineer", "%00", "sort[]"];
        string[] values = ["", "-", "0", "-1", "1", "1000", "1001", "2147483648", "raisedAt", "-raisedAt", "csv", "json", "all", "%FF%FE", "%C3%28", "%00", "--id",
            "'; DROP TABLE alarms;--", new string('9', 400), "\u202Eevil", "critical", "unfinished", "a%26b%3Dc", "%E4%B8%AD%E6%96%87"];
        var statuses = new Dictionary<HttpStatusCode, int>();
        for (var i = 0; i < 3000; i++)
        {
            var path = random.Next(2) == 0 ? "/api/v1/alarms" : "/api/v1/work-orders";
            var query = string.Join('&', Enumerable.Range(0, random.Next(0, 5)).Select(_ =>
                $"{names[random.Next(names.Length)]}={(random.Next(4) == 0 ? RandomText(random) : values[random.Next(values.Length)])}"));
            using var response = await client.GetAsync(path + "?" + query);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{path}?{query}: {(int)response.StatusCode}");
            statuses[response.StatusCode] = statuses.GetValueOrDefault(response.StatusCode) + 1;
        }

        Assert.True(statuses.GetValueOrDefault(HttpStatusCode.OK) > 100 && statuses.GetValueOrDefault(HttpStatusCode.BadRequest) > 100, string.Join(", ", statuses));
    }

    private static string RandomText(Random random)
    {
        var bytes = new byte[random.Next(1, 12)];
        random.NextBytes(bytes);
        return string.Concat(bytes.Select(b => "%" + b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
    }
}
