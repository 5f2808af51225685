namespace Charger.Protocol;

/// <summary>What a topic under <c>ev/v1/{id}/</c> carries.</summary>
public enum TopicKind
{
    /// <summary>Not a v1 topic.</summary>
    Unknown = 0,
    /// <summary><c>ev/v1/{id}/events</c>: journaled events, QoS 1.</summary>
    Events,
    /// <summary><c>ev/v1/{id}/telemetry</c>: periodic summaries, may be dropped.</summary>
    Telemetry,
    /// <summary><c>ev/v1/{id}/status</c>: retained online/offline.</summary>
    Status,
    /// <summary><c>ev/v1/{id}/ack</c>: the cloud's cumulative acknowledgement.</summary>
    Ack,
    /// <summary><c>ev/v1/{id}/cmd/{name}</c>: a remote request to the agent.</summary>
    Command,
    /// <summary><c>ev/v1/{id}/cmd-result</c>: the agent's answer to a remote request.</summary>
    CommandResult,
}

/// <summary>The v1 MQTT topics (DESIGN.md, fixed contracts).</summary>
public static class Topics
{
    /// <summary>Prefix of every v1 topic.</summary>
    public const string Root = "ev/v1/";

    /// <summary>Payload of the retained status topic when the agent is connected.</summary>
    public const string Online = "online";

    /// <summary>Payload of the retained status topic set by the last will.</summary>
    public const string Offline = "offline";

    public static string Events(string chargerId) => Root + ChargerId.Require(chargerId) + "/events";
    public static string Telemetry(string chargerId) => Root + ChargerId.Require(chargerId) + "/telemetry";
    public static string Status(string chargerId) => Root + ChargerId.Require(chargerId) + "/status";
    public static string Ack(string chargerId) => Root + ChargerId.Require(chargerId) + "/ack";
    public static string CommandResult(string chargerId) => Root + ChargerId.Require(chargerId) + "/cmd-result";
    public static string Command(string chargerId, string name) => Root + ChargerId.Require(chargerId) + "/cmd/" + name;

    /// <summary>Subscription filter for every charger's events.</summary>
    public const string AllEvents = "ev/v1/+/events";

    /// <summary>Subscription filter for every charger's status.</summary>
    public const string AllStatus = "ev/v1/+/status";

    /// <summary>Subscription filter for every charger's telemetry.</summary>
    public const string AllTelemetry = "ev/v1/+/telemetry";

    /// <summary>Splits a topic into charger id and kind. Returns false for anything that is not a well-formed v1 topic.</summary>
    public static bool TryParse(string? topic, out string chargerId, out TopicKind kind)
    {
        chargerId = string.Empty;
        kind = TopicKind.Unknown;
        if (topic is null || !topic.StartsWith(Root, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = topic.AsSpan(Root.Length);
        var slash = rest.IndexOf('/');
        if (slash <= 0)
        {
            return false;
        }

        var id = rest[..slash].ToString();
        if (!ChargerId.IsValid(id))
        {
            return false;
        }

        var tail = rest[(slash + 1)..];
        kind = tail switch
        {
            "events" => TopicKind.Events,
            "telemetry" => TopicKind.Telemetry,
            "status" => TopicKind.Status,
            "ack" => TopicKind.Ack,
            "cmd-result" => TopicKind.CommandResult,
            _ when tail.StartsWith("cmd/") && tail.Length > 4 && !tail[4..].Contains('/') => TopicKind.Command,
            _ => TopicKind.Unknown,
        };
        if (kind == TopicKind.Unknown)
        {
            return false;
        }

        chargerId = id;
        return true;
    }
}
