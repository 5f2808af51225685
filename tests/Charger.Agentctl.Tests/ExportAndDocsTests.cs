using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Charger.Agent.EngineerConsole.Commands;
using Charger.Agent.Core.Board;
using Charger.Agent.EngineerConsole.Contracts;
using Charger.Protocol;

namespace Charger.Agentctl.Tests;

/// <summary><c>export</c> (diagnostics bundle) and <c>docs</c> against a running agent.</summary>
public sealed class ExportAndDocsTests
{
    private static readonly string[] BundleEntries =
        ["manifest.json", "journal.ndjson", "config.json", "status.json", "sensors.json", "selftest.json", "state-machine.md"];

    private static Dictionary<string, byte[]> ReadBundle(string path)
    {
        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            Assert.Equal(TarEntryType.RegularFile, entry.EntryType);
            using var data = new MemoryStream();
            entry.DataStream?.CopyTo(data);
            entries[entry.Name] = data.ToArray();
        }

        return entries;
    }

    [Fact]
    public async Task Export_writes_a_valid_tar_gz_with_journal_config_sensors_selftest_and_graph_and_no_secret()
    {
        await using var agent = await RunningAgent.StartAsync();
        await agent.LoginAsync();
        Assert.Equal(ExitCodes.Ok, (await agent.CtlAsync("sim", "input", "estop", "on")).Code);
        await agent.WaitForStateAsync(DiagnosticState.Faulted);
        Assert.Equal(ExitCodes.Failed, (await agent.CtlAsync("selftest")).Code);
        var session = File.ReadAllText(Directory.GetFiles(Path.Combine(agent.StateDirectory, "sessions")).Single());
        var token = JsonDocument.Parse(session).RootElement.GetProperty("token").GetString()!;
        var output = Path.Combine(agent.Root, "bundle.tar.gz");

        var result = await agent.CtlAsync("export", "--from", "1h", "--output", output);

        Assert.True(result.Code == ExitCodes.Ok, result.Out + result.Err);
        Assert.Contains("journal.ndjson", result.Out);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(output));
        var entries = ReadBundle(output);
        var folder = entries.Keys.First().Split('/')[0];
        Assert.StartsWith($"diag-{RunningAgent.ChargerId}-", folder);
        Assert.Equal(BundleEntries.Select(e => $"{folder}/{e}").Order(), entries.Keys.Order());

        var journal = Encoding.UTF8.GetString(entries[$"{folder}/journal.ndjson"]).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonSerializer.Deserialize(l, ProtocolJsonContext.Default.Envelope)!).ToList();
        Assert.Equal(EventTypes.Boot, journal[0].Type);
        Assert.Contains(journal, e => e.Type == EventTypes.FaultRaised && e.DataAs(ProtocolJsonContext.Default.FaultRaisedData).Code == FaultCatalogue.EmergencyStop);
        Assert.Equal(journal.Select(e => e.Seq).Order(), journal.Select(e => e.Seq));
        var config = JsonNode.Parse(entries[$"{folder}/config.json"])!;
        Assert.Equal(SettingsRedactor.Redacted, config["Mqtt"]!["Password"]!.GetValue<string>());
        Assert.Equal(RunningAgent.ChargerId, config["Agent"]!["ChargerId"]!.GetValue<string>());
        Assert.Equal(1, config["Mqtt"]!["Port"]!.GetValue<int>());
        var sensors = JsonNode.Parse(entries[$"{folder}/sensors.json"])!;
        Assert.Equal(SensorNames.All.Count, sensors["sensors"]!.AsArray().Count);
        var selftest = JsonSerializer.Deserialize(entries[$"{folder}/selftest.json"], ProtocolJsonContext.Default.Envelope)!;
        Assert.Equal("pressed", selftest.DataAs(ProtocolJsonContext.Default.ServiceRecordData).TestResults!["input estop"]);
        Assert.Contains("stateDiagram-v2", Encoding.UTF8.GetString(entries[$"{folder}/state-machine.md"]));
        Assert.Contains("**Faulted**", Encoding.UTF8.GetString(entries[$"{folder}/state-machine.md"]));
        var manifest = JsonNode.Parse(entries[$"{folder}/manifest.json"])!;
        Assert.Equal(journal.Count, manifest["events"]!.GetValue<int>());

        var everything = Encoding.UTF8.GetString(entries.Values.SelectMany(b => b).ToArray());
        Assert.DoesNotContain(RunningAgent.MqttPassword, everything);
        Assert.DoesNotContain(RunningAgent.Pin, everything);
        Assert.DoesNotContain(token, everything);
        Assert.Contains(await agent.SecurityEventsAsync(), e => e.Kind == SecurityEventKinds.DiagnosticsExported && e.User == RunningAgent.Engineer);
    }

    [Fact]
    public async Task Export_of_a_window_before_any_event_has_an_empty_journal()
    {
        await using var agent = await RunningAgent.StartAsync();
        await agent.LoginAsync();
        var output = Path.Combine(agent.Root, "old.tar.gz");

        var result = await agent.CtlAsync("export", "--from", "2020-01-01T00:00:00Z", "--to", "2020-01-02T00:00:00Z", "--output", output, "--json");

        Assert.Equal(ExitCodes.Ok, result.Code);
        Assert.Equal(0, result.Json.GetProperty("events").GetInt32());
        var entries = ReadBundle(output);
        Assert.Empty(entries.Single(e => e.Key.EndsWith("/journal.ndjson", StringComparison.Ordinal)).Value);
    }

    [Fact]
    public async Task Export_with_bad_arguments_or_without_login_writes_nothing()
    {
        await using var agent = await RunningAgent.StartAsync();
        var output = Path.Combine(agent.Root, "none.tar.gz");

        var anonymous = await agent.CtlAsync("export", "--output", output);
        await agent.LoginAsync();
        var seq = agent.LastSeq;
        var backwards = await agent.CtlAsync("export", "--from", "1h", "--to", "2h", "--output", output);
        var garbage = await agent.CtlAsync("export", "--from", "last week", "--output", output);

        Assert.Equal(ExitCodes.Refused, anonymous.Code);
        Assert.Equal(ExitCodes.Usage, backwards.Code);
        Assert.Contains("--to must be after --from", backwards.Err);
        Assert.Equal(ExitCodes.Usage, garbage.Code);
        Assert.False(File.Exists(output));
        Assert.Equal(seq, agent.LastSeq);
    }

    [Fact]
    public void Redactor_hides_passwords_pins_keys_and_tokens_but_keeps_gpio_pin_numbers()
    {
        var settings = JsonNode.Parse("""
            {"Mqtt":{"Password":"p","PasswordFile":"/etc/x","Username":"u","ClientKeyFile":"/k.pem"},
             "Board":{"EmergencyStopPin":5,"Pin":"1234"},"Cloud":{"ApiKey":"abc","Token":null,"Nested":{"SecretValue":"s"}}}
            """)!;

        SettingsRedactor.Redact(settings);

        Assert.Equal(SettingsRedactor.Redacted, settings["Mqtt"]!["Password"]!.GetValue<string>());
        Assert.Equal(SettingsRedactor.Redacted, settings["Mqtt"]!["PasswordFile"]!.GetValue<string>());
        Assert.Equal("u", settings["Mqtt"]!["Username"]!.GetValue<string>());
        Assert.Equal("/k.pem", settings["Mqtt"]!["ClientKeyFile"]!.GetValue<string>());
        Assert.Equal(5, settings["Board"]!["EmergencyStopPin"]!.GetValue<int>());
        Assert.Equal(SettingsRedactor.Redacted, settings["Board"]!["Pin"]!.GetValue<string>());
        Assert.Equal(SettingsRedactor.Redacted, settings["Cloud"]!["ApiKey"]!.GetValue<string>());
        Assert.Null(settings["Cloud"]!["Token"]);
        Assert.Equal(SettingsRedactor.Redacted, settings["Cloud"]!["Nested"]!["SecretValue"]!.GetValue<string>());
    }

    private static string ModelDocs(RunningAgent agent)
    {
        var dir = Path.Combine(agent.DataDirectory, "docs", "EVB-1");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "repair-guide.md"), "# EVB-1 repair guide\n\nGround fault: check the [RCD] first.\n");
        File.WriteAllBytes(Path.Combine(dir, "wiring.pdf"), [0x25, 0x50, 0x44, 0x46, 0x00, 0xFF]);
        File.WriteAllText(Path.Combine(dir, ".hidden"), "not served");
        return dir;
    }

    [Fact]
    public async Task Docs_lists_shows_and_opens_the_documents_of_the_chargers_model()
    {
        await using var agent = await RunningAgent.StartAsync();
        ModelDocs(agent);

        var list = await agent.CtlAsync("docs", "list");
        var listJson = (await agent.CtlAsync("docs", "list", "--json")).Json;
        var show = await agent.CtlAsync("docs", "show", "repair-guide.md");
        var binary = await agent.CtlAsync("docs", "show", "wiring.pdf");
        var open = await agent.CtlAsync("docs", "open", "wiring.pdf");

        Assert.Equal(ExitCodes.Ok, list.Code);
        Assert.Contains("EVB-1 repair guide", list.Out);
        Assert.Equal("EVB-1", listJson.GetProperty("model").GetString());
        Assert.Equal(["repair-guide.md", "wiring.pdf"], listJson.GetProperty("documents").EnumerateArray().Select(d => d.GetProperty("name").GetString()));
        Assert.Equal(ExitCodes.Ok, show.Code);
        Assert.Contains("Ground fault: check the [RCD] first.", show.Out);
        Assert.Equal(ExitCodes.Failed, binary.Code);
        Assert.Contains("docs open", binary.Err);
        Assert.Equal(ExitCodes.Ok, open.Code);
        var saved = Path.Combine(agent.StateDirectory, "docs", "wiring.pdf");
        Assert.Contains(saved, open.Out);
        Assert.Equal([0x25, 0x50, 0x44, 0x46, 0x00, 0xFF], File.ReadAllBytes(saved));
    }

    [Theory]
    [InlineData("../engineers.json")]
    [InlineData(".hidden")]
    [InlineData("missing.md")]
    [InlineData("/etc/passwd")]
    public async Task Docs_serves_only_the_listed_documents(string name)
    {
        await using var agent = await RunningAgent.StartAsync();
        ModelDocs(agent);

        var result = await agent.CtlAsync("docs", "show", name);

        Assert.Equal(ExitCodes.Failed, result.Code);
        Assert.Contains(ConsoleErrorCodes.NotFound, result.Err);
        Assert.Contains("repair-guide.md", result.Err);
    }

    [Fact]
    public async Task Docs_without_a_cache_says_so()
    {
        await using var agent = await RunningAgent.StartAsync();

        var result = await agent.CtlAsync("docs");

        Assert.Equal(ExitCodes.Ok, result.Code);
        Assert.Contains("no documents cached for model EVB-1", result.Out);
    }
}
