using Charger.Cloud.Core;
using Charger.Cloud.AfterSales;
using Charger.Cloud.Data;
using Charger.Cloud.FieldService.Data;
using Charger.Cloud.FieldService.Sla;
using Charger.Cloud.FieldService.WorkOrders;
using Microsoft.EntityFrameworkCore;

namespace Charger.Cloud.FieldService.Facts;

/// <summary>
/// The KPIs' facts from the service tables: work orders (response = first assignment, first resolution, SLA met,
/// first-time fix) and downtimes (the active periods of alarms of blocking faults). Charger models come from the event
/// store's projection.
/// </summary>
public sealed class FieldServiceFacts(IDomainDbFactory<FieldServiceDb> dbFactory, IEventStore store) : IFieldServiceFacts
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<WorkOrderFact>> GetWorkOrdersAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var db = dbFactory.Create();
        var rows = await db.WorkOrders.AsNoTracking().Include(w => w.Pauses)
            .Where(w => w.CreatedAt < to && (w.ClosedAt == null || w.ClosedAt >= from) && (w.CancelledAt == null || w.CancelledAt >= from))
            .OrderBy(w => w.Id)
            .ToListAsync(cancellationToken);
        var models = await ModelsAsync(cancellationToken);
        return rows.Select(w => Fact(w, models)).ToList();
    }

    /// <inheritdoc />
    public async Task<WorkOrderFact?> FindWorkOrderAsync(string workOrderId, CancellationToken cancellationToken)
    {
        if (!WorkOrderReference.TryParse(workOrderId, out var id))
        {
            return null;
        }

        await using var db = dbFactory.Create();
        var row = await db.WorkOrders.AsNoTracking().Include(w => w.Pauses).FirstOrDefaultAsync(w => w.Id == id, cancellationToken);
        return row is null ? null : Fact(row, await ModelsAsync(cancellationToken));
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DowntimeFact>> GetDowntimesAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var db = dbFactory.Create();
        var alarms = await db.Alarms.AsNoTracking()
            .Where(a => a.BlocksCharging && a.Code != Alarm.OfflineCode && a.RaisedAt < to && (a.ClearedAt == null || a.ClearedAt > from))
            .OrderBy(a => a.RaisedAt).ThenBy(a => a.Id)
            .ToListAsync(cancellationToken);
        var models = await ModelsAsync(cancellationToken);
        return alarms.Select(a => new DowntimeFact(a.ChargerId, models.GetValueOrDefault(a.ChargerId), a.RaisedAt, a.ClearedAt, a.Code)).ToList();
    }

    private async Task<Dictionary<string, string?>> ModelsAsync(CancellationToken ct) =>
        (await store.ListChargersAsync(ct)).ToDictionary(c => c.ChargerId, c => c.Model, StringComparer.Ordinal);

    private static WorkOrderFact Fact(WorkOrderRow w, Dictionary<string, string?> models)
    {
        bool? withinSla = w.ResolvedAt is null ? null : !SlaPolicies.Evaluate(w, w.ResolvedAt.Value).ResolutionBreached;
        bool? firstTime = w.ResolvedAt is null ? null : !w.NotFixedFirstTime;
        return new WorkOrderFact(
            w.Reference, Kind(w.Kind), w.ChargerId, w.ChargerId is null ? null : models.GetValueOrDefault(w.ChargerId), w.Team, w.EngineerId,
            w.CreatedAt, w.RespondedAt, w.ResolvedAt, w.ClosedAt, w.State == WorkOrderState.Cancelled, withinSla, firstTime);
    }

    /// <summary>The kind's wire name: repair, installation, maintenance, inspection, complaint-follow-up.</summary>
    public static string Kind(WorkOrderKind kind) => kind switch
    {
        WorkOrderKind.ComplaintFollowUp => "complaint-follow-up",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
