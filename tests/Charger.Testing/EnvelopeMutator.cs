using System.Text;
using Charger.Protocol;

namespace Charger.Testing;

/// <summary>
/// Hostile and broken variants of valid v1 envelopes, for fuzz tests of every reader of charger messages: bit flips,
/// truncation, bytes that are not UTF-8, escapes that decode to nothing valid, deep nesting, type confusion, huge
/// numbers, renamed and duplicated fields, unknown types, random bytes. Deterministic for a given <see cref="Random"/>.
/// </summary>
public sealed class EnvelopeMutator(Random random)
{
    /// <summary>How many kinds of mutation <see cref="Mutate"/> picks from.</summary>
    public const int Kinds = 14;

    private static readonly string[] Fields = ["v", "id", "chargerId", "seq", "ts", "type", "data"];

    private static readonly string[] Confusions =
    [
        "null", "true", "[]", "{}", "\"\"", "-1", "0", "1e400", "99999999999999999999999", "-9223372036854775809", "1.5",
        "\"\\ud800\"", "\"\\u0000\"", "\"x\\udc00y\"", "[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]", "\"" + new string('a', 70_000) + "\"",
    ];

    /// <summary>A valid envelope of <paramref name="chargerId"/> at <paramref name="seq"/>, of a type picked at random.</summary>
    public Envelope Valid(string chargerId, long seq)
    {
        var ts = DateTimeOffset.UnixEpoch.AddYears(56).AddSeconds(seq);
        return random.Next(5) switch
        {
            0 => Envelope.Create(chargerId, seq, ts, EventTypes.Boot, new BootData { Reason = "power-on", AgentVersion = "1.0.0", Model = "EVC-22" }, ProtocolJsonContext.Default.BootData),
            1 => Envelope.Create(chargerId, seq, ts, EventTypes.FaultRaised, new FaultRaisedData { Code = FaultCatalogue.GroundFailure, Component = "rcd", Severity = Severity.Critical, Value = 31.5, Unit = "mA", BlocksCharging = true }, ProtocolJsonContext.Default.FaultRaisedData),
            2 => Envelope.Create(chargerId, seq, ts, EventTypes.FaultCleared, new FaultClearedData { Code = FaultCatalogue.GroundFailure, Component = "rcd", Reason = "reset" }, ProtocolJsonContext.Default.FaultClearedData),
            3 => Envelope.Create(chargerId, seq, ts, EventTypes.StateChanged, new StateChangedData { From = DiagnosticState.Operational, To = DiagnosticState.Faulted, Trigger = "fault" }, ProtocolJsonContext.Default.StateChangedData),
            _ => Envelope.Create(chargerId, seq, ts, EventTypes.Counters, new CountersData { EnergyWh = seq * 10, ContactorCycles = seq }, ProtocolJsonContext.Default.CountersData),
        };
    }

    /// <summary>A mutated copy of <paramref name="envelope"/>'s bytes (mutation <paramref name="kind"/>, or one at random).</summary>
    public byte[] Mutate(Envelope envelope, int? kind = null)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var bytes = envelope.ToUtf8Json();
        var text = Encoding.UTF8.GetString(bytes);
        switch (kind ?? random.Next(Kinds))
        {
            case 0: // bit flips
                for (var k = random.Next(1, 5); k > 0; k--)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                }

