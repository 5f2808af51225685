using Charger.Protocol;

namespace Charger.Cloud.Mqtt;

/// <summary>
/// Who may publish and subscribe to what on the embedded broker (the ACL table of README.md).
/// Each check returns null when allowed, otherwise the reason it is not.
/// </summary>
internal static class TopicRules
{
    /// <summary>User name of the in-process receiver; '$' cannot occur in a charger id, so no charger can take it.</summary>
    public const string ReceiverUserName = "$receiver";

    /// <summary>The receiver's MQTT client id must start with this, so no charger (client id = charger id) can take over its session.</summary>
    public const string ReceiverClientIdPrefix = "$receiver";

    public static bool IsReceiverClientId(string? clientId) =>
        clientId is not null && clientId.StartsWith(ReceiverClientIdPrefix, StringComparison.Ordinal);

    /// <summary>A charger publishes only its own agent -> cloud topics.</summary>
    public static string? CheckChargerPublish(string chargerId, string? topic)
    {
        if (HasWildcard(topic))
        {
            return "a topic name must not contain wildcards";
        }

        if (!Topics.TryParse(topic, out var id, out var kind))
        {
            return "not a v1 topic";
        }

        if (!string.Equals(id, chargerId, StringComparison.Ordinal))
        {
            return $"topic of another charger ({id})";
        }

        return kind is TopicKind.Events or TopicKind.Telemetry or TopicKind.Status or TopicKind.CommandResult
            ? null
            : $"{kind} is a cloud -> agent topic";
    }

    /// <summary>The receiver publishes only cloud -> agent topics: acks and commands.</summary>
    public static string? CheckReceiverPublish(string? topic)
    {
        if (HasWildcard(topic))
        {
            return "a topic name must not contain wildcards";
        }

        if (!Topics.TryParse(topic, out _, out var kind))
        {
            return "not a v1 topic";
        }

        return kind is TopicKind.Ack or TopicKind.Command ? null : $"{kind} is an agent -> cloud topic";
    }

    /// <summary>A charger subscribes only to its own ack and command topics.</summary>
    public static string? CheckChargerSubscribe(string chargerId, string? filter)
    {
        if (filter is null)
        {
            return "empty filter";
        }

        var own = Topics.Root + chargerId + "/";
        if (!filter.StartsWith(own, StringComparison.Ordinal))
        {
            return "only the charger's own ack and cmd topics may be subscribed";
        }

        var tail = filter.AsSpan(own.Length);
        if (tail.SequenceEqual("ack") || tail.SequenceEqual("cmd/#") || tail.SequenceEqual("cmd/+"))
        {
            return null;
        }

        // One named command: cmd/{name} without wildcards or further levels.
        if (tail.StartsWith("cmd/") && tail.Length > 4 && tail[4..].IndexOfAny('/', '+', '#') < 0)
        {
            return null;
        }

        return "only the charger's own ack and cmd topics may be subscribed";
    }

    private static readonly string[] ReceiverSubscribableKinds = ["events", "status", "telemetry", "cmd-result"];

    /// <summary>The receiver subscribes to agent -> cloud topics of any charger (<c>+</c>) or of one charger.</summary>
    public static string? CheckReceiverSubscribe(string? filter)
    {
        var parts = filter?.Split('/');
        if (parts is not { Length: 4 } || parts[0] != "ev" || parts[1] != "v1"
            || (parts[2] != "+" && !ChargerId.IsValid(parts[2]))
            || Array.IndexOf(ReceiverSubscribableKinds, parts[3]) < 0)
        {
            return "the receiver subscribes only to ev/v1/{+|id}/events|status|telemetry|cmd-result";
        }

        return null;
    }

    private static bool HasWildcard(string? topic) => topic is not null && topic.AsSpan().IndexOfAny('+', '#') >= 0;
}
