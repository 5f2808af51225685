namespace Charger.Cloud.AfterSales;

/// <summary>
/// One work order as the KPIs see it (implemented from the work orders by Charger.Cloud.FieldService, read by the KPI
/// calculator of Charger.Cloud.CustomerCare). Times are UTC.
/// </summary>
/// <param name="WorkOrderId">Its id.</param>
/// <param name="Kind">repair, installation, maintenance, inspection, complaint-follow-up.</param>
/// <param name="ChargerId">The charger, when the work is on one.</param>
/// <param name="ChargerModel">Its model as last reported by the charger, when known.</param>
/// <param name="Team">The team of the assigned engineer, when assigned.</param>
/// <param name="EngineerId">The engineer it was (last) assigned to.</param>
/// <param name="CreatedAt">Opened.</param>
/// <param name="RespondedAt">First response: when it was first assigned (dispatch), null if never.</param>
/// <param name="ResolvedAt">First resolved, null if never.</param>
/// <param name="ClosedAt">Closed, null if not.</param>
/// <param name="Cancelled">Cancelled (left out of every KPI).</param>
/// <param name="ResolvedWithinSla">Resolved before its resolution deadline (paused time excluded); null while unresolved.</param>
/// <param name="FixedFirstTime">False when a repeat visit for the same fault on the same charger followed within the window; null while unresolved.</param>
public sealed record WorkOrderFact(
    string WorkOrderId,
    string Kind,
    string? ChargerId,
    string? ChargerModel,
    string? Team,
    string? EngineerId,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RespondedAt,
    DateTimeOffset? ResolvedAt,
    DateTimeOffset? ClosedAt,
    bool Cancelled,
    bool? ResolvedWithinSla,
    bool? FixedFirstTime);

/// <summary>
/// A period a charger could not charge because of a blocking fault (from its alarms), for MTBF and availability.
/// </summary>
/// <param name="ChargerId">The charger.</param>
/// <param name="ChargerModel">Its model, when known.</param>
/// <param name="From">When the blocking fault was raised.</param>
/// <param name="To">When it cleared; null while still down.</param>
/// <param name="Code">The fault code.</param>
public sealed record DowntimeFact(string ChargerId, string? ChargerModel, DateTimeOffset From, DateTimeOffset? To, string Code);

/// <summary>The service facts the KPIs are computed from (implemented by Charger.Cloud.FieldService).</summary>
public interface IFieldServiceFacts
{
    /// <summary>Work orders created before <paramref name="to"/> and not closed or cancelled before <paramref name="from"/>.</summary>
    Task<IReadOnlyList<WorkOrderFact>> GetWorkOrdersAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    /// <summary>One work order, or null when there is none with that id.</summary>
    Task<WorkOrderFact?> FindWorkOrderAsync(string workOrderId, CancellationToken cancellationToken);

    /// <summary>Downtimes overlapping [<paramref name="from"/>, <paramref name="to"/>).</summary>
    Task<IReadOnlyList<DowntimeFact>> GetDowntimesAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);
}
