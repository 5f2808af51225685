using System.Net;
using System.Net.Http.Json;
using Charger.Cloud.Core;
using Charger.Cloud.Live;
using Charger.Cloud.Tests.Support;
using Charger.Protocol;
using Microsoft.Extensions.DependencyInjection;

namespace Charger.Cloud.Tests.Api;

/// <summary>The live-update stream (<c>GET /api/v1/live</c>) through the real host.</summary>
public sealed class LiveApiTests : IDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);
    private readonly CloudApiFactory _factory = new() { Settings = { ["Cloud:Live:MaxStreamsPerUser"] = "2" } };

    public void Dispose() => _factory.Dispose();

    /// <summary>An open stream, read line by line.</summary>
    private sealed class Stream(HttpResponseMessage response, StreamReader reader) : IDisposable
    {
        public HttpResponseMessage Response { get; } = response;

        /// <summary>Reads events until one of <paramref name="type"/> whose data holds <paramref name="dataPart"/>; returns the
        /// events read on the way ("type data"). Bounded by a guard that fails the test, not a wait for time to pass.</summary>
        public async Task<List<string>> ReadUntilAsync(string type, string dataPart)
        {
            using var guard = new CancellationTokenSource(Guard);
            var seen = new List<string>();
            string? current = null;
            while (await reader.ReadLineAsync(guard.Token) is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    current = line["event: ".Length..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    seen.Add(current + " " + line["data: ".Length..]);
                    if (current == type && line.Contains(dataPart, StringComparison.Ordinal))
                    {
                        return seen;
                    }
                }
            }

            throw new InvalidOperationException($"the stream ended before {type} {dataPart}; read {string.Join(", ", seen)}");
        }

        public void Dispose()
        {
            reader.Dispose();
            Response.Dispose();
        }
    }

    private static async Task<Stream> OpenAsync(HttpClient http)
    {
        var response = await http.GetAsync(new Uri("/api/v1/live", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var stream = new Stream(response, new StreamReader(await response.Content.ReadAsStreamAsync()));
        await stream.ReadUntilAsync("ready", "{}");
        return stream;
    }

    [Fact]
    public async Task Anonymous_callers_get_no_stream()
    {
        using var anonymous = _factory.CreateClient();

        using var response = await anonymous.GetAsync(new Uri("/api/v1/live", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_charger_event_is_announced_as_fleet_then_as_what_the_service_area_derived_from_it()
    {
        using var http = _factory.CreateAuthenticatedClient();
        using var stream = await OpenAsync(http);

        await _factory.SendAsync(Events.FaultRaised("CP-L", 1, FaultCatalogue.GroundFailure, Severity.Critical));

        await stream.ReadUntilAsync("changed", "\"topic\":\"fleet\"");
        await stream.ReadUntilAsync("changed", "\"topic\":\"service\"");
    }

    [Fact]
    public async Task A_change_people_make_through_the_API_is_announced_by_its_area_and_a_refused_one_is_not()
    {
        using var http = _factory.CreateAuthenticatedClient();
        using var stream = await OpenAsync(http);

        using (var refused = await http.PostAsJsonAsync(new Uri("/api/v1/complaints", UriKind.Relative), new Dictionary<string, string>()))
        {
            Assert.False(refused.IsSuccessStatusCode);
        }

        using (var created = await http.PostAsJsonAsync(new Uri("/api/v1/users", UriKind.Relative),
            new Dictionary<string, string> { ["userId"] = "eng-live", ["displayName"] = "Live", ["role"] = "repair-engineer" }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var seen = await stream.ReadUntilAsync("changed", "\"topic\":\"users\"");
        Assert.DoesNotContain(seen, e => e.Contains("complaints", StringComparison.Ordinal));
    }

    [Fact]
    public async Task One_user_holds_at_most_the_configured_streams_and_the_next_is_refused_with_429()
    {
        using var http = _factory.CreateAuthenticatedClient();
        using var first = await OpenAsync(http);
        using var second = await OpenAsync(http);

        using var third = await http.GetAsync(new Uri("/api/v1/live", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal(2, _factory.Services.GetRequiredService<LiveUpdates>().Count);
    }

    [Theory]
    [InlineData("POST", "/api/v1/work-orders/12/assign", 200, "work-orders")]
    [InlineData("PATCH", "/api/v1/users/eng-1", 204, "users")]
    [InlineData("POST", "/api/v1/complaints", 201, "complaints")]
    [InlineData("GET", "/api/v1/alarms", 200, null)]
    [InlineData("POST", "/api/v1/auth/login", 200, null)]
    [InlineData("POST", "/api/v1/work-orders", 400, null)]
    [InlineData("POST", "/API/V1/Work-Orders/3/close", 200, "work-orders")]
    [InlineData("POST", "/api/v1/%3Cscript%3E", 201, null)]
    [InlineData("POST", "/api/v1", 201, null)]
    [InlineData("POST", "/healthz", 200, null)]
    [InlineData("DELETE", "/api/v1/auth/tokens/3", 204, null)]
    public void The_topic_of_a_write_is_its_area_for_a_successful_change_only(string method, string path, int status, string? topic) =>
        Assert.Equal(topic, LiveApi.TopicOfWrite(method, new Microsoft.AspNetCore.Http.PathString(path), status));
}

/// <summary>What one stream keeps between two rounds of notices.</summary>
public sealed class LiveUpdatesTests
{
    [Fact]
    public void A_stream_keeps_each_topic_once_however_often_it_is_published_and_only_until_it_takes_them()
    {
        var live = new LiveUpdates();
        using var listener = live.TryOpen("u", 10, 10, out _)!;
        Assert.False(listener.Changed.IsCompleted);

        for (var i = 0; i < 10_000; i++)
        {
            live.Publish(i % 2 == 0 ? LiveUpdates.Fleet : "service");
        }

        Assert.True(listener.Changed.IsCompleted);
        Assert.Equal(["fleet", "service"], listener.Take());
        Assert.False(listener.Changed.IsCompleted);
        Assert.Empty(listener.Take());

        live.Publish("alarms");
        Assert.True(listener.Changed.IsCompleted);
        Assert.Equal(["alarms"], listener.Take());
    }

    [Fact]
    public void A_closed_stream_hears_nothing_and_frees_its_place()
    {
        var live = new LiveUpdates();
        var first = live.TryOpen("u", 1, 1, out _)!;
        Assert.Null(live.TryOpen("v", 1, 1, out var refusal));
        Assert.Equal(LiveRefusal.Full, refusal);

        first.Dispose();
        live.Publish(LiveUpdates.Fleet);

        Assert.Empty(first.Take());
        using var second = live.TryOpen("v", 1, 1, out refusal);
        Assert.NotNull(second);
        Assert.Equal(LiveRefusal.None, refusal);
    }
}
