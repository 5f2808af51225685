using System.ComponentModel.DataAnnotations;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Charger.Cloud.Core;
using Charger.Cloud.AfterSales;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Charger.Cloud.Live;

/// <summary>Settings of the live-update streams (section <c>Cloud:Live</c>).</summary>
public sealed class LiveOptions
{
    public const string SectionName = "Cloud:Live";

    /// <summary>Streams open at once, over all users; past it a new one is refused with 503.</summary>
    [Range(1, 100_000)]
    public int MaxStreams { get; set; } = 500;

    /// <summary>Streams one user may hold open at once (tabs, windows); past it a new one is refused with 429.</summary>
    [Range(1, 100)]
    public int MaxStreamsPerUser { get; set; } = 8;

    /// <summary>A comment sent on an idle stream, so proxies and the browser keep it open and a dead peer is found.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The least time between two rounds of notices on one stream (what changes meanwhile is sent together).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan MinInterval { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// <c>GET /api/v1/live</c>: one server-sent-event stream per open UI, over which <see cref="LiveUpdates"/> says which
/// topics changed (<c>event: changed</c>, <c>data: {"topic":"..."}</c>); the page reads again what it shows. And the
/// notice of people's changes: a successful write to <c>/api/v1/{area}/...</c> publishes <c>{area}</c>.
/// </summary>
public static class LiveApi
{
    /// <summary>Registers <see cref="LiveUpdates"/> and <see cref="LiveOptions"/> (validated at start).</summary>
    public static IServiceCollection AddLiveUpdates(this IServiceCollection services)
    {
        services.AddOptions<LiveOptions>().BindConfiguration(LiveOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<LiveUpdates>();
        return services;
    }

    /// <summary>Maps the stream and publishes the topic of each successful write people make through the API.</summary>
    public static WebApplication MapLiveUpdates(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            await next(context);
            if (TopicOfWrite(context.Request.Method, context.Request.Path, context.Response.StatusCode) is { } topic)
            {
                context.RequestServices.GetRequiredService<LiveUpdates>().Publish(topic);
            }
        });
        app.MapGet("/api/v1/live", Stream).RequireAuthorization(Policies.AnyStaff)
            .WithSummary("Live updates: server-sent events naming each topic that changed (fleet, service, an area people changed)")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream").ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    /// <summary>The topic a write announces: the area segment after <c>/api/v1/</c>, for a 2xx answer to a change
    /// (signing in and out changes no view).</summary>
    internal static string? TopicOfWrite(string method, PathString path, int status)
    {
        // Routing matches paths whatever their case, so the area is read the same way.
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || status is < 200 or >= 300
            || !path.StartsWithSegments("/api/v1", StringComparison.OrdinalIgnoreCase, out var rest) || !rest.HasValue)
        {
            return null;
        }

        var area = rest.Value!.TrimStart('/').Split('/', 2)[0].ToLowerInvariant();
        return area.Length is > 0 and <= 40 && area != "auth" && area.All(c => char.IsAsciiLetterLower(c) || c == '-') ? area : null;
    }

    private static IResult Stream(HttpContext context, LiveUpdates live, IOptions<LiveOptions> options)
    {
        var user = Actor.FromPrincipal(context.User)?.UserId ?? "?";
        var o = options.Value;
        var listener = live.TryOpen(user, o.MaxStreams, o.MaxStreamsPerUser, out var refusal);
        if (listener is null)
        {
            return refusal == LiveRefusal.Full
                ? TypedResults.Problem(title: "Too many live streams", detail: $"{o.MaxStreams} are open; the page falls back to reading on demand.",
                    statusCode: StatusCodes.Status503ServiceUnavailable)
                : TypedResults.Problem(title: "Too many live streams for this user", detail: $"At most {o.MaxStreamsPerUser} at once; close a tab.",
                    statusCode: StatusCodes.Status429TooManyRequests);
        }

        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.ServerSentEvents(Notices(listener, o, context.RequestAborted));
    }

    private static async IAsyncEnumerable<SseItem<string>> Notices(
        LiveUpdates.Listener listener, LiveOptions options, [EnumeratorCancellation] CancellationToken ct)
    {
        using (listener)
        {
            // The first item tells the page the stream is open (and how soon to come back after a drop).
            yield return new SseItem<string>("{}", "ready") { ReconnectionInterval = TimeSpan.FromSeconds(3) };
            while (!ct.IsCancellationRequested)
            {
                if (!await ChangedAsync(listener, options.Heartbeat, ct))
                {
                    yield return new SseItem<string>("{}", "ping");
                    continue;
                }

                foreach (var topic in listener.Take())
                {
                    // Topics are constants and path segments checked above: nothing to escape.
                    yield return new SseItem<string>("{\"topic\":\"" + topic + "\"}", "changed");
                }

                // At most one round of notices per MinInterval: under steady ingest an open page reads again about once a
                // second, not after every batch; what changes meanwhile is kept (each topic once) for the next round.
                await Task.Delay(options.MinInterval, ct);
            }
        }
    }

    /// <summary>True when a topic is pending; false when <paramref name="heartbeat"/> passed first.</summary>
    private static async Task<bool> ChangedAsync(LiveUpdates.Listener listener, TimeSpan heartbeat, CancellationToken ct)
    {
        try
        {
            await listener.Changed.WaitAsync(heartbeat, ct);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