                return bytes;
            case 1: // truncation
                return bytes[..random.Next(bytes.Length)];
            case 2: // a byte that is not UTF-8 inside a string
                var quote = FindQuote(text);
                bytes[Math.Min(bytes.Length - 1, quote + 1)] = (byte)random.Next(0x80, 0x100);
                return bytes;
            case 3: // an invalid two-byte sequence in the middle of a value
                var at = Encoding.UTF8.GetByteCount(text[..(FindQuote(text) + 1)]);
                return [.. bytes[..at], 0xC3, 0x28, .. bytes[at..]];
            case 4: // an escape that decodes to a lone surrogate or NUL
                var q = FindQuote(text);
                return Encoding.UTF8.GetBytes(text.Insert(q + 1, random.Next(3) switch { 0 => "\\ud800", 1 => "\\udfff", _ => "\\u0000" }));
            case 5: // deep nesting in data
                var depth = random.Next(10, 5_000);
                return Encoding.UTF8.GetBytes(ReplaceValue(text, "data", "{\"x\":" + new string('[', depth) + new string(']', depth) + "}"));
            case 6: // type confusion: a field gets a value of another kind
                return Encoding.UTF8.GetBytes(ReplaceValue(text, Fields[random.Next(Fields.Length)], Confusions[random.Next(Confusions.Length)]));
            case 7: // a data field gets a value of another kind
                return Encoding.UTF8.GetBytes(text.Replace("\"code\":\"", "\"code\":" + Confusions[random.Next(Confusions.Length)] + ",\"was\":\"", StringComparison.Ordinal)
                    .Replace("\"to\":\"", "\"to\":" + Confusions[random.Next(Confusions.Length)] + ",\"was\":\"", StringComparison.Ordinal)
                    .Replace("\"energyWh\":", "\"energyWh\":\"lots\",\"was\":", StringComparison.Ordinal)
                    .Replace("\"agentVersion\":\"", "\"agentVersion\":[],\"was\":\"", StringComparison.Ordinal));
            case 8: // a field renamed or removed
                var field = Fields[random.Next(Fields.Length)];
                return Encoding.UTF8.GetBytes(text.Replace($"\"{field}\":", random.Next(2) == 0 ? $"\"{field}X\":" : $"\"{field}\":null,\"{field}2\":", StringComparison.Ordinal));
            case 9: // a field twice, the second one different
                return Encoding.UTF8.GetBytes(text.Insert(text.Length - 1, random.Next(2) == 0 ? ",\"seq\":1" : ",\"chargerId\":\"CP-OTHER\""));
            case 10: // a type this version does not know, valid or not as a name
                return Encoding.UTF8.GetBytes(ReplaceValue(text, "type", random.Next(3) switch { 0 => "\"future.event\"", 1 => "\"Not A Type\"", _ => "\"rejected\"" }));
            case 11: // random bytes
                var noise = new byte[random.Next(0, 600)];
                random.NextBytes(noise);
                return noise;
            case 12: // a byte-order mark, whitespace and trailing garbage
                return [0xEF, 0xBB, 0xBF, .. bytes, (byte)' ', (byte)random.Next(256)];
            default: // another charger's id in the payload
                return Encoding.UTF8.GetBytes(ReplaceValue(text, "chargerId", "\"CP-SOMEONE-ELSE\""));
        }
    }

    private int FindQuote(string text)
    {
        var q = text.IndexOf('"', random.Next(text.Length));
        return q < 0 ? text.IndexOf('"', StringComparison.Ordinal) : q;
    }

    /// <summary>The JSON text with the top-level value of <paramref name="field"/> replaced by <paramref name="json"/>.</summary>
    private static string ReplaceValue(string text, string field, string json)
    {
        var key = $"\"{field}\":";
        var start = text.IndexOf(key, StringComparison.Ordinal);
        if (start < 0)
        {
            return text;
        }

        start += key.Length;
        var end = ValueEnd(text, start);
        return string.Concat(text.AsSpan(0, start), json, text.AsSpan(end));
    }

    private static int ValueEnd(string text, int start)
    {
        var depth = 0;
        var inString = false;
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (inString)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inString = false;
                    if (depth == 0)
                    {
                        return i + 1;
                    }
                }

                continue;
            }

            switch (c)
            {
                case '"':
                    inString = true;
                    break;
                case '{' or '[':
                    depth++;
                    break;
                case '}' or ']' when depth == 0:
                    return i;
                case '}' or ']':
                    depth--;
                    if (depth == 0)
                    {
                        return i + 1;
                    }

                    break;
                case ',' when depth == 0:
                    return i;
            }
        }

        return text.Length;
    }
}
