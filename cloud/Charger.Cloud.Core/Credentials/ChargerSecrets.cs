using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Charger.Cloud.Core;

/// <summary>
/// Generation and hashing of per-charger secrets, shared by every <see cref="IChargerCredentialStore"/> adapter:
/// 32 random bytes as base64url, stored as PBKDF2-SHA256 with a per-charger salt, compared in fixed time.
/// </summary>
public static class ChargerSecrets
{
    /// <summary>Random bytes in a new secret.</summary>
    public const int SecretBytes = 32;

    /// <summary>Bytes of the per-charger salt.</summary>
    public const int SaltBytes = 16;

    /// <summary>Bytes of the stored hash.</summary>
    public const int HashBytes = 32;

    /// <summary>
    /// PBKDF2 iterations for new credentials (stored per credential, so it can be raised later). The secret is 256 random
    /// bits, so stretching adds little; the count is kept moderate so a reconnect storm of a whole fleet stays cheap.
    /// </summary>
    public const int DefaultIterations = 10_000;

    private static readonly byte[] DummySalt = RandomNumberGenerator.GetBytes(SaltBytes);

    /// <summary>A new secret: <see cref="SecretBytes"/> random bytes, base64url without padding (43 characters).</summary>
    public static string NewSecret() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes));

    /// <summary>A new random salt.</summary>
    public static byte[] NewSalt() => RandomNumberGenerator.GetBytes(SaltBytes);

    /// <summary>PBKDF2-SHA256 of <paramref name="secret"/>.</summary>
    public static byte[] Hash(string secret, byte[] salt, int iterations)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        return Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
    }

    /// <summary>True when <paramref name="secret"/> hashes to <paramref name="expectedHash"/>; compared in fixed time.</summary>
    public static bool Verify(string secret, byte[] salt, int iterations, byte[] expectedHash) =>
        CryptographicOperations.FixedTimeEquals(Hash(secret, salt, iterations), expectedHash);

    /// <summary>Spends the same time as a verification, for an unknown charger, and returns false.</summary>
    public static bool VerifyNothing(string secret)
    {
        _ = Hash(secret ?? string.Empty, DummySalt, DefaultIterations);
        return false;
    }
}
