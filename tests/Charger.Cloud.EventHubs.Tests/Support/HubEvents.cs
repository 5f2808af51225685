using System.Globalization;
using Azure.Messaging.EventHubs;
using Charger.Protocol;

namespace Charger.Cloud.EventHubs.Tests.Support;

/// <summary>Events as the processor reads them from a partition (<see cref="EventHubsModelFactory"/>), and envelopes.</summary>
internal static class HubEvents
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    /// <summary>A v1 envelope (a <c>counters</c> event) of <paramref name="chargerId"/> with <paramref name="seq"/>.</summary>
    public static byte[] Envelope(string chargerId, long seq, Guid? id = null) =>
        global::Charger.Protocol.Envelope.Create(chargerId, seq, T0.AddMinutes(seq), EventTypes.Counters,
            new CountersData { EnergyWh = 1000 * seq, ContactorCycles = seq }, ProtocolJsonContext.Default.CountersData, id).ToUtf8Json();

    /// <summary>The event at <paramref name="sequenceNumber"/> of a partition (offset = 1000 x it), its MQTT topic in <c>mqtt-topic</c>.</summary>
    public static EventData Mqtt(long sequenceNumber, string? topic, byte[] body, string topicProperty = "mqtt-topic") =>
        At(sequenceNumber, body, topic is null ? new Dictionary<string, object>() : new Dictionary<string, object> { [topicProperty] = topic });

    /// <summary>The event of <paramref name="chargerId"/> with <paramref name="seq"/> at <paramref name="sequenceNumber"/> of the partition.</summary>
    public static EventData Of(long sequenceNumber, string chargerId, long seq) => Mqtt(sequenceNumber, Topics.Events(chargerId), Envelope(chargerId, seq));

    public static EventData At(long sequenceNumber, byte[] body, IDictionary<string, object> properties, string? contentType = null)
    {
        var e = EventHubsModelFactory.EventData(new BinaryData(body), properties, new Dictionary<string, object>(), partitionKey: null,
            sequenceNumber, Offset(sequenceNumber), T0.AddSeconds(sequenceNumber));
        e.ContentType = contentType;
        return e;
    }

    public static string Offset(long sequenceNumber) => (sequenceNumber * 1000).ToString(CultureInfo.InvariantCulture);
}
