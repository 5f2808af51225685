using Microsoft.Extensions.Logging;
using System.Globalization;
using Charger.Cloud.Core;
using Charger.Cloud.AfterSales;
using Charger.Cloud.Http;
using Charger.Cloud.FieldService.Alarms;
using Charger.Cloud.FieldService.Records;
using Charger.Protocol;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Primitives;
using Microsoft.OpenApi;

namespace Charger.Cloud.Api;

/// <summary>The HTTP API: <c>/healthz</c> and <c>/api/v1</c>.</summary>
public static class CloudApi
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>Maps every endpoint, with problem details for errors.</summary>
    public static WebApplication MapCloudApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        app.MapGet("/healthz", HealthAsync).AllowAnonymous();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
        // Every signed-in role reads the fleet (Charger.Cloud.Access signs users in and registers the policies).
        var api = app.MapGroup("/api/v1").RequireAuthorization(Policies.AnyStaff);
        api.MapGet("/chargers", ListChargersAsync);
        api.MapGet("/chargers/{id}", GetChargerAsync);
        api.MapGet("/chargers/{id}/events", ListEventsAsync).WithQueryParameters(
            ("type", JsonSchemaType.String, null, "Only events of this type (boot, state.changed, fault.raised, ...)."),
            ("from", JsonSchemaType.String, "date-time", "Only events journaled at or after this time (ISO 8601)."),
            ("to", JsonSchemaType.String, "date-time", "Only events journaled before this time (exclusive, ISO 8601)."),
            ("afterSeq", JsonSchemaType.Integer, "int64", "Only events with a greater seq: the nextAfterSeq of the previous page."),
            ("limit", JsonSchemaType.Integer, "int32", $"Page size, 1..{MaxLimit} (default {DefaultLimit})."));
        api.MapGet("/service-records", ListServiceRecordsAsync).WithQueryParameters(
            ("chargerId", JsonSchemaType.String, null, "Only this charger's records."),
            ("kind", JsonSchemaType.String, null, "repair, maintenance, inspection, installation, commissioning, selftest."),
            ("engineer", JsonSchemaType.String, null, "Only records made by this engineer id."),
            ("workOrder", JsonSchemaType.String, null, "Only records referring to this work order."),
            ("from", JsonSchemaType.String, "date-time", "Only records saved at or after this time (ISO 8601)."),
            ("to", JsonSchemaType.String, "date-time", "Only records saved before this time (exclusive, ISO 8601)."),
            ("after", JsonSchemaType.String, null, "The next value of the previous page."),
            ("limit", JsonSchemaType.Integer, "int32", $"Page size, 1..{MaxLimit} (default {DefaultLimit})."));
        api.MapGet("/faults", ListFaultsAsync).WithQueryParameters(
            ("status", JsonSchemaType.String, null, "'active': the faults active now (the only status so far)."));
        api.MapGet("/dead-letters", ListDeadLettersAsync)
            .RequireAuthorization(p => p.RequireRole(Roles.Supervisor, Roles.TechnicalSupport, Roles.Auditor, Roles.Admin))
            .WithQueryParameters(
            ("limit", JsonSchemaType.Integer, "int32", $"At most this many, newest first, 1..{MaxLimit} (default {DefaultLimit})."));
        return app;
    }

    internal static async Task<Results<Ok<HealthDto>, ProblemHttpResult>> HealthAsync(IEventStore store, IServiceProvider services, ILoggerFactory loggers, CancellationToken ct)
    {
        try
        {
            await store.CheckHealthAsync(ct);
            // The ingress is reported, not judged: a receiver waiting for its broker or event hub still serves the API.
            var ingress = services.GetService<Charger.Cloud.Mqtt.MqttIngress>() is { } mqtt ? (mqtt.IsConnected ? "subscribed" : "connecting")
                : services.GetService<Charger.Cloud.EventHubs.EventHubsIngress>() is { } eventHubs ? "eventhubs:" + eventHubs.Health
                : "disabled";
            return TypedResults.Ok(new HealthDto("healthy", "ok", ingress));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Anonymous callers learn that the store is down, not why: the cause (paths, tables, hosts) goes to the log.
            CloudApiLog.StoreUnhealthy(loggers.CreateLogger("Charger.Cloud.Api"), ex);
            return TypedResults.Problem(title: "The store is not available", detail: "See the cloud's log (event 2400) for the cause.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    /// <summary>The response header that says the faults or records shown may not yet include every acknowledged event
    /// (the <c>service</c> subscription did not catch up within <c>Cloud:Subscriptions:ReadWait</c>).</summary>
    public const string BehindHeader = "X-Service-View-Behind";

    internal static async Task<Ok<List<ChargerSummaryDto>>> ListChargersAsync(HttpResponse response, IEventStore store, FleetFaults fleetFaults, CancellationToken ct)
    {
        var faults = await fleetFaults.CountByChargerAsync(ct);
        MarkBehind(response, faults.Current);
        var chargers = await store.ListChargersAsync(ct);
        var gaps = (await store.ListGapsAsync(null, openOnly: true, ct)).ToLookup(g => g.ChargerId, StringComparer.Ordinal);
        return TypedResults.Ok(chargers.Select(c => ChargerSummaryDto.From(c, faults.Value.GetValueOrDefault(c.ChargerId), gaps[c.ChargerId])).ToList());
    }

    private static void MarkBehind(HttpResponse response, bool current)
    {
        if (!current)
        {
            response.Headers[BehindHeader] = "true";
        }
    }

    internal static async Task<Results<Ok<ChargerDetailDto>, ProblemHttpResult>> GetChargerAsync(string id, HttpResponse response, IEventStore store, FleetFaults fleetFaults, CancellationToken ct)
    {
        if (!ChargerId.IsValid(id))
        {
            return BadId(id);
        }

        var c = await store.GetChargerAsync(id, ct);
        if (c is null)
        {
            return NotFound(id);
        }

        var gaps = await store.ListGapsAsync(id, openOnly: false, ct);
        var faults = await fleetFaults.ListAsync(id, ct);
        MarkBehind(response, faults.Current);
        return TypedResults.Ok(new ChargerDetailDto(
            c.ChargerId, c.State?.ToString(), c.Online, c.LastSeen, c.FirmwareVersion, c.AgentVersion, c.Model, c.Serial,
            c.BootReason, c.LastBootAt, faults.Value.Count, c.AppliedSeq, c.MaxStoredSeq, c.LastEventAt,
            gaps.Select(GapDto.Of).ToList(), faults.Value.Select(FaultDto.From).ToList()));
    }

    internal static async Task<Results<Ok<EventPageDto>, ProblemHttpResult>> ListEventsAsync(string id, HttpRequest request, IEventStore store, CancellationToken ct)
    {
        if (!ChargerId.IsValid(id))
        {
            return BadId(id);
        }

        var q = request.Query;
        if (!TryGetSingle(q, "type", out var type, out var problem))
        {
            return problem!;
        }

        // A v1 type, the cloud's marker of a refused seq, or a newer agent's type kept for later.
        if (type is not null && !EventTypes.All.Contains(type) && !EnvelopeValidator.IsTypeName(type))
        {
            return BadParameter("type", $"'{type}' is not an event type name; v1 types are {string.Join(", ", EventTypes.All.Order(StringComparer.Ordinal))}, and '{RejectedEvents.Type}' marks a refused seq.");
        }

        if (!TryGetTime(q, "from", out var from, out problem) || !TryGetTime(q, "to", out var to, out problem))
        {
            return problem!;
        }

        if (from is not null && to is not null && from > to)
        {
            return BadParameter("to", "'to' must not be earlier than 'from'.");
        }

        if (!TryGetLong(q, "afterSeq", 0, 0, long.MaxValue, out var afterSeq, out problem)
            || !TryGetLong(q, "limit", DefaultLimit, 1, MaxLimit, out var limit, out problem))
        {
            return problem!;
        }

        if (await store.GetChargerAsync(id, ct) is null)
        {
            return NotFound(id);
        }

        var events = await store.QueryEventsAsync(new EventQuery(id) { Type = type, From = from, To = to, AfterSeq = afterSeq, Limit = (int)limit }, ct);
        var next = events.Count == limit ? events[^1].Seq : (long?)null;
        return TypedResults.Ok(new EventPageDto(id, events.Select(EventDto.From).ToList(), next));
    }

    internal static async Task<Results<Ok<ServiceRecordPageDto>, ProblemHttpResult>> ListServiceRecordsAsync(HttpRequest request, FleetRecords fleetRecords, CancellationToken ct)
    {
        var q = request.Query;
        if (!TryGetSingle(q, "chargerId", out var chargerId, out var problem)
            || !TryGetSingle(q, "kind", out var kind, out problem)
            || !TryGetSingle(q, "engineer", out var engineer, out problem)
            || !TryGetSingle(q, "workOrder", out var workOrder, out problem)
            || !TryGetSingle(q, "after", out var after, out problem)
            || !TryGetTime(q, "from", out var from, out problem)
            || !TryGetTime(q, "to", out var to, out problem)
            || !TryGetLong(q, "limit", DefaultLimit, 1, MaxLimit, out var limit, out problem))
        {
            return problem!;
        }

        if (chargerId is not null && !ChargerId.IsValid(chargerId))
        {
            return BadParameter("chargerId", $"'{chargerId}' is not a valid charger id: expected [A-Za-z0-9._-]{{1,64}}.");
        }

        if (from is not null && to is not null && from > to)
        {
            return BadParameter("to", "'to' must not be earlier than 'from'.");
        }

        ServiceRecordCursor? cursor = null;
        if (after is not null)
        {
            if (!TryParseCursor(after, out var parsed))
            {
                return BadParameter("after", $"'{after}' is not a cursor from this API: pass the 'next' of the previous page.");
            }

            cursor = parsed;
        }

        var found = await fleetRecords.QueryAsync(new ServiceRecordQuery
        {
            ChargerId = chargerId, Kind = kind, EngineerId = engineer, WorkOrderRef = workOrder, From = from, To = to, After = cursor, Limit = (int)limit,
        }, ct);
        MarkBehind(request.HttpContext.Response, found.Current);
        var records = found.Value;
        var next = records.Count == limit ? FormatCursor(records[^1]) : null;
        return TypedResults.Ok(new ServiceRecordPageDto(records.Select(ServiceRecordDto.From).ToList(), next));
    }

    // A cursor is "<unix ms>.<seq>.<charger id>": charger ids may hold dots, so they come last.
    private static string FormatCursor(ServiceRecordView r) =>
        string.Create(CultureInfo.InvariantCulture, $"{r.Ts.ToUnixTimeMilliseconds()}.{r.Seq}.{r.ChargerId}");

    private static bool TryParseCursor(string text, out ServiceRecordCursor cursor)
    {
        cursor = default;
        var parts = text.Split('.', 3);
        if (parts.Length != 3
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ms) || ms > 253_402_300_799_999
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
            || !ChargerId.IsValid(parts[2]))
        {
            return false;
        }

        cursor = new ServiceRecordCursor(DateTimeOffset.FromUnixTimeMilliseconds(ms), parts[2], seq);
        return true;
    }

    internal static async Task<Results<Ok<List<FaultDto>>, ProblemHttpResult>> ListFaultsAsync(HttpRequest request, FleetFaults fleetFaults, CancellationToken ct)
    {
        if (!TryGetSingle(request.Query, "status", out var status, out var problem))
        {
            return problem!;
        }

        if (status is not null && !string.Equals(status, "active", StringComparison.Ordinal))
        {
            return BadParameter("status", $"'{status}' is not supported; the only status is 'active'.");
        }

        var faults = await fleetFaults.ListAsync(null, ct);
        MarkBehind(request.HttpContext.Response, faults.Current);
        return TypedResults.Ok(faults.Value.Select(FaultDto.From).ToList());
    }

    internal static async Task<Results<Ok<List<DeadLetterDto>>, ProblemHttpResult>> ListDeadLettersAsync(HttpRequest request, IEventStore store, CancellationToken ct)
    {
        if (!TryGetLong(request.Query, "limit", DefaultLimit, 1, MaxLimit, out var limit, out var problem))
        {
            return problem!;
        }

        var letters = await store.ListDeadLettersAsync((int)limit, ct);
        return TypedResults.Ok(letters.Select(DeadLetterDto.From).ToList());
    }

    private static bool TryGetSingle(IQueryCollection query, string name, out string? value, out ProblemHttpResult? problem)
    {
        value = null;
        problem = null;
        if (!query.TryGetValue(name, out StringValues values))
        {
            return true;
        }

        if (values.Count != 1)
        {
            problem = BadParameter(name, $"'{name}' must be given once.");
            return false;
        }

        value = values[0];
        if (string.IsNullOrEmpty(value))
        {
            value = null;
        }

        return true;
    }

    private static bool TryGetLong(IQueryCollection query, string name, long defaultValue, long min, long max, out long value, out ProblemHttpResult? problem)
    {
        value = defaultValue;
        if (!TryGetSingle(query, name, out var text, out problem))
        {
            return false;
        }

        if (text is null)
        {
            return true;
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) || value < min || value > max)
        {
            problem = BadParameter(name, $"'{name}' must be an integer from {min} to {max}.");
            return false;
        }

        return true;
    }

    private static bool TryGetTime(IQueryCollection query, string name, out DateTimeOffset? value, out ProblemHttpResult? problem)
    {
        value = null;
        if (!TryGetSingle(query, name, out var text, out problem))
        {
            return false;
        }

        if (text is null)
        {
            return true;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            problem = BadParameter(name, $"'{name}' must be an ISO-8601 timestamp, e.g. 2025-01-31T12:00:00Z.");
            return false;
        }

        value = parsed;
        return true;
    }

    private static ProblemHttpResult BadParameter(string name, string detail) =>
        TypedResults.Problem(title: $"Invalid parameter '{name}'", detail: detail, statusCode: StatusCodes.Status400BadRequest,
            extensions: new Dictionary<string, object?> { ["parameter"] = name });

    private static ProblemHttpResult BadId(string id) =>
        BadParameter("id", $"'{Truncate(id)}' is not a valid charger id: expected [A-Za-z0-9._-]{{1,{ChargerId.MaxLength}}}.");

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(title: "Unknown charger", detail: $"No charger '{id}' has been seen.", statusCode: StatusCodes.Status404NotFound);

    private static string Truncate(string s) => s.Length <= 80 ? s : s[..80] + "...";
}
