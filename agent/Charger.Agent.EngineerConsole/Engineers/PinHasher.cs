using System.Security.Cryptography;
using System.Text;

namespace Charger.Agent.EngineerConsole.Engineers;

/// <summary>
/// PINs are stored as PBKDF2-SHA256 with a per-engineer salt and compared in fixed time (the pattern of the cloud's
/// <c>ChargerSecrets</c>). A PIN has few bits, so the iteration count is high; the login back-off does the rest.
/// </summary>
public static class PinHasher
{
    public const int SaltBytes = 16;
    public const int HashBytes = 32;

    /// <summary>Iterations for new PINs (stored per engineer, so it can be raised later).</summary>
    public const int DefaultIterations = 100_000;

    /// <summary>Shortest and longest PIN accepted.</summary>
    public const int MinPinLength = 6;
    public const int MaxPinLength = 12;

    private static readonly byte[] DummySalt = RandomNumberGenerator.GetBytes(SaltBytes);

    /// <summary>A new random PIN of 8 digits.</summary>
    public static string NewPin()
    {
        var digits = new char[8];
        for (var i = 0; i < digits.Length; i++)
        {
            digits[i] = (char)('0' + RandomNumberGenerator.GetInt32(10));
        }

        return new string(digits);
    }

    /// <summary>Null when <paramref name="pin"/> is acceptable, otherwise why not.</summary>
    public static string? Check(string? pin) =>
        pin is null || pin.Length < MinPinLength || pin.Length > MaxPinLength || !pin.All(char.IsAsciiDigit)
            ? $"a PIN is {MinPinLength} to {MaxPinLength} digits"
            : null;

    public static byte[] NewSalt() => RandomNumberGenerator.GetBytes(SaltBytes);

    public static byte[] Hash(string pin, byte[] salt, int iterations)
    {
        ArgumentNullException.ThrowIfNull(pin);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        return Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(pin), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
    }

    /// <summary>True when <paramref name="pin"/> hashes to <paramref name="expected"/>; compared in fixed time.</summary>
    public static bool Verify(string pin, byte[] salt, int iterations, byte[] expected) =>
        CryptographicOperations.FixedTimeEquals(Hash(pin, salt, iterations), expected);

    /// <summary>Spends the time of a verification for an unknown engineer, and returns false.</summary>
    public static bool VerifyNothing(string pin)
    {
        _ = Hash(pin ?? string.Empty, DummySalt, DefaultIterations);
        return false;
    }
}
