namespace Charger.Agentctl;

/// <summary>
/// File names that come from the agent (a bundle's name, a document's name) are written by agentctl as the engineer:
/// only a plain name in the directory agentctl chose is taken, never a path, a parent, a hidden or control character.
/// </summary>
internal static class FileNames
{
    /// <summary>True for a name of one path segment that is safe to create in a directory of agentctl's choosing.</summary>
    public static bool IsPlain(string? name) =>
        name is { Length: > 0 and <= 255 }
        && !name.StartsWith('.') // hidden files, "." and ".."
        && !name.StartsWith('-')
        && name.AsSpan().IndexOfAny('/', '\\') < 0
        && !name.Any(char.IsControl)
        && name.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') < 0
        && string.Equals(Path.GetFileName(name), name, StringComparison.Ordinal);

    /// <summary>The name, quoted and with control characters shown as escapes, for an error message.</summary>
    public static string Show(string? name) =>
        name is null ? "(none)" : "'" + string.Concat(name.Take(80).Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString())) + "'";
}
