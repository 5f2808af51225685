using System.Text.Json;
using Charger.Cloud.AfterSales;
using Charger.Cloud.FieldService.Api;
using Charger.Cloud.FieldService.Data;
using Charger.Cloud.FieldService.WorkOrders;
using Microsoft.EntityFrameworkCore;

namespace Charger.Cloud.FieldService.Sla;

/// <summary>An SLA policy: targets for a customer tier and priority, and the calendar they count in (null: around the clock).</summary>
public sealed record SlaPolicy(CustomerTier Tier, WorkOrderPriority Priority, TimeSpan Response, TimeSpan Resolution, WorkingCalendar? Calendar, bool BuiltIn);

/// <summary>The SLA of one work order as of now.</summary>
/// <param name="ResponseDueAt">When it must be assigned (null: paused or no working time).</param>
/// <param name="ResolutionDueAt">When it must be resolved (null while the clock stands still).</param>
/// <param name="ResponseBreached">Assigned late, or not assigned and past due.</param>
/// <param name="ResolutionBreached">Resolved late, or unresolved and past due.</param>
/// <param name="ResolutionElapsed">Working time counted towards resolution so far (paused time excluded).</param>
/// <param name="Paused">The clock stands still (waiting for parts or customer).</param>
public sealed record SlaStatus(
    DateTimeOffset? ResponseDueAt, DateTimeOffset? ResolutionDueAt, bool ResponseBreached, bool ResolutionBreached, TimeSpan ResolutionElapsed, bool Paused);

/// <summary>The SLA policies (table <c>sla_policies</c> over built-in defaults) and the SLA of work orders.</summary>
public static class SlaPolicies
{
    /// <summary>Built-in targets where no policy row exists, around the clock.</summary>
    public static SlaPolicy Default(CustomerTier tier, WorkOrderPriority priority)
    {
        var (response, resolution) = (tier, priority) switch
        {
            (CustomerTier.Strategic, WorkOrderPriority.Urgent) => (1, 8),
            (CustomerTier.Strategic, WorkOrderPriority.High) => (2, 12),
            (CustomerTier.Strategic, WorkOrderPriority.Normal) => (8, 48),
            (CustomerTier.Strategic, _) => (12, 72),
            (CustomerTier.Priority, WorkOrderPriority.Urgent) => (2, 12),
            (CustomerTier.Priority, WorkOrderPriority.High) => (4, 24),
            (CustomerTier.Priority, WorkOrderPriority.Normal) => (12, 72),
            (CustomerTier.Priority, _) => (24, 120),
            (_, WorkOrderPriority.Urgent) => (4, 24),
            (_, WorkOrderPriority.High) => (8, 48),
            (_, WorkOrderPriority.Normal) => (24, 120),
            _ => (48, 240),
        };
        return new SlaPolicy(tier, priority, TimeSpan.FromHours(response), TimeSpan.FromHours(resolution), null, BuiltIn: true);
    }

    /// <summary>Every (tier, priority) with the policy in force.</summary>
    public static async Task<IReadOnlyList<SlaPolicy>> ListAsync(FieldServiceDb db, CancellationToken ct)
    {
        var rows = await db.SlaPolicies.AsNoTracking().ToListAsync(ct);
        var result = new List<SlaPolicy>();
        foreach (var tier in Enum.GetValues<CustomerTier>())
        {
            foreach (var priority in Enum.GetValues<WorkOrderPriority>())
            {
                var row = rows.FirstOrDefault(r => r.Tier == tier && r.Priority == priority);
                result.Add(row is null ? Default(tier, priority) : FromRow(row));
            }
        }

        return result;
    }

    /// <summary>The policy in force for a tier and priority.</summary>
    public static async Task<SlaPolicy> FindAsync(FieldServiceDb db, CustomerTier tier, WorkOrderPriority priority, CancellationToken ct)
    {
        var row = await db.SlaPolicies.AsNoTracking().FirstOrDefaultAsync(r => r.Tier == tier && r.Priority == priority, ct);
        return row is null ? Default(tier, priority) : FromRow(row);
    }

    /// <summary>Fixes the policy's targets and calendar on a new work order.</summary>
    public static void Stamp(WorkOrderRow row, SlaPolicy policy)
    {
        row.ResponseTargetMinutes = (long)policy.Response.TotalMinutes;
        row.ResolutionTargetMinutes = (long)policy.Resolution.TotalMinutes;
        row.CalendarJson = SerializeCalendar(policy.Calendar);
    }

    public static SlaPolicy FromRow(SlaPolicyRow row) => new(
        row.Tier, row.Priority, TimeSpan.FromMinutes(row.ResponseMinutes), TimeSpan.FromMinutes(row.ResolutionMinutes), DeserializeCalendar(row.CalendarJson), BuiltIn: false);

    public static string? SerializeCalendar(WorkingCalendar? calendar) =>
        calendar is null ? null : JsonSerializer.Serialize(calendar, FieldServiceJsonContext.Default.WorkingCalendar);

    public static WorkingCalendar? DeserializeCalendar(string? json) =>
        string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize(json, FieldServiceJsonContext.Default.WorkingCalendar);

    /// <summary>The SLA of a work order at <paramref name="now"/>; its pauses must be loaded.</summary>
    public static SlaStatus Evaluate(WorkOrderRow row, DateTimeOffset now)
    {
        var clock = new SlaClock(DeserializeCalendar(row.CalendarJson));
        var pauses = row.Pauses.Select(p => new ClockPause(p.From, p.To)).ToList();
        var response = TimeSpan.FromMinutes(row.ResponseTargetMinutes);
        var resolution = TimeSpan.FromMinutes(row.ResolutionTargetMinutes);
        var responseDue = clock.DueAt(row.CreatedAt, response, []);
        var resolutionDue = clock.DueAt(row.CreatedAt, resolution, pauses);
        var cancelled = row.State == WorkOrderState.Cancelled;
        var responseEnd = row.RespondedAt ?? (cancelled ? row.CancelledAt ?? now : now);
        var resolutionEnd = row.ResolvedAt ?? (cancelled ? row.CancelledAt ?? now : now);
        var responseBreached = clock.Elapsed(row.CreatedAt, responseEnd, []) > response;
        var elapsed = clock.Elapsed(row.CreatedAt, resolutionEnd, pauses);
        var paused = row.Pauses.Any(p => p.To is null);
        return new SlaStatus(responseDue, resolutionDue, responseBreached, elapsed > resolution, elapsed, paused);
    }
}
