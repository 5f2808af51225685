using Charger.Cloud.AfterSales;
using Microsoft.Extensions.Logging;

namespace Charger.Cloud.FieldService;

/// <summary>
/// Writes the area's changes to the host's <see cref="IAuditLog"/> (Charger.Cloud.Access). Entries are written after
/// the change they describe is committed; when the audit log then refuses one, the failure is logged (event 1106)
/// and the caller is not failed, since the change itself stands.
/// </summary>
public sealed class FieldServiceAudit(IAuditLog log, ILogger<FieldServiceAudit> logger)
{
    public async Task RecordAsync(IEnumerable<AuditEntry> entries, CancellationToken cancellationToken)
    {
        foreach (var entry in entries)
        {
            try
            {
                await log.RecordAsync(entry, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                FieldServiceLog.AuditFailed(logger, ex, entry.Action, entry.EntityId);
            }
        }
    }

    public Task RecordAsync(AuditEntry entry, CancellationToken cancellationToken) => RecordAsync([entry], cancellationToken);

    /// <summary>
    /// Writes <paramref name="entries"/> inside <paramref name="transaction"/> (the caller's, on the same database), so
    /// they commit with the change they describe; a refusal fails the caller's transaction, which is then retried whole.
    /// </summary>
    public Task RecordInAsync(IReadOnlyList<AuditEntry> entries, System.Data.Common.DbTransaction transaction, CancellationToken cancellationToken) =>
        entries.Count == 0 ? Task.CompletedTask : log.RecordAsync(entries, transaction, cancellationToken);
}
