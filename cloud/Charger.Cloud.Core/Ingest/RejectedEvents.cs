using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Charger.Cloud.Core;

/// <summary>
/// What a refused message does to its charger's stream. A message that cannot be stored as an event but names a seq
/// (readable from the top level of its JSON, even when the JSON breaks off later) on its charger's own topic takes that
/// seq as an event of type <see cref="Type"/>: the stream stays gap-free, the cumulative ack moves past it, and the agent
/// stops resending what the cloud will never accept. The refused bytes are kept in the marker's data (base64), so
/// nothing the charger sent is lost; the dead letter says why.
/// </summary>
/// <remarks>
/// The topic is the charger's identity (the broker lets a charger publish on its own topics only), so a charger can
/// mark seqs of its own stream only. A resend of the same bytes is a duplicate of the marker; other bytes under a seq
/// that is already stored are a conflict and change nothing.
/// </remarks>
public static class RejectedEvents
{
    /// <summary>The type of a marker. Reserved by the cloud: an agent's event of this type is refused.</summary>
    public const string Type = "rejected";

    /// <summary>
    /// The seq named at the top level of <paramref name="payload"/>, if one is readable (an integer &gt;= 1) and the
    /// message does not name another charger than <paramref name="chargerId"/> (a seq of another charger's stream is not
    /// this one's to mark).
    /// </summary>
    public static bool TryReadSeq(ReadOnlySpan<byte> payload, string chargerId, out long seq)
    {
        seq = 0;
        long found = 0;
        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 0))
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
                {
                    if (reader.ValueTextEquals("seq"u8))
                    {
                        if (found != 0 || !reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out found) || found < 1)
                        {
                            return false; // twice, or not a seq
                        }

                        continue;
                    }

                    if (reader.ValueTextEquals("chargerId"u8))
                    {
                        if (!reader.Read() || (reader.TokenType == JsonTokenType.String && !reader.ValueTextEquals(chargerId)))
                        {
                            return false;
                        }

                        continue;
                    }
                }

                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // The JSON broke off: what was read before holds.
        }
        catch (InvalidOperationException)
        {
            // Skip() on a partial document, or an escape that decodes to nothing valid: what was read before holds.
        }

        seq = found;
        return found >= 1;
    }

    /// <summary>
    /// The marker of a refused message with a readable seq. Its bytes are kept when they are at most
    /// <paramref name="maxKeptBytes"/> long (a message refused as too large keeps its length only).
    /// </summary>
    public static StoredEvent Create(string chargerId, long seq, ReadOnlySpan<byte> payload, string reason, string detail, DateTimeOffset receivedAt, int maxKeptBytes)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + (payload.Length * 4 / 3));
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("reason"u8, reason);
            json.WriteString("detail"u8, TextSafety.Clean(detail));
            json.WriteNumber("payloadBytes"u8, payload.Length);
            if (payload.Length <= maxKeptBytes)
            {
                json.WriteBase64String("payload"u8, payload);
            }

            json.WriteEndObject();
        }

        return new StoredEvent(chargerId, seq, IdOf(chargerId, seq, payload), Type, receivedAt, receivedAt, Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    /// <summary>The marker's event id: the same bytes resent give the same id (a duplicate), other bytes another.</summary>
    private static Guid IdOf(string chargerId, long seq, ReadOnlySpan<byte> payload)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{chargerId}\n{seq}\n"));
        hash.AppendData(payload);
        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        digest[6] = (byte)((digest[6] & 0x0F) | 0x80); // version 8 (custom), RFC 9562
        digest[8] = (byte)((digest[8] & 0x3F) | 0x80); // variant
        return new Guid(digest[..16], bigEndian: true);
    }
}

/// <summary>Text from outside made storable: no NUL (PostgreSQL text refuses it) and no lone surrogate (not encodable as UTF-8).</summary>
public static class TextSafety
{
    /// <summary><paramref name="s"/> with NUL and lone surrogates replaced by U+FFFD.</summary>
    public static string Clean(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (s.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') >= 0)
        {
            // The UTF-8 encoder replaces a lone surrogate with U+FFFD and keeps pairs.
            s = Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(s));
        }

        return s.Contains('\0', StringComparison.Ordinal) ? s.Replace('\0', '\uFFFD') : s;
    }

    /// <summary>At most <paramref name="max"/> characters, never cutting a surrogate pair in two.</summary>
    public static string Truncate(string s, int max)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (s.Length <= max)
        {
            return s;
        }

        return s[..(max > 0 && char.IsHighSurrogate(s[max - 1]) ? max - 1 : max)];
    }
}
