using System.Text.Json.Serialization;

namespace Charger.Protocol;

/// <summary>Source-generated JSON for every v1 type: camelCase, nulls omitted.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Envelope))]
[JsonSerializable(typeof(AckMessage))]
[JsonSerializable(typeof(BootData))]
[JsonSerializable(typeof(StateChangedData))]
[JsonSerializable(typeof(FaultRaisedData))]
[JsonSerializable(typeof(FaultClearedData))]
[JsonSerializable(typeof(CountersData))]
[JsonSerializable(typeof(ServiceRecordData))]
[JsonSerializable(typeof(SecurityEventData))]
public sealed partial class ProtocolJsonContext : JsonSerializerContext;
