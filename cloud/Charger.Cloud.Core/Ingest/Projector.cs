using System.Text.Json;
using Charger.Protocol;

namespace Charger.Cloud.Core;

/// <summary>Turns one event into its effect on the projections (pure; no I/O).</summary>
public static class Projector
{
    /// <summary>
    /// Projects <paramref name="storedEvent"/>. False (with <paramref name="error"/>) when its data cannot be read as its
    /// type's payload; such an event must not be stored, or it would block its charger's stream.
    /// </summary>
    public static bool TryProject(StoredEvent storedEvent, DateTimeOffset appliedAt, out ProjectionChange change, out string? error)
    {
        ArgumentNullException.ThrowIfNull(storedEvent);
        change = new ProjectionChange(storedEvent.ChargerId, storedEvent.Seq, storedEvent.Id, storedEvent.Ts, appliedAt);
        error = null;
        try
        {
            switch (storedEvent.Type)
            {
                case EventTypes.Boot:
                    var boot = Read(storedEvent, ProtocolJsonContext.Default.BootData);
                    change = change with { Boot = new BootInfo(boot.Reason, boot.AgentVersion, boot.FirmwareVersion, boot.Model, boot.Serial) };
                    break;
                case EventTypes.StateChanged:
                    var state = Read(storedEvent, ProtocolJsonContext.Default.StateChangedData);
                    change = change with { State = state.To };
                    break;
                case EventTypes.FaultRaised:
                    // Faults and records are read to refuse what could not be read; the fleet's faults and maintenance log
                    // are what the "service" subscription derives (Charger.Cloud.FieldService), not tables of this transaction.
                    Read(storedEvent, ProtocolJsonContext.Default.FaultRaisedData);
                    break;
                case EventTypes.FaultCleared:
                    Read(storedEvent, ProtocolJsonContext.Default.FaultClearedData);
                    break;
                case EventTypes.ServiceRecord:
                    var record = Read(storedEvent, ProtocolJsonContext.Default.ServiceRecordData);
                    if (string.IsNullOrWhiteSpace(record.Kind) || string.IsNullOrWhiteSpace(record.EngineerId))
                    {
                        throw new JsonException("a service record needs kind and engineerId");
                    }

                    break;
                default:
                    // security.event, counters: stored and kept in the history; only seq and last-seen move.
                    break;
            }

            return true;
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or FormatException)
        {
            error = $"{storedEvent.Type}: {ex.Message}";
            return false;
        }
    }

    private static T Read<T>(StoredEvent e, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo) =>
        JsonSerializer.Deserialize(e.DataJson, typeInfo) ?? throw new JsonException("data is null");
}
