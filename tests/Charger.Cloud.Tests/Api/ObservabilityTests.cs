using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Charger.Cloud.Tests.Support;
using Charger.Protocol;

namespace Charger.Cloud.Tests.Api;

/// <summary>
/// <c>/metrics</c> (Prometheus text) and <c>/openapi/v1.json</c> through the real host. OpenTelemetry listens to meters
/// by name across the whole process, so these run alone: other hosts' ingest would be counted too.
/// </summary>
[Collection(MetricsCollection.Name)]
public sealed class ObservabilityTests : IDisposable
{
    private readonly CloudApiFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private static double? Sample(string metrics, string name, string? label = null)
    {
        foreach (var line in metrics.Split('\n'))
        {
            var m = Regex.Match(line, "^" + Regex.Escape(name) + @"(\{(?<labels>[^}]*)\})? (?<value>\S+)");
            if (m.Success && (label is null || m.Groups["labels"].Value.Contains(label, StringComparison.Ordinal)))
            {
                return double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    [Fact]
    public async Task Metrics_count_stored_duplicate_and_rejected_messages_and_the_delay_of_stored_events()
    {
        var http = _factory.CreateClient();
        var boot = Events.Boot("CP-M1", 1);
        await _factory.SendAsync(boot);
        await _factory.SendAsync(Events.State("CP-M1", 2, DiagnosticState.Booting, DiagnosticState.Operational));
        await _factory.SendAsync(boot); // a resend
        await _factory.Pipeline.HandleEventAsync(Topics.Events("CP-M1"), Encoding.UTF8.GetBytes("{not json"), CancellationToken.None);

        using var response = await http.GetAsync(new Uri("/metrics", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, Sample(text, "charger_ingest_messages_total", "outcome=\"stored\""));
        Assert.Equal(1, Sample(text, "charger_ingest_messages_total", "outcome=\"duplicate\""));
        Assert.Equal(1, Sample(text, "charger_ingest_messages_total", "outcome=\"rejected\""));
        Assert.Equal(1, Sample(text, "charger_ingest_dead_letters_total", "reason=\"MalformedJson\""));
        Assert.Equal(2, Sample(text, "charger_ingest_delay_seconds_count"));
        Assert.NotNull(Sample(text, "dotnet_gc_collections_total"));
    }

    [Fact]
    public async Task Openapi_document_describes_every_api_path_with_its_parameters()
    {
        var http = _factory.CreateClient();

        using var response = await http.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = doc.RootElement.GetProperty("paths");
        foreach (var path in new[] { "/healthz", "/api/v1/chargers", "/api/v1/chargers/{id}", "/api/v1/chargers/{id}/events", "/api/v1/faults", "/api/v1/dead-letters" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} missing from the OpenAPI document");
        }

        var eventParameters = paths.GetProperty("/api/v1/chargers/{id}/events").GetProperty("get").GetProperty("parameters")
            .EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Contains("id", eventParameters);
        Assert.Contains("type", eventParameters);
        Assert.Contains("afterSeq", eventParameters);
        Assert.Equal("charger-cloud API", doc.RootElement.GetProperty("info").GetProperty("title").GetString());
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "metrics (runs alone)";
}
