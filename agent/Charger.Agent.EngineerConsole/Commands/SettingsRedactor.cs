using System.Text.Json.Nodes;

namespace Charger.Agent.EngineerConsole.Commands;

/// <summary>
/// Redacts secrets from a settings tree before it leaves the agent: the value of every key whose name contains
/// password, passwd, secret, token, credential, salt or hash, or ends with key or pin (a PIN, an API key; GPIO pin
/// numbers are numbers and stay) becomes <see cref="Redacted"/>. Null values stay null (nothing to hide, and it
/// shows the setting is unset).
/// </summary>
public static class SettingsRedactor
{
    public const string Redacted = "(redacted)";

    private static readonly string[] SecretParts = ["password", "passwd", "secret", "token", "credential", "salt", "hash"];

    /// <summary>True when a setting named <paramref name="name"/> holding <paramref name="value"/> is a secret.</summary>
    public static bool IsSecret(string name, JsonNode? value)
    {
        ArgumentNullException.ThrowIfNull(name);
        var lower = name.ToLowerInvariant();
        if (SecretParts.Any(lower.Contains))
        {
            return true;
        }

        var isNumber = value is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number;
        return !isNumber && (lower.EndsWith("key", StringComparison.Ordinal) || lower.EndsWith("pin", StringComparison.Ordinal));
    }

    /// <summary>Redacts <paramref name="node"/> in place and returns it.</summary>
    public static JsonNode? Redact(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj.ToList())
                {
                    if (value is not null && value is not JsonObject && value is not JsonArray && IsSecret(name, value))
                    {
                        obj[name] = Redacted;
                    }
                    else if (value is JsonObject or JsonArray && IsSecret(name, null) && !HasOnlyNulls(value))
                    {
                        obj[name] = Redacted;
                    }
                    else
                    {
                        Redact(value);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Redact(item);
                }

                break;
        }

        return node;
    }

    private static bool HasOnlyNulls(JsonNode node) => node switch
    {
        JsonObject o => o.All(kv => kv.Value is null || HasOnlyNulls(kv.Value)),
        JsonArray a => a.All(i => i is null || HasOnlyNulls(i)),
        _ => false,
    };
}
