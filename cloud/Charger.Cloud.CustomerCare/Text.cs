namespace Charger.Cloud.CustomerCare;

/// <summary>Checks of free-text request fields.</summary>
internal static class Text
{
    /// <summary>A non-blank value of at most <paramref name="max"/> characters.</summary>
    public static string Required(string field, string? value, int max)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new CareValidationException(field, $"'{field}' is required.");
        }

        return Optional(field, value, max)!;
    }

    /// <summary>Null for blank; otherwise at most <paramref name="max"/> characters.</summary>
    public static string? Optional(string field, string? value, int max)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (value.Length > max)
        {
            throw new CareValidationException(field, $"'{field}' is longer than {max} characters.");
        }

        return value;
    }
}
