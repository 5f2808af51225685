using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Unicode;

namespace Charger.Protocol;

/// <summary>Why a message was refused.</summary>
public enum RejectReason
{
    None = 0,
    TooLarge,
    BadTopic,
    MalformedJson,
    MissingField,
    InvalidField,
    UnsupportedVersion,
    BadChargerId,
    ChargerIdMismatch,
    UnknownType,
    InvalidData,
}

/// <summary>The outcome of validating one message: the envelope, or a reason with detail.</summary>
public sealed record ValidationResult(Envelope? Envelope, RejectReason Reason, string Detail)
{
    public bool IsValid => Reason == RejectReason.None;

    /// <summary>False for a valid envelope whose type this version does not know (a newer agent's event).</summary>
    public bool IsKnownType { get; init; } = true;

    public static ValidationResult Ok(Envelope envelope) => new(envelope, RejectReason.None, string.Empty);

    public static ValidationResult Reject(RejectReason reason, string detail) => new(null, reason, detail);

    public override string ToString() => IsValid ? "valid" : $"{Reason}: {Detail}";
}

/// <summary>
/// Validates untrusted event messages against the v1 contract. It never throws for any input: whatever the bytes, the
/// result is an envelope or a reason.
/// </summary>
/// <remarks>
/// An event <c>type</c> this version does not know is accepted when it is a well-formed type name
/// (<see cref="IsTypeName"/>) with a <c>data</c> object: a newer agent's event is kept for a later receiver that reads
/// it (<see cref="ValidationResult.IsKnownType"/> is false), not refused.
/// </remarks>
public sealed partial class EnvelopeValidator
{
    /// <summary>Default size limit of one message.</summary>
    public const int DefaultMaxPayloadBytes = 64 * 1024;

    private readonly int _maxPayloadBytes;

