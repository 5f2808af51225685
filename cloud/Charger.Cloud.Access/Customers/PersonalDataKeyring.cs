using System.Security.Cryptography;
using System.Text;

namespace Charger.Cloud.Access;

/// <summary>
/// Encrypts and decrypts customers' personal data with AES-256-GCM. A value is stored as
/// <c>{keyId}:{base64(nonce(12) | tag(16) | ciphertext)}</c>: a random nonce per value, and the id of the key that wrote
/// it (the first 8 hex digits of the key's SHA-256), so keys can rotate: the current key writes, earlier keys still read.
/// The associated data binds a value to its customer and field, so a value copied into another row or field fails to decrypt.
/// </summary>
public sealed class PersonalDataKeyring
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly Dictionary<string, byte[]> _keys = new(StringComparer.Ordinal);

    /// <summary>A keyring writing with <paramref name="current"/> and reading with it and <paramref name="previous"/>.</summary>
    public PersonalDataKeyring(byte[] current, IEnumerable<byte[]>? previous = null)
    {
        ArgumentNullException.ThrowIfNull(current);
        if (current.Length != 32)
        {
            throw new ArgumentException("A personal-data key is 32 bytes.", nameof(current));
        }

        CurrentKeyId = KeyIdOf(current);
        _keys[CurrentKeyId] = current;
        foreach (var key in previous ?? [])
        {
            _keys.TryAdd(KeyIdOf(key), key);
        }
    }

    /// <summary>The id of the key new values are written with.</summary>
    public string CurrentKeyId { get; }

    /// <summary>The ids of every key this keyring can read with.</summary>
    public IReadOnlyCollection<string> KeyIds => _keys.Keys;

    /// <summary>The id of a key: the first 8 hex digits of its SHA-256 (not secret).</summary>
    public static string KeyIdOf(byte[] key) => Convert.ToHexStringLower(SHA256.HashData(key))[..8];

    /// <summary>True when <paramref name="base64"/> decodes to exactly 32 bytes.</summary>
    public static bool TryDecodeKey(string base64, out byte[] key)
    {
        key = [];
        try
        {
            var bytes = Convert.FromBase64String(base64.Trim());
            if (bytes.Length != 32)
            {
                return false;
            }

            key = bytes;
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>The ciphertext of <paramref name="plain"/> (null stays null), bound to <paramref name="context"/>.</summary>
    public string? Encrypt(string? plain, string context)
    {
        if (plain is null)
        {
            return null;
        }

        var clear = Encoding.UTF8.GetBytes(plain);
        var output = new byte[NonceSize + TagSize + clear.Length];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_keys[CurrentKeyId], TagSize);
        aes.Encrypt(nonce, clear, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize), Encoding.UTF8.GetBytes(context));
        return $"{CurrentKeyId}:{Convert.ToBase64String(output)}";
    }

    /// <summary>The clear text of a value written by <see cref="Encrypt"/> with the same <paramref name="context"/>.</summary>
    /// <exception cref="CryptographicException">The key is unknown, or the value was altered or belongs elsewhere.</exception>
    public string? Decrypt(string? stored, string context)
    {
        if (stored is null)
        {
            return null;
        }

        var colon = stored.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            throw new CryptographicException("The value is not in the form keyId:ciphertext.");
        }

        var keyId = stored[..colon];
        if (!_keys.TryGetValue(keyId, out var key))
        {
            throw new CryptographicException(
                $"The value was written with personal-data key '{keyId}', which is not configured (Access:PersonalDataKey / Access:PreviousPersonalDataKeys).");
        }

        var data = Convert.FromBase64String(stored[(colon + 1)..]);
        if (data.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("The value is too short.");
        }

        var clear = new byte[data.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(data.AsSpan(0, NonceSize), data.AsSpan(NonceSize + TagSize), data.AsSpan(NonceSize, TagSize), clear, Encoding.UTF8.GetBytes(context));
        return Encoding.UTF8.GetString(clear);
    }
}
