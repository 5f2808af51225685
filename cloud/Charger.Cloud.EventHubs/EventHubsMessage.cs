using System.Text;
using System.Text.Json;
using Azure.Messaging.EventHubs;

namespace Charger.Cloud.EventHubs;

/// <summary>
/// How a broker's MQTT message arrives in an event hub, and how the ingress gets back its topic and payload. Tried in order:
/// <list type="number">
/// <item>an application property named in <c>EventHubs:TopicProperties</c> (default <c>mqtt-topic</c>, then <c>topic</c>)
/// holds the MQTT topic and the body is the payload as published (a bridge that copies MQTT messages as they are);</item>
/// <item>a CloudEvent in binary content mode: the application property <c>cloudEvents:subject</c> (or <c>cloudEvents_subject</c>)
/// holds the topic, the body is the payload;</item>
/// <item>a CloudEvent in structured content mode (content type <c>application/cloudevents+json</c>, or a JSON body with
/// <c>specversion</c>), as Azure Event Grid's MQTT broker routing produces: <c>subject</c> is the topic, <c>data</c> (JSON,
/// kept byte for byte) or <c>data_base64</c> is the payload.</item>
/// </list>
/// Anything else has no topic; the ingress hands it to the pipeline under a descriptive pseudo-topic so it is dead-lettered
/// with reason <c>BadTopic</c>.
/// </summary>
internal static class EventHubsMessage
{
    private static readonly string[] CloudEventSubjectProperties = ["cloudEvents:subject", "cloudEvents_subject"];

    /// <summary>The topic (null when none was found), the payload, and where the topic came from or why there is none.</summary>
    public static (string? Topic, ReadOnlyMemory<byte> Payload, string Source) Map(EventData eventData, IReadOnlyList<string> topicProperties)
    {
        var body = eventData.EventBody?.ToMemory() ?? ReadOnlyMemory<byte>.Empty;
        foreach (var name in topicProperties)
        {
            if (TryGetString(eventData, name, out var topic))
            {
                return (topic, body, $"property '{name}'");
            }
        }

        foreach (var name in CloudEventSubjectProperties)
        {
            if (TryGetString(eventData, name, out var topic))
            {
                return (topic, body, $"CloudEvents property '{name}'");
            }
        }

        var structured = eventData.ContentType?.StartsWith("application/cloudevents+json", StringComparison.OrdinalIgnoreCase) == true;
        if (structured || LooksLikeJsonObject(body.Span))
        {
            if (TryReadStructuredCloudEvent(body, out var topic, out var payload, out var problem))
            {
                return (topic, payload, "CloudEvents subject");
            }

            if (structured || problem is not null)
            {
                return (null, body, problem ?? "a CloudEvent without subject");
            }
        }

        return (null, body, $"none of the properties {string.Join(", ", topicProperties.Concat(CloudEventSubjectProperties).Select(n => $"'{n}'"))} and no CloudEvents subject");
    }

    private static bool TryGetString(EventData eventData, string name, out string value)
    {
        value = string.Empty;
        if (eventData.Properties is null || !eventData.Properties.TryGetValue(name, out var raw))
        {
            return false;
        }

        value = raw switch
        {
            string s => s,
            byte[] bytes => Encoding.UTF8.GetString(bytes),
            _ => string.Empty,
        };
        return value.Length > 0;
    }

    private static bool LooksLikeJsonObject(ReadOnlySpan<byte> body)
    {
        var trimmed = body.TrimStart(" \t\r\n"u8);
        return trimmed.Length > 0 && trimmed[0] == (byte)'{' && body.IndexOf("\"specversion\""u8) >= 0;
    }

    /// <summary>Reads a structured-mode CloudEvent. False with a null problem when the body is not a CloudEvent at all.</summary>
    private static bool TryReadStructuredCloudEvent(ReadOnlyMemory<byte> body, out string? topic, out ReadOnlyMemory<byte> payload, out string? problem)
    {
        topic = null;
        payload = body;
        problem = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("specversion", out _))
            {
                return false;
            }

            if (!root.TryGetProperty("subject", out var subject) || subject.ValueKind != JsonValueKind.String || subject.GetString() is not { Length: > 0 } s)
            {
                problem = "a CloudEvent without subject";
                return false;
            }

            if (root.TryGetProperty("data", out var data))
            {
                // A JSON payload is carried as JSON: keep its text as the charger sent it. A non-JSON payload is a JSON string.
                payload = data.ValueKind == JsonValueKind.String
                    ? Encoding.UTF8.GetBytes(data.GetString()!)
                    : Encoding.UTF8.GetBytes(data.GetRawText());
            }
            else if (root.TryGetProperty("data_base64", out var base64) && base64.ValueKind == JsonValueKind.String)
            {
                payload = base64.GetBytesFromBase64();
            }
            else
            {
                payload = ReadOnlyMemory<byte>.Empty;
            }

            topic = s;
            return true;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            problem = $"a CloudEvent that cannot be read: {ex.Message}";
            return false;
        }
    }
}
