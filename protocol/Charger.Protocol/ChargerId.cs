using System.Text.RegularExpressions;

namespace Charger.Protocol;

/// <summary>Charger identifiers as fixed by the v1 contract: <c>[A-Za-z0-9._-]{1,64}</c>.</summary>
public static partial class ChargerId
{
    /// <summary>The longest id the contract allows.</summary>
    public const int MaxLength = 64;

    /// <summary>True when <paramref name="id"/> is a well-formed charger id.</summary>
    public static bool IsValid(string? id) => id is not null && Pattern().IsMatch(id);

    /// <summary>Throws <see cref="ArgumentException"/> naming the parameter when <paramref name="id"/> is malformed.</summary>
    public static string Require(string? id, string paramName = "chargerId") =>
        IsValid(id) ? id! : throw new ArgumentException($"'{id}' is not a valid charger id: expected [A-Za-z0-9._-]{{1,64}}.", paramName);

    [GeneratedRegex(@"\A[A-Za-z0-9._-]{1,64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
