using Charger.Cloud.Core;
using Charger.Cloud.Data;
using Charger.Cloud.FieldService.Alarms;
using Charger.Cloud.FieldService.Data;
using Charger.Protocol;
using Microsoft.EntityFrameworkCore;
using Charger.Cloud.FieldService.Projection;

namespace Charger.Cloud.FieldService.Records;

/// <summary>One service record (repair, maintenance, inspection, installation, commissioning, self-test) of the maintenance log.</summary>
/// <param name="ChargerId">The charger it was made on.</param>
/// <param name="Seq">Its event's seq.</param>
/// <param name="EventId">Its event's id.</param>
/// <param name="Ts">When the engineer saved it (the charger's clock).</param>
/// <param name="Kind">repair, maintenance, ... (<see cref="ServiceRecordKinds"/>); free text on the wire.</param>
/// <param name="EngineerId">Who made it.</param>
/// <param name="WorkOrderRef">The work order it belongs to, when given.</param>
/// <param name="CustomerConfirmed">True when the customer signed it off.</param>
/// <param name="DataJson">The whole record as JSON text (the event's <c>data</c>).</param>
public sealed record ServiceRecordView(
    string ChargerId, long Seq, Guid EventId, DateTimeOffset Ts, string Kind, string EngineerId, string? WorkOrderRef, bool CustomerConfirmed, string DataJson);

/// <summary>A filter over the maintenance log, oldest first, paged by the (ts, charger, seq) of the last record seen.</summary>
public sealed record ServiceRecordQuery
{
    public string? ChargerId { get; init; }
    public string? Kind { get; init; }
    public string? EngineerId { get; init; }
    public string? WorkOrderRef { get; init; }

    /// <summary>Inclusive lower bound on <see cref="ServiceRecordView.Ts"/>.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Exclusive upper bound on <see cref="ServiceRecordView.Ts"/>.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Only records after this one in the order (ts, charger, seq): the last of the previous page.</summary>
    public ServiceRecordCursor? After { get; init; }

    public int Limit { get; init; } = 100;
}

/// <summary>A position in the maintenance log's order.</summary>
public readonly record struct ServiceRecordCursor(DateTimeOffset Ts, string ChargerId, long Seq);

/// <summary>
/// The fleet's maintenance log, read from the one model of service records (<see cref="ServiceRecordRow"/>, written
/// by the <c>service</c> subscription with the record's work-order link). Each read first waits for that subscription
/// to have applied what was acknowledged before it (<see cref="SubscriptionBarrier"/>).
/// </summary>
public sealed class FleetRecords(IDomainDbFactory<FieldServiceDb> dbFactory, SubscriptionBarrier barrier)
{
    /// <summary>The records matching <paramref name="query"/>, oldest first (by ts, charger, seq).</summary>
    public async Task<FleetView<IReadOnlyList<ServiceRecordView>>> QueryAsync(ServiceRecordQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        var current = await barrier.WaitAsync(FieldServiceProjector.SubscriptionName, ct);
        await using var db = dbFactory.Create();
        var rows = db.MaintenanceLog.AsNoTracking();
        if (query.ChargerId is { } chargerId)
        {
            rows = rows.Where(r => r.ChargerId == chargerId);
        }

        if (query.Kind is { } kind)
        {
            rows = rows.Where(r => r.Kind == kind);
        }

        if (query.EngineerId is { } engineer)
        {
            rows = rows.Where(r => r.EngineerId == engineer);
        }

        if (query.WorkOrderRef is { } workOrder)
        {
            rows = rows.Where(r => r.WorkOrderRef == workOrder);
        }

        if (query.From is { } from)
        {
            rows = rows.Where(r => r.Ts >= from);
        }

        if (query.To is { } to)
        {
            rows = rows.Where(r => r.Ts < to);
        }

        if (query.After is { } after)
        {
            rows = rows.Where(r => r.Ts > after.Ts
                || (r.Ts == after.Ts && (string.Compare(r.ChargerId, after.ChargerId) > 0 || (r.ChargerId == after.ChargerId && r.Seq > after.Seq))));
        }

        var page = await rows.OrderBy(r => r.Ts).ThenBy(r => r.ChargerId).ThenBy(r => r.Seq).Take(query.Limit).ToListAsync(ct);
        return new(page.Select(r => new ServiceRecordView(
            r.ChargerId, r.Seq, r.EventId, r.Ts, r.Kind, r.EngineerId, r.WorkOrderRef, r.CustomerConfirmed, r.Data ?? "{}")).ToList(), current);
    }
}
