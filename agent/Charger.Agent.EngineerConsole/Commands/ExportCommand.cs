using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Charger.Agent.EngineerConsole.Contracts;
using Charger.Agent.Core.Journal;
using Charger.Protocol;

namespace Charger.Agent.EngineerConsole.Commands;

/// <summary>
/// <c>export</c>: builds the diagnostics bundle of a time window (tar.gz) in the agent, which has the files, and streams
/// it to agentctl as base64 progress lines (<see cref="ExportChunkData"/>) followed by <see cref="ExportData"/> with
/// its length and SHA-256. Entries, under one folder <c>diag-&lt;charger&gt;-&lt;time&gt;/</c>:
/// <c>manifest.json</c>, <c>journal.ndjson</c> (the window's events, one envelope per line), <c>config.json</c>
/// (settings, secrets redacted), <c>status.json</c>, <c>sensors.json</c>, <c>selftest.json</c> (the last self-test
/// record), <c>state-machine.md</c>. Needs a session (records name customers); audited as <c>DiagnosticsExported</c>.
/// </summary>
internal sealed class ExportCommand(ConsoleContext context, ReadCommands read)
{
    /// <summary>Most journal events in one bundle (the newest are kept).</summary>
    public const int MaxEvents = 50_000;

    /// <summary>Raw bytes per progress line (base64 makes it 64 KiB).</summary>
    public const int ChunkBytes = 48 * 1024;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>A JSON element as indented UTF-8, without the reflection-based serializer.</summary>
    private static byte[] IndentedUtf8(JsonElement element)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            element.WriteTo(writer);
        }

        return buffer.ToArray();
    }

    public async Task<JsonElement> RunAsync(ConsoleCall call, CancellationToken cancellationToken)
    {
        var args = call.Args(ConsoleJsonContext.Default.ExportArgs);
        if (args.To <= args.From)
        {
            throw new ConsoleCommandException(ConsoleErrorCodes.BadRequest, $"export: 'to' ({args.To:O}) must be after 'from' ({args.From:O}).");
        }

        var session = await context.RequireSessionAsync(call, cancellationToken).ConfigureAwait(false);
        var agent = context.Agent;
        var now = context.Time.GetUtcNow();
        var folder = string.Create(CultureInfo.InvariantCulture, $"diag-{agent.ChargerId}-{now:yyyyMMdd'T'HHmmss'Z'}");

        var events = (await agent.Journal.QueryAsync(new JournalQuery(null, args.From, Limit: MaxEvents), cancellationToken).ConfigureAwait(false))
            .Where(e => e.Ts < args.To).ToList();
        var truncated = events.Count >= MaxEvents;
        var journal = new StringBuilder();
        foreach (var e in events)
        {
            journal.Append(JsonSerializer.Serialize(e, ProtocolJsonContext.Default.Envelope)).Append('\n');
        }

        var records = await agent.Journal.QueryAsync(new JournalQuery(EventTypes.ServiceRecord, Limit: 1000), cancellationToken).ConfigureAwait(false);
        var lastSelfTest = records.LastOrDefault(e => e.DataAs(ProtocolJsonContext.Default.ServiceRecordData).Kind == ServiceRecordKinds.SelfTest);

        var settings = agent.Settings();
        settings[ConsoleOptions.Section] = JsonSerializer.SerializeToNode(context.Options, ConsoleSettingsJsonContext.Default.ConsoleOptions);
        SettingsRedactor.Redact(settings);

        var status = await read.BuildStatusAsync(session.Engineer, cancellationToken).ConfigureAwait(false);
        var sensors = await read.BuildSensorsAsync(cancellationToken).ConfigureAwait(false);
        var graph = await agent.PostAsync(engine => Task.FromResult(
            $"{agent.StateMachineMarkdown().TrimEnd()}\n\nState when exported ({now:O}): **{engine.State}**\n"), cancellationToken).ConfigureAwait(false);

        var entries = new List<(string Name, byte[] Bytes)>
        {
            ("journal.ndjson", Encoding.UTF8.GetBytes(journal.ToString())),
            ("config.json", Encoding.UTF8.GetBytes(settings.ToJsonString(Indented))),
            ("status.json", IndentedUtf8(JsonSerializer.SerializeToElement(status, ConsoleJsonContext.Default.StatusData))),
            ("sensors.json", IndentedUtf8(JsonSerializer.SerializeToElement(sensors, ConsoleJsonContext.Default.SensorsData))),
            ("selftest.json", lastSelfTest is null
                ? Encoding.UTF8.GetBytes("{\"note\":\"no self-test in the journal\"}")
                : IndentedUtf8(JsonSerializer.SerializeToElement(lastSelfTest, ProtocolJsonContext.Default.Envelope))),
            ("state-machine.md", Encoding.UTF8.GetBytes(graph)),
        };
        var manifest = new JsonObject
        {
            ["chargerId"] = agent.ChargerId,
            ["from"] = args.From.ToUniversalTime(),
            ["to"] = args.To.ToUniversalTime(),
            ["createdAt"] = now.ToUniversalTime(),
            ["engineer"] = session.Engineer,
            ["agentVersion"] = agent.AgentVersion,
            ["protocolVersion"] = Envelope.CurrentVersion,
            ["model"] = agent.Board.Identity.Model,
            ["serial"] = agent.Board.Identity.Serial,
            ["events"] = events.Count,
            ["eventsTruncated"] = truncated,
            ["entries"] = new JsonArray([.. entries.Select(e => (JsonNode?)JsonValue.Create(e.Name))]),
            ["note"] = "Secrets (passwords, PINs, keys, tokens) are redacted from config.json; engineer PIN hashes and sessions are never exported.",
        };
        entries.Insert(0, ("manifest.json", Encoding.UTF8.GetBytes(manifest.ToJsonString(Indented))));

        var bundle = Build(folder, entries, now);
        var chunks = 0;
        for (var offset = 0; offset < bundle.Length; offset += ChunkBytes)
        {
            var piece = Convert.ToBase64String(bundle, offset, Math.Min(ChunkBytes, bundle.Length - offset));
            await call.Progress(new ExportChunkData(chunks++, piece), ConsoleJsonContext.Default.ExportChunkData, cancellationToken).ConfigureAwait(false);
        }

        await context.AuditAsync(SecurityEventKinds.DiagnosticsExported, session.Engineer, call.Peer,
            $"{args.From.ToUniversalTime():O} .. {args.To.ToUniversalTime():O}, {events.Count} events", cancellationToken).ConfigureAwait(false);
        ConsoleLog.Exported(context.Logger, session.Engineer, call.Peer.Origin, bundle.Length, events.Count);
        return JsonSerializer.SerializeToElement(new ExportData(
            folder + ".tar.gz", bundle.Length, Convert.ToHexStringLower(SHA256.HashData(bundle)), chunks,
            entries.Select(e => new ExportEntryData($"{folder}/{e.Name}", e.Bytes.Length)).ToList(), events.Count, truncated), ConsoleJsonContext.Default.ExportData);
    }

    /// <summary>A gzip-compressed tar (PAX) of <paramref name="entries"/> under <paramref name="folder"/>/.</summary>
    public static byte[] Build(string folder, IEnumerable<(string Name, byte[] Bytes)> entries, DateTimeOffset time)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, bytes) in entries)
            {
                using var data = new MemoryStream(bytes, writable: false);
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"{folder}/{name}")
                {
                    DataStream = data,
                    ModificationTime = time,
                    Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead,
                });
            }
        }

        return output.ToArray();
    }
}
