namespace Charger.Cloud.AfterSales;

/// <summary>One entry of the audit log: who changed or read what, when.</summary>
/// <param name="At">When.</param>
/// <param name="Actor">Who.</param>
/// <param name="Action">What, as a short verb phrase such as <c>work-order.assign</c> or <c>customer.read-personal-data</c>.</param>
/// <param name="EntityType">The kind of thing, e.g. <c>work-order</c>, <c>customer</c>, <c>user</c>.</param>
/// <param name="EntityId">Its id.</param>
/// <param name="Detail">What changed, or why (free text, no personal data in clear).</param>
public sealed record AuditEntry(DateTimeOffset At, Actor Actor, string Action, string EntityType, string EntityId, string? Detail = null);

/// <summary>The audit log every area writes to (implemented by Charger.Cloud.Access). Append-only.</summary>
public interface IAuditLog
{
    /// <summary>Appends an entry durably; throws when it cannot be stored.</summary>
    Task RecordAsync(AuditEntry entry, CancellationToken cancellationToken);

    /// <summary>
    /// Appends entries inside <paramref name="transaction"/>, the caller's open transaction on the same database: they
    /// commit or roll back with the change they describe. Throws when they cannot be written (the caller's transaction
    /// then fails with them).
    /// </summary>
    Task RecordAsync(IReadOnlyList<AuditEntry> entries, System.Data.Common.DbTransaction transaction, CancellationToken cancellationToken);
}

/// <summary>How much service a customer is owed; SLA policies are per tier and priority (the policy's 客户等级).</summary>
public enum CustomerTier
{
    Standard,
    Priority,
    Strategic,
}

/// <summary>What the service areas may know of a customer without personal data: id, name of the organisation or site, tier.</summary>
public sealed record CustomerSummary(string CustomerId, string DisplayName, CustomerTier Tier);

/// <summary>Customers and the chargers they own (implemented by Charger.Cloud.Access, which keeps their personal data).</summary>
public interface ICustomerDirectory
{
    /// <summary>The customer, or null when there is none with that id.</summary>
    Task<CustomerSummary?> FindAsync(string customerId, CancellationToken cancellationToken);

    /// <summary>The customer owning a charger, or null when it has none on record.</summary>
    Task<CustomerSummary?> FindByChargerAsync(string chargerId, CancellationToken cancellationToken);
}

/// <summary>A directory with no customers: every charger is then served at <see cref="CustomerTier.Standard"/>.</summary>
public sealed class NullCustomerDirectory : ICustomerDirectory
{
    public static NullCustomerDirectory Instance { get; } = new();

    private NullCustomerDirectory()
    {
    }

    /// <inheritdoc />
    public Task<CustomerSummary?> FindAsync(string customerId, CancellationToken cancellationToken) => Task.FromResult<CustomerSummary?>(null);

    /// <inheritdoc />
    public Task<CustomerSummary?> FindByChargerAsync(string chargerId, CancellationToken cancellationToken) => Task.FromResult<CustomerSummary?>(null);
}

/// <summary>A member of staff as the service areas see them.</summary>
/// <param name="UserId">Login name.</param>
/// <param name="DisplayName">Name shown in histories and lists.</param>
/// <param name="Role">One of <see cref="Roles"/>.</param>
/// <param name="Team">The service team (for dispatch and KPIs), when in one.</param>
/// <param name="Active">False once disabled: can no longer sign in or be assigned.</param>
public sealed record StaffMember(string UserId, string DisplayName, string Role, string? Team, bool Active);

/// <summary>The people of the service organisation (implemented by Charger.Cloud.Access).</summary>
public interface IStaffDirectory
{
    /// <summary>The user, or null when there is none with that id.</summary>
    Task<StaffMember?> FindAsync(string userId, CancellationToken cancellationToken);
}
