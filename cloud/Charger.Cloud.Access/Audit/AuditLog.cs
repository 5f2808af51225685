using System.Data.Common;
using Charger.Cloud.Access.Data;
using Charger.Cloud.AfterSales;
using Charger.Cloud.Data;
using Microsoft.EntityFrameworkCore;

namespace Charger.Cloud.Access;

/// <summary>The audit log on the access area's database: one row per entry, only ever inserted.</summary>
public sealed class AuditLog : IAuditLog
{
    private readonly IDomainDbFactory<AccessDb> _db;

    public AuditLog(IDomainDbFactory<AccessDb> db) => _db = db;

    /// <inheritdoc />
    public Task RecordAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return AppendAsync(ToRow(entry), cancellationToken);
    }

    /// <inheritdoc />
    public async Task RecordAsync(IReadOnlyList<AuditEntry> entries, DbTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(transaction);
        if (entries.Count == 0)
        {
            return;
        }

        // The caller's connection and transaction: the rows commit with the caller's change or not at all.
        await using var db = _db.Create();
        db.Database.SetDbConnection(transaction.Connection!, contextOwnsConnection: false);
        await db.Database.UseTransactionAsync(transaction, cancellationToken);
        db.AuditLog.AddRange(entries.Select(ToRow));
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Appends a row (the request safety net adds method, route and status).</summary>
    internal async Task AppendAsync(AuditRow row, CancellationToken cancellationToken)
    {
        await using var db = _db.Create();
        db.AuditLog.Add(row);
        await db.SaveChangesAsync(cancellationToken);
    }

    internal static AuditRow ToRow(AuditEntry entry) => new()
    {
        At = entry.At,
        ActorId = Clip(entry.Actor.UserId, 64),
        ActorName = Clip(entry.Actor.DisplayName, 200),
        ActorRole = Clip(entry.Actor.Role, 32),
        Action = Clip(entry.Action, 100),
        EntityType = Clip(entry.EntityType, 64),
        EntityId = Clip(entry.EntityId, 200),
        Detail = entry.Detail is null ? null : Clip(entry.Detail, 4000),
    };

    internal static string Clip(string value, int max) => value.Length <= max ? value : value[..max];
}
