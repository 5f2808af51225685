using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Charger.Agent.EngineerConsole.Contracts;

namespace Charger.Agent.EngineerConsole.Commands;

/// <summary>
/// <c>docs</c>: the technical documents cached on the agent for this charger's model (manuals, wiring diagrams,
/// repair guides), from <c>&lt;Console:DocumentsDirectory&gt;/&lt;model&gt;/</c>. <c>list</c> names them (title = the
/// first markdown heading or text line); <c>get</c> returns one by its exact file name. Read-only: no session.
/// Only regular, non-hidden files directly in the model's folder are served, so a name cannot reach elsewhere.
/// </summary>
internal sealed partial class DocsCommand(ConsoleContext context)
{
    /// <summary>Largest document served (bytes).</summary>
    public const long MaxBytes = 4 * 1024 * 1024;

    [GeneratedRegex(@"\A[A-Za-z0-9._-]{1,64}\z")]
    private static partial Regex ModelPattern();

    public async Task<JsonElement> RunAsync(ConsoleCall call, CancellationToken cancellationToken)
    {
        var args = call.Args(ConsoleJsonContext.Default.DocsArgs);
        var model = context.Agent.Board.Identity.Model is { } m && ModelPattern().IsMatch(m) && m is not "." and not ".." ? m : "default";
        var directory = Path.Combine(context.DocumentsDirectory, model);
        var documents = List(directory);
        switch (args.Action)
        {
            case "list":
                return JsonSerializer.SerializeToElement(new DocsListData(model, directory, documents), ConsoleJsonContext.Default.DocsListData);
            case "get":
                if (string.IsNullOrWhiteSpace(args.Name))
                {
                    throw new ConsoleCommandException(ConsoleErrorCodes.BadRequest, "docs get: a document name is required.");
                }

                var info = documents.FirstOrDefault(d => d.Name == args.Name)
                    ?? throw new ConsoleCommandException(ConsoleErrorCodes.NotFound,
                        $"No document '{args.Name}' for model {model}. Documents: {(documents.Count == 0 ? "none" : string.Join(", ", documents.Select(d => d.Name)))}.");
                if (info.Bytes > MaxBytes)
                {
                    throw new ConsoleCommandException(ConsoleErrorCodes.BadRequest, $"docs get: '{info.Name}' is larger than {MaxBytes / 1024 / 1024} MiB.");
                }

                var bytes = await File.ReadAllBytesAsync(Path.Combine(directory, info.Name), cancellationToken).ConfigureAwait(false);
                return JsonSerializer.SerializeToElement(new DocumentData(info, Convert.ToBase64String(bytes)), ConsoleJsonContext.Default.DocumentData);
            default:
                throw new ConsoleCommandException(ConsoleErrorCodes.BadRequest, $"docs: action must be 'list' or 'get', not '{args.Action}'.");
        }
    }

    private static List<DocumentInfoData> List(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }

        return new DirectoryInfo(directory).EnumerateFiles()
            .Where(f => !f.Name.StartsWith('.') && (f.Attributes & FileAttributes.ReparsePoint) == 0)
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .Select(f => new DocumentInfoData(f.Name, Title(f), f.Length, f.LastWriteTimeUtc, MediaType(f.Name)))
            .ToList();
    }

    private static string MediaType(string name) => Path.GetExtension(name).ToLowerInvariant() switch
    {
        ".md" => "text/markdown",
        ".txt" => "text/plain",
        ".pdf" => "application/pdf",
        ".png" => "image/png",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".svg" => "image/svg+xml",
        _ => "application/octet-stream",
    };

    private static string? Title(FileInfo file)
    {
        if (!MediaType(file.Name).StartsWith("text/", StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            using var reader = new StreamReader(file.FullName, Encoding.UTF8);
            for (var i = 0; i < 20 && reader.ReadLine() is { } line; i++)
            {
                var text = line.Trim().TrimStart('#').Trim();
                if (text.Length > 0)
                {
                    return text.Length > 120 ? text[..120] : text;
                }
            }
        }
        catch (IOException)
        {
        }

        return null;
    }
}
