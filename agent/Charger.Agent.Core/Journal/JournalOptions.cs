using System.ComponentModel.DataAnnotations;

namespace Charger.Agent.Core.Journal;

/// <summary>Bounds and location of the journal (section <c>Journal</c>).</summary>
public sealed class JournalOptions
{
    public const string Section = "Journal";

    /// <summary>Path of the journal database. Default <c>journal.db</c> under the agent's data directory.</summary>
    public string Path { get; set; } = "journal.db";

    /// <summary>Outbox bound: above it routine events (counters) are refused. Critical events are never refused.</summary>
    [Range(100, 10_000_000)]
    public int MaxPendingEvents { get; set; } = 200_000;

    /// <summary>Acknowledged events kept as local history; the oldest are pruned beyond it.</summary>
    [Range(0, 10_000_000)]
    public int MaxHistoryEvents { get; set; } = 50_000;

    /// <summary>Telemetry payloads queued while offline; the oldest are dropped first beyond it.</summary>
    [Range(0, 1_000_000)]
    public int MaxTelemetry { get; set; } = 1_000;
}
