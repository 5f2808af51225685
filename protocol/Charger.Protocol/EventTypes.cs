namespace Charger.Protocol;

/// <summary>The event <c>type</c>s of the v1 envelope.</summary>
public static class EventTypes
{
    public const string Boot = "boot";
    public const string StateChanged = "state.changed";
    public const string FaultRaised = "fault.raised";
    public const string FaultCleared = "fault.cleared";
    public const string ServiceRecord = "service.record";
    public const string SecurityEvent = "security.event";
    public const string Counters = "counters";

    /// <summary>Every type a v1 receiver accepts.</summary>
    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        Boot, StateChanged, FaultRaised, FaultCleared, ServiceRecord, SecurityEvent, Counters,
    };

    /// <summary>Types that are never dropped from a full outbox: safety-relevant and signed records.</summary>
    public static bool IsCritical(string type) =>
        type is FaultRaised or FaultCleared or ServiceRecord or SecurityEvent or StateChanged or Boot;
}
