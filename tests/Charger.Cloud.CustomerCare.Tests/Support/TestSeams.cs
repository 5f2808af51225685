using Charger.Cloud.AfterSales;

namespace Charger.Cloud.CustomerCare.Tests.Support;

/// <summary>Work-order and downtime facts a test sets.</summary>
public sealed class TestServiceFacts : IFieldServiceFacts
{
    public List<WorkOrderFact> WorkOrders { get; } = [];

    public List<DowntimeFact> Downtimes { get; } = [];

    public Task<IReadOnlyList<WorkOrderFact>> GetWorkOrdersAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<WorkOrderFact>>(WorkOrders
            .Where(w => w.CreatedAt < to && !((w.ClosedAt is { } c && c < from) || (w.Cancelled && w.CreatedAt < from)))
            .ToList());

    public Task<WorkOrderFact?> FindWorkOrderAsync(string workOrderId, CancellationToken cancellationToken) =>
        Task.FromResult(WorkOrders.FirstOrDefault(w => w.WorkOrderId == workOrderId));

    public Task<IReadOnlyList<DowntimeFact>> GetDowntimesAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DowntimeFact>>(Downtimes.Where(d => d.From < to && (d.To is null || d.To > from)).ToList());
}
