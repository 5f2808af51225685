using Charger.Cloud.Core;
using Charger.Protocol;

namespace Charger.Cloud.Tests.Support;

/// <summary>Builders of valid v1 envelopes; event <c>seq</c> n has timestamp <see cref="T0"/> + n minutes.</summary>
public static class Events
{
    public static readonly DateTimeOffset T0 = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    public static DateTimeOffset TsOf(long seq) => T0.AddMinutes(seq);

    public static Envelope Boot(string chargerId, long seq, string agentVersion = "1.2.3", string? firmware = "fw-7.1", string? model = "EVC-22", Guid? id = null, long? lostUpTo = null) =>
        Envelope.Create(chargerId, seq, TsOf(seq), EventTypes.Boot,
            new BootData { Reason = "power-on", AgentVersion = agentVersion, FirmwareVersion = firmware, Model = model, Serial = "SN-" + chargerId, LostUpToSeq = lostUpTo },
            ProtocolJsonContext.Default.BootData, id);

    public static Envelope State(string chargerId, long seq, DiagnosticState from, DiagnosticState to, Guid? id = null) =>
        Envelope.Create(chargerId, seq, TsOf(seq), EventTypes.StateChanged,
            new StateChangedData { From = from, To = to, Trigger = "test" }, ProtocolJsonContext.Default.StateChangedData, id);

    public static Envelope FaultRaised(string chargerId, long seq, string code, Severity severity = Severity.Major, double? value = null, string? unit = null, Guid? cause = null, Guid? id = null) =>
        Envelope.Create(chargerId, seq, TsOf(seq), EventTypes.FaultRaised,
            new FaultRaisedData { Code = code, Component = "connector", Severity = severity, Value = value, Unit = unit, Cause = cause, BlocksCharging = true, Message = "test fault" },
            ProtocolJsonContext.Default.FaultRaisedData, id);

    public static Envelope FaultCleared(string chargerId, long seq, string code, Guid? id = null) =>
        Envelope.Create(chargerId, seq, TsOf(seq), EventTypes.FaultCleared,
            new FaultClearedData { Code = code, Component = "connector", Reason = "condition-gone" }, ProtocolJsonContext.Default.FaultClearedData, id);

    public static Envelope Counters(string chargerId, long seq, Guid? id = null) =>
        Envelope.Create(chargerId, seq, TsOf(seq), EventTypes.Counters,
            new CountersData { EnergyWh = 1000 * seq, ContactorCycles = seq }, ProtocolJsonContext.Default.CountersData, id);

    public static StoredEvent Stored(this Envelope e, DateTimeOffset? receivedAt = null) =>
        StoredEvent.FromEnvelope(e, receivedAt ?? e.Ts.AddSeconds(1));

    public static ProjectionChange Change(this Envelope e, DateTimeOffset? appliedAt = null)
    {
        Assert.True(Projector.TryProject(e.Stored(), appliedAt ?? e.Ts.AddSeconds(1), out var change, out var error), error);
        return change;
    }
}
