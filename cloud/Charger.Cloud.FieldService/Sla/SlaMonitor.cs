using Charger.Cloud.AfterSales;
using Charger.Cloud.Data;
using Charger.Cloud.FieldService.Data;
using Charger.Cloud.FieldService.WorkOrders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Charger.Cloud.FieldService.Sla;

/// <summary>
/// Marks SLA breaches of work orders: stamps the breach on the order, adds it to the order's history and to the audit
/// log, once (the order's version is checked on save, so two receivers record a breach once). Lists compute breaches
/// on read as well, so they are right between checks.
/// </summary>
public sealed class SlaMonitor(IDomainDbFactory<FieldServiceDb> dbFactory, FieldServiceAudit audit, TimeProvider time, ILogger<SlaMonitor> logger)
{
    /// <summary>One check; returns the number of breaches recorded.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var db = dbFactory.Create();
        var open = await db.WorkOrders.Include(w => w.Pauses)
            .Where(w => w.State != WorkOrderState.Cancelled && (w.ResponseBreachedAt == null || w.ResolutionBreachedAt == null))
            .ToListAsync(ct);
        var audits = new List<AuditEntry>();
        foreach (var row in open)
        {
            var sla = SlaPolicies.Evaluate(row, now);
            var changed = false;
            if (row.ResponseBreachedAt is null && sla.ResponseBreached)
            {
                row.ResponseBreachedAt = now;
                Breach(row, "sla-response-breached", $"not assigned within {TimeSpan.FromMinutes(row.ResponseTargetMinutes)} (due {sla.ResponseDueAt:O})", now, audits);
                changed = true;
            }

            if (row.ResolutionBreachedAt is null && sla.ResolutionBreached)
            {
                row.ResolutionBreachedAt = now;
                Breach(row, "sla-resolution-breached", $"not resolved within {TimeSpan.FromMinutes(row.ResolutionTargetMinutes)} (due {sla.ResolutionDueAt:O})", now, audits);
                changed = true;
            }

            if (changed)
            {
                row.Version++;
            }
        }

        var recorded = 0;
        try
        {
            recorded = audits.Count;
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another receiver or a person changed one of them meanwhile: the next check sees it again.
            return 0;
        }

        foreach (var entry in audits)
        {
            FieldServiceLog.SlaBreached(logger, entry.EntityId, entry.Action);
        }

        await audit.RecordAsync(audits, ct);
        return recorded;
    }

    private static void Breach(WorkOrderRow row, string action, string reason, DateTimeOffset now, List<AuditEntry> audits)
    {
        row.Transitions.Add(new WorkOrderTransitionRow
        {
            WorkOrderId = row.Id, At = now, Action = action, ActorId = Actor.System.UserId, ActorName = Actor.System.DisplayName, ActorRole = Actor.System.Role, Reason = reason,
        });
        audits.Add(new AuditEntry(now, Actor.System, "work-order." + action, "work-order", row.Reference, reason));
    }
}
