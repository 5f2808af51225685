using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Charger.Agent.EngineerConsole.Engineers;

/// <summary>One provisioned engineer. The PIN is stored only as a PBKDF2 hash.</summary>
public sealed record EngineerEntry
{
    public required string Id { get; init; }
    public string? Name { get; init; }
    public required string Salt { get; init; }
    public required string Hash { get; init; }
    public int Iterations { get; init; } = PinHasher.DefaultIterations;
    public bool Disabled { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
}

/// <summary>The engineers file: <c>{"version":1,"engineers":[...]}</c>.</summary>
public sealed record EngineerDocument
{
    public int Version { get; init; } = 1;
    public IReadOnlyList<EngineerEntry> Engineers { get; init; } = [];
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(EngineerDocument))]
internal sealed partial class EngineerJsonContext : JsonSerializerContext;

/// <summary>
/// Reads and writes the engineers file (written by the installer, the cloud, or <c>charger-agent engineer add</c>).
/// Writes are atomic (temporary file + rename) and the file is mode 0600.
/// </summary>
public static partial class EngineerFile
{
    /// <summary>Engineer ids: letters, digits and <c>._@-</c>, 1 to 64 characters.</summary>
    public static bool IsValidId(string? id) => id is not null && IdPattern().IsMatch(id);

    /// <summary>Reads the file; an absent file is an empty list.</summary>
    /// <exception cref="FormatException">The file is not a valid engineers file.</exception>
    public static EngineerDocument Read(string path)
    {
        if (!File.Exists(path))
        {
            return new EngineerDocument();
        }

        EngineerDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(File.ReadAllBytes(path), EngineerJsonContext.Default.EngineerDocument);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{path}: not a valid engineers file: {ex.Message}", ex);
        }

        document ??= new EngineerDocument();
        foreach (var e in document.Engineers)
        {
            if (!IsValidId(e.Id) || e.Iterations < 1 || !IsBase64(e.Salt) || !IsBase64(e.Hash))
            {
                throw new FormatException($"{path}: engineer '{e.Id}' has an invalid id, salt, hash or iteration count.");
            }
        }

        return document;
    }

    /// <summary>Adds (or replaces) an engineer with <paramref name="pin"/>; returns the new document.</summary>
    public static EngineerDocument Add(string path, string id, string? name, string pin, TimeProvider time, int iterations = PinHasher.DefaultIterations)
    {
        if (!IsValidId(id))
        {
            throw new ArgumentException($"engineer id '{id}' must match [A-Za-z0-9._@-]{{1,64}}.", nameof(id));
        }

        if (PinHasher.Check(pin) is { } problem)
        {
            throw new ArgumentException(problem, nameof(pin));
        }

        var salt = PinHasher.NewSalt();
        var entry = new EngineerEntry
        {
            Id = id,
            Name = name,
            Salt = Convert.ToBase64String(salt),
            Hash = Convert.ToBase64String(PinHasher.Hash(pin, salt, iterations)),
            Iterations = iterations,
            CreatedAt = time.GetUtcNow(),
        };
        var document = Read(path);
        document = document with { Engineers = [.. document.Engineers.Where(e => e.Id != id), entry] };
        Write(path, document);
        return document;
    }

    /// <summary>Removes an engineer; false when there was none with that id.</summary>
    public static bool Remove(string path, string id)
    {
        var document = Read(path);
        if (document.Engineers.All(e => e.Id != id))
        {
            return false;
        }

        Write(path, document with { Engineers = [.. document.Engineers.Where(e => e.Id != id)] });
        return true;
    }

    /// <summary>Writes atomically with mode 0600.</summary>
    public static void Write(string path, EngineerDocument document)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temp, options))
        {
            JsonSerializer.Serialize(stream, document, EngineerJsonContext.Default.EngineerDocument);
            stream.Flush(flushToDisk: true);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temp, path, overwrite: true);
    }

    private static bool IsBase64(string? text) =>
        !string.IsNullOrEmpty(text) && Convert.TryFromBase64String(text, new byte[text.Length], out _);

    [GeneratedRegex(@"\A[A-Za-z0-9._@-]{1,64}\z")]
    private static partial Regex IdPattern();
}