    public EnvelopeValidator(int maxPayloadBytes = DefaultMaxPayloadBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPayloadBytes, 256);
        _maxPayloadBytes = maxPayloadBytes;
    }

    /// <summary>Validates a message received on <paramref name="topic"/>, which must be <c>ev/v1/{id}/events</c>.</summary>
    public ValidationResult Validate(string topic, ReadOnlySpan<byte> payload)
    {
        if (!Topics.TryParse(topic, out var topicId, out var kind) || kind != TopicKind.Events)
        {
            return ValidationResult.Reject(RejectReason.BadTopic, $"'{topic}' is not an ev/v1/{{id}}/events topic");
        }

        var result = Validate(payload);
        if (result.IsValid && !string.Equals(result.Envelope!.ChargerId, topicId, StringComparison.Ordinal))
        {
            return ValidationResult.Reject(RejectReason.ChargerIdMismatch, $"chargerId '{result.Envelope.ChargerId}' does not match topic charger '{topicId}'");
        }

        return result;
    }

    /// <summary>Validates a payload on its own (no topic check).</summary>
    public ValidationResult Validate(ReadOnlySpan<byte> payload)
    {
        if (payload.Length > _maxPayloadBytes)
        {
            return ValidationResult.Reject(RejectReason.TooLarge, $"{payload.Length} bytes exceeds the limit of {_maxPayloadBytes}");
        }

        // System.Text.Json checks UTF-8 only when a string is decoded, and then throws InvalidOperationException: check
        // the whole message first, so no reader below meets an invalid byte.
        if (!Utf8.IsValid(payload))
        {
            return ValidationResult.Reject(RejectReason.MalformedJson, "the message is not valid UTF-8");
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(payload.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException ex)
        {
            return ValidationResult.Reject(RejectReason.MalformedJson, ex.Message);
        }

        using (doc)
        {
            try
            {
                return ValidateDocument(doc.RootElement);
            }
            catch (InvalidOperationException ex)
            {
                // An escape that decodes to invalid UTF-16 (a lone surrogate such as \ud800) in a string this check reads.
                return ValidationResult.Reject(RejectReason.MalformedJson, ex.Message);
            }
        }
    }

    /// <summary>
    /// True for a well-formed event type name: lower-case words of letters and digits joined by '.' or '-', at most 64
    /// characters (<c>fault.raised</c>, <c>cmd-result.v2</c>).
    /// </summary>
    public static bool IsTypeName(string? type) => type is { Length: > 0 and <= 64 } && TypeNamePattern().IsMatch(type);

    [GeneratedRegex(@"\A[a-z][a-z0-9]*(?:[.-][a-z0-9]+)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex TypeNamePattern();

    private static ValidationResult ValidateDocument(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return ValidationResult.Reject(RejectReason.MalformedJson, "the envelope is not a JSON object");
        }

        if (!root.TryGetProperty("v", out var v))
        {
            return Missing("v");
        }

        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var version))
        {
            return Invalid("v", "must be an integer");
        }

        if (version != Envelope.CurrentVersion)
        {
            return ValidationResult.Reject(RejectReason.UnsupportedVersion, $"envelope version {version} is not supported (this receiver reads v{Envelope.CurrentVersion})");
        }

        if (!root.TryGetProperty("id", out var idEl))
        {
            return Missing("id");
        }

        if (idEl.ValueKind != JsonValueKind.String || !Guid.TryParse(idEl.GetString(), out var id) || id == Guid.Empty)
        {
            return Invalid("id", "must be a non-empty UUID");
        }

        if (!root.TryGetProperty("chargerId", out var cidEl))
        {
            return Missing("chargerId");
        }

        var chargerId = cidEl.ValueKind == JsonValueKind.String ? cidEl.GetString() : null;
        if (!ChargerId.IsValid(chargerId))
        {
            return ValidationResult.Reject(RejectReason.BadChargerId, $"chargerId '{Truncate(cidEl.ToString())}' does not match [A-Za-z0-9._-]{{1,64}}");
        }

        if (!root.TryGetProperty("seq", out var seqEl))
        {
            return Missing("seq");
        }

        if (seqEl.ValueKind != JsonValueKind.Number || !seqEl.TryGetInt64(out var seq) || seq < 1)
        {
            return Invalid("seq", "must be an integer >= 1");
        }

        if (!root.TryGetProperty("ts", out var tsEl))
        {
            return Missing("ts");
        }

        if (tsEl.ValueKind != JsonValueKind.String || !tsEl.TryGetDateTimeOffset(out var ts))
        {
            return Invalid("ts", "must be an ISO-8601 timestamp");
        }

        if (!root.TryGetProperty("type", out var typeEl))
        {
            return Missing("type");
        }

        var type = typeEl.ValueKind == JsonValueKind.String ? typeEl.GetString()! : string.Empty;
        var known = EventTypes.All.Contains(type);
        if (!known && !IsTypeName(type))
        {
            return ValidationResult.Reject(RejectReason.UnknownType, $"type '{Truncate(typeEl.ToString())}' is not an event type name");
        }

        if (!root.TryGetProperty("data", out var data))
        {
            return Missing("data");
        }

        if (data.ValueKind != JsonValueKind.Object)
        {
            return Invalid("data", "must be a JSON object");
        }

        var dataError = ValidateData(type, data);
        if (dataError is not null)
        {
            return ValidationResult.Reject(RejectReason.InvalidData, $"{type}: {dataError}");
        }

        return ValidationResult.Ok(new Envelope
        {
            Id = id,
            ChargerId = chargerId!,
            Seq = seq,
            Ts = ts.ToUniversalTime(),
            Type = type,
            Data = data.Clone(),
        }) with { IsKnownType = known };
    }

    private static string? ValidateData(string type, JsonElement data) => type switch
    {
        EventTypes.FaultRaised => RequireString(data, "code") ?? RequireString(data, "component") ?? RequireSeverity(data) ?? OptionalNumber(data, "value") ?? OptionalGuid(data, "cause"),
        EventTypes.FaultCleared => RequireString(data, "code") ?? RequireString(data, "component") ?? OptionalNumber(data, "value"),
        EventTypes.StateChanged => RequireState(data, "from") ?? RequireState(data, "to") ?? RequireString(data, "trigger"),
        EventTypes.Boot => RequireString(data, "reason") ?? RequireString(data, "agentVersion"),
        EventTypes.ServiceRecord => RequireString(data, "kind") ?? RequireString(data, "engineerId"),
        EventTypes.SecurityEvent => RequireString(data, "kind"),
        EventTypes.Counters => OptionalNumber(data, "energyWh") ?? OptionalNumber(data, "contactorCycles") ?? OptionalNumber(data, "operatingHours"),
        _ => null,
    };

    private static string? RequireString(JsonElement data, string name) =>
        data.TryGetProperty(name, out var el) && el.ValueKind == JsonValueKind.String && el.GetString()!.Length > 0
            ? null
            : $"data.{name} is required and must be a non-empty string";

    private static string? RequireSeverity(JsonElement data) =>
        data.TryGetProperty("severity", out var el) && el.ValueKind == JsonValueKind.String && SeverityNames.TryParse(el.GetString(), out _)
            ? null
            : "data.severity is required and must be one of critical, major, minor, warning";

    private static string? RequireState(JsonElement data, string name) =>
        data.TryGetProperty(name, out var el) && el.ValueKind == JsonValueKind.String && Enum.TryParse<DiagnosticState>(el.GetString(), ignoreCase: false, out _)
            ? null
            : $"data.{name} is required and must be a diagnostic state";

    private static string? OptionalNumber(JsonElement data, string name) =>
        !data.TryGetProperty(name, out var el) || el.ValueKind is JsonValueKind.Number or JsonValueKind.Null
            ? null
            : $"data.{name} must be a number";

    private static string? OptionalGuid(JsonElement data, string name) =>
        !data.TryGetProperty(name, out var el) || el.ValueKind == JsonValueKind.Null || (el.ValueKind == JsonValueKind.String && Guid.TryParse(el.GetString(), out _))
            ? null
            : $"data.{name} must be an event id (UUID)";

    private static ValidationResult Missing(string field) =>
        ValidationResult.Reject(RejectReason.MissingField, $"required field '{field}' is missing");

    private static ValidationResult Invalid(string field, string why) =>
        ValidationResult.Reject(RejectReason.InvalidField, $"field '{field}' {why}");

    // Never cuts a surrogate pair in two: a lone surrogate cannot be encoded for storage.
    private static string Truncate(string s) => s.Length <= 80 ? s : s[..(char.IsHighSurrogate(s[79]) ? 79 : 80)] + "...";
}
