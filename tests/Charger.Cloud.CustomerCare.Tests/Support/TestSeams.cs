using System.Collections.Concurrent;
using Charger.Cloud.Core.AfterSales;

namespace Charger.Cloud.CustomerCare.Tests.Support;

/// <summary>An audit log that keeps its entries in memory, so tests can read what was recorded.</summary>
public sealed class RecordingAuditLog : IAuditLog
{
    private readonly ConcurrentQueue<AuditEntry> _entries = new();

    public IReadOnlyList<AuditEntry> Entries => _entries.ToList();

    public Task RecordAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        _entries.Enqueue(entry);
        return Task.CompletedTask;
    }
}

/// <summary>A customer directory with the customers a test adds.</summary>
public sealed class TestCustomers : ICustomerDirectory
{
    private readonly ConcurrentDictionary<string, CustomerSummary> _customers = new(StringComparer.Ordinal);

    public void Add(string id, string name, CustomerTier tier = CustomerTier.Standard) => _customers[id] = new CustomerSummary(id, name, tier);

    public Task<CustomerSummary?> FindAsync(string customerId, CancellationToken cancellationToken) =>
        Task.FromResult(_customers.TryGetValue(customerId, out var c) ? c : null);

    public Task<CustomerSummary?> FindByChargerAsync(string chargerId, CancellationToken cancellationToken) => Task.FromResult<CustomerSummary?>(null);
}

/// <summary>Work-order and downtime facts a test sets.</summary>
public sealed class TestServiceFacts : IServiceFacts
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
