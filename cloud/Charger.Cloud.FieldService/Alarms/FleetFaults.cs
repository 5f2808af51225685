using Charger.Cloud.Core;
using Charger.Cloud.Data;
using Charger.Cloud.FieldService.Data;
using Charger.Protocol;
using Microsoft.EntityFrameworkCore;
using Charger.Cloud.FieldService.Projection;

namespace Charger.Cloud.FieldService.Alarms;

/// <summary>An active fault as the fleet's view shows it: the details of its last raise. One per charger and code.</summary>
public sealed record ActiveFault(
    string ChargerId,
    string Code,
    string Component,
    Severity Severity,
    double? Value,
    string? Unit,
    DateTimeOffset RaisedAt,
    Guid? RaisedEventId,
    long RaisedSeq,
    Guid? Cause,
    string? Message,
    bool BlocksCharging,
    bool Latching);

/// <summary>What a read of a view the <c>service</c> subscription derives found, and whether it is known to include every
/// event acknowledged before the read (false: the wait for the subscription ran out).</summary>
public sealed record FleetView<T>(T Value, bool Current);

/// <summary>
/// The fleet's view of faults, read from the one model of them: the active alarms of charger faults (the Offline alarm
/// is the cloud's, not a fault the charger reported). Each read first waits for the <c>service</c> subscription to have
/// applied what was acknowledged before it (<see cref="SubscriptionBarrier"/>), so a fault acknowledged to its charger
/// shows when the API is read right after.
/// </summary>
public sealed class FleetFaults(IDomainDbFactory<FieldServiceDb> dbFactory, SubscriptionBarrier barrier)
{
    /// <summary>The active faults of one charger, or of the fleet when <paramref name="chargerId"/> is null, by charger and raise time.</summary>
    public async Task<FleetView<IReadOnlyList<ActiveFault>>> ListAsync(string? chargerId, CancellationToken ct)
    {
        var current = await barrier.WaitAsync(FieldServiceProjector.SubscriptionName, ct);
        await using var db = dbFactory.Create();
        var alarms = await Active(db)
            .Where(a => chargerId == null || a.ChargerId == chargerId)
            .ToListAsync(ct);
        var faults = alarms
            .OrderBy(a => a.ChargerId, StringComparer.Ordinal).ThenBy(a => a.LastRaisedAt).ThenBy(a => a.Code, StringComparer.Ordinal)
            .Select(a => new ActiveFault(
                a.ChargerId, a.Code, a.Component ?? string.Empty, a.Severity, a.Value, a.Unit, a.LastRaisedAt, a.LastRaisedEventId,
                a.LastRaisedSeq ?? a.RaisedSeq ?? 0, a.Cause, a.Message, a.BlocksCharging, a.Latching))
            .ToList();
        return new(faults, current);
    }

    /// <summary>How many faults are active per charger (chargers without any are absent).</summary>
    public async Task<FleetView<IReadOnlyDictionary<string, int>>> CountByChargerAsync(CancellationToken ct)
    {
        var current = await barrier.WaitAsync(FieldServiceProjector.SubscriptionName, ct);
        await using var db = dbFactory.Create();
        var counts = await Active(db).GroupBy(a => a.ChargerId).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        return new(counts.ToDictionary(c => c.Key, c => c.Count, StringComparer.Ordinal), current);
    }

    private static IQueryable<Alarm> Active(FieldServiceDb db) =>
        db.Alarms.AsNoTracking().Where(a => a.Status == AlarmStatus.Active && a.Code != Alarm.OfflineCode);
}
