using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Charger.Protocol;

/// <summary>
/// The v1 envelope around every journaled event:
/// <c>{"v":1,"id":"uuid","chargerId":"...","seq":1,"ts":"...Z","type":"...","data":{...}}</c>.
/// </summary>
public sealed record Envelope
{
    /// <summary>The only envelope version this library reads and writes.</summary>
    public const int CurrentVersion = 1;

    [JsonPropertyName("v")]
    public int V { get; init; } = CurrentVersion;

    public required Guid Id { get; init; }

    public required string ChargerId { get; init; }

    /// <summary>Per charger, starts at 1, no gaps.</summary>
    public required long Seq { get; init; }

    [JsonConverter(typeof(UtcTimestampConverter))]
    public required DateTimeOffset Ts { get; init; }

    public required string Type { get; init; }

    public required JsonElement Data { get; init; }

    /// <summary>Builds an envelope around a typed payload.</summary>
    public static Envelope Create<T>(string chargerId, long seq, DateTimeOffset ts, string type, T data, JsonTypeInfo<T> typeInfo, Guid? id = null) => new()
    {
        Id = id ?? Guid.NewGuid(),
        ChargerId = Protocol.ChargerId.Require(chargerId),
        Seq = seq,
        Ts = ts.ToUniversalTime(),
        Type = type,
        Data = JsonSerializer.SerializeToElement(data, typeInfo),
    };

    /// <summary>Reads the payload as <typeparamref name="T"/>.</summary>
    public T DataAs<T>(JsonTypeInfo<T> typeInfo) =>
        Data.Deserialize(typeInfo) ?? throw new JsonException($"The data of a {Type} event is null.");

    /// <summary>UTF-8 JSON of this envelope.</summary>
    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, ProtocolJsonContext.Default.Envelope);

    /// <summary>Parses an envelope without validating it; use <see cref="EnvelopeValidator"/> for untrusted input.</summary>
    public static Envelope FromUtf8Json(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, ProtocolJsonContext.Default.Envelope) ?? throw new JsonException("null envelope");
}

/// <summary>Writes timestamps as ISO-8601 UTC with a trailing Z; reads any ISO-8601 offset.</summary>
public sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset().ToUniversalTime();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
}

/// <summary>The cloud's cumulative acknowledgement on <c>ev/v1/{id}/ack</c>: every event with seq &lt;= UpTo is stored.</summary>
public sealed record AckMessage(long UpTo);
