using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Charger.Agent.EngineerConsole.Contracts;
using Spectre.Console;

namespace Charger.Agentctl;

/// <summary><c>record</c>, <c>commission</c>, <c>export</c> and <c>docs</c>.</summary>
internal sealed partial class Runner
{
    public Task<int> RecordAsync(RecordArgs args, CancellationToken cancellationToken) =>
        CallAsync(ConsoleCommandNames.Record, JsonSerializer.SerializeToElement(args, ConsoleJsonContext.Default.RecordArgs),
            ConsoleJsonContext.Default.RecordData, Views.Record, cancellationToken);

    public async Task<int> CommissionAsync(CommissionArgs args, CancellationToken cancellationToken)
    {
        await using var client = await ConsoleClient.ConnectAsync(socket, cancellationToken).ConfigureAwait(false);
        var reply = await SendAsync(client, ConsoleCommandNames.Commission, JsonSerializer.SerializeToElement(args, ConsoleJsonContext.Default.CommissionArgs), progress =>
        {
            if (!json)
            {
                env.Out.MarkupLine(Views.StepLine(progress.Deserialize(ConsoleJsonContext.Default.SelfTestStepData)!));
            }

            return Task.CompletedTask;
        }, cancellationToken).ConfigureAwait(false);
        return await PrintAsync(reply, ConsoleJsonContext.Default.RecordData, Views.Record).ConfigureAwait(false);
    }

    public async Task<int> ExportAsync(ExportArgs args, string? output, CancellationToken cancellationToken)
    {
        await using var client = await ConsoleClient.ConnectAsync(socket, cancellationToken).ConfigureAwait(false);
        using var bundle = new MemoryStream();
        var expected = 0;
        var reply = await SendAsync(client, ConsoleCommandNames.Export, JsonSerializer.SerializeToElement(args, ConsoleJsonContext.Default.ExportArgs), progress =>
        {
            var chunk = progress.Deserialize(ConsoleJsonContext.Default.ExportChunkData)!;
            if (chunk.Index != expected++)
            {
                throw new AgentUnreachableException($"the agent at {socket} sent the bundle out of order (piece {chunk.Index}, expected {expected - 1})");
            }

            bundle.Write(Convert.FromBase64String(chunk.Base64));
            return Task.CompletedTask;
        }, cancellationToken).ConfigureAwait(false);
        if (reply.Ok != true || reply.Data?.Deserialize(ConsoleJsonContext.Default.ExportData) is not { } data)
        {
            return await FailAsync(reply).ConfigureAwait(false);
        }

        var bytes = bundle.ToArray();
        if (bytes.Length != data.Bytes || Convert.ToHexStringLower(SHA256.HashData(bytes)) != data.Sha256)
        {
            throw new AgentUnreachableException($"the bundle from {socket} arrived damaged ({bytes.Length} of {data.Bytes} bytes, or its SHA-256 differs)");
        }

        if (output is null && !FileNames.IsPlain(data.FileName))
        {
            throw new AgentUnreachableException($"the agent at {socket} named the bundle {FileNames.Show(data.FileName)}, which is not a plain file name: nothing was written");
        }

        var path = Path.GetFullPath(output ?? data.FileName);
        var temporary = path + ".part";
        try
        {
            await File.WriteAllBytesAsync(temporary, bytes, cancellationToken).ConfigureAwait(false);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            File.Delete(temporary);
            throw new UsageException($"cannot write {path}: {ex.Message}", ex);
        }

        if (json)
        {
            WriteJson(JsonSerializer.SerializeToElement(data with { FileName = path }, ConsoleJsonContext.Default.ExportData));
        }
        else
        {
            env.Out.Write(Views.Export(data, path));
            env.Out.WriteLine();
        }

        return ExitCodes.Ok;
    }

    public Task<int> DocsListAsync(CancellationToken cancellationToken) =>
        CallAsync(ConsoleCommandNames.Docs, JsonSerializer.SerializeToElement(new DocsArgs { Action = "list" }, ConsoleJsonContext.Default.DocsArgs),
            ConsoleJsonContext.Default.DocsListData, Views.Docs, cancellationToken);

    public async Task<int> DocsShowAsync(string name, CancellationToken cancellationToken)
    {
        var (code, document) = await GetDocumentAsync(name, cancellationToken).ConfigureAwait(false);
        if (document is null)
        {
            return code;
        }

        if (json)
        {
            WriteJson(JsonSerializer.SerializeToElement(document, ConsoleJsonContext.Default.DocumentData));
            return ExitCodes.Ok;
        }

        if (!document.Info.MediaType.StartsWith("text/", StringComparison.Ordinal))
        {
            await env.Error.WriteLineAsync($"agentctl: {name} is {document.Info.MediaType}, not text: use `agentctl docs open {name}`.").ConfigureAwait(false);
            return ExitCodes.Failed;
        }

        // Raw text, not markup: a document may hold [brackets].
        await env.Out.Profile.Out.Writer.WriteAsync(Encoding.UTF8.GetString(Convert.FromBase64String(document.ContentBase64))).ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    public async Task<int> DocsOpenAsync(string name, CancellationToken cancellationToken)
    {
        var (code, document) = await GetDocumentAsync(name, cancellationToken).ConfigureAwait(false);
        if (document is null)
        {
            return code;
        }

        if (!FileNames.IsPlain(document.Info.Name))
        {
            throw new AgentUnreachableException($"the agent named the document {FileNames.Show(document.Info.Name)}, which is not a plain file name: nothing was written");
        }

        var directory = Path.Combine(env.StateDirectory, "docs");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, document.Info.Name);
        await File.WriteAllBytesAsync(path, Convert.FromBase64String(document.ContentBase64), cancellationToken).ConfigureAwait(false);
        var viewer = !env.Interactive ? null
            : document.Info.MediaType.StartsWith("text/", StringComparison.Ordinal) ? Environment.GetEnvironmentVariable("PAGER") is { Length: > 0 } pager ? pager : "less"
            : "xdg-open";
        if (viewer is not null && !json)
        {
            try
            {
                using var process = Process.Start(new ProcessStartInfo(viewer, [path]) { UseShellExecute = false });
                if (process is not null)
                {
                    await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
                    return ExitCodes.Ok;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // No such viewer: say where the file is.
            }
        }

        if (json)
        {
            WriteJson(JsonSerializer.SerializeToElement(document.Info with { Name = path }, ConsoleJsonContext.Default.DocumentInfoData));
        }
        else
        {
            env.Out.MarkupLine(Views.Esc($"{document.Info.Name} saved to {path}"));
        }

        return ExitCodes.Ok;
    }

    private async Task<(int Code, DocumentData? Document)> GetDocumentAsync(string name, CancellationToken cancellationToken)
    {
        await using var client = await ConsoleClient.ConnectAsync(socket, cancellationToken).ConfigureAwait(false);
        var reply = await SendAsync(client, ConsoleCommandNames.Docs,
            JsonSerializer.SerializeToElement(new DocsArgs { Action = "get", Name = name }, ConsoleJsonContext.Default.DocsArgs), null, cancellationToken).ConfigureAwait(false);
        return reply.Ok == true && reply.Data?.Deserialize(ConsoleJsonContext.Default.DocumentData) is { } document
            ? (ExitCodes.Ok, document)
            : (await FailAsync(reply).ConfigureAwait(false), null);
    }
}
