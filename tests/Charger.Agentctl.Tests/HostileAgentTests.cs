using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Charger.Agent.EngineerConsole.Contracts;
using Spectre.Console;

namespace Charger.Agentctl.Tests;

/// <summary>
/// agentctl against an agent that lies about file names: a console socket that answers <c>export</c> and <c>docs</c>
/// with a path where a plain file name belongs. agentctl writes as the engineer, so it writes nothing outside the
/// place it chose and says why.
/// </summary>
public sealed class HostileAgentTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("agentctl-hostile-").FullName;
    private readonly CancellationTokenSource _stop = new();
    private Socket _listener = null!;
    private Task _serving = Task.CompletedTask;
    private string _name = string.Empty;

    private string SocketPath => Path.Combine(_root, "console.sock");

    private string Outside => Path.Combine(_root, "outside");

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(Outside);
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen();
        _serving = ServeAsync(_stop.Token);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _serving.ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    public static TheoryData<string> HostileNames => new()
    {
        "/ABSOLUTE/escaped.txt",
        "../../escaped.txt",
        "..",
        ".bashrc",
        "-rf",
        "two\nlines.txt",
        "",
    };

    [Theory]
    [MemberData(nameof(HostileNames))]
    public async Task A_document_named_as_a_path_by_the_agent_is_not_written(string name)
    {
        _name = name.Replace("/ABSOLUTE", Outside, StringComparison.Ordinal);

        var (code, error) = await CtlAsync("docs", "open", "manual.txt");

        Assert.Equal(ExitCodes.Unreachable, code);
        Assert.Contains("not a plain file name", error, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Outside));
        var docs = Path.Combine(_root, "state", "docs");
        Assert.Empty(Directory.Exists(docs) ? Directory.EnumerateFileSystemEntries(docs) : []);
        Assert.False(File.Exists(Path.Combine(_root, "escaped.txt")), "a file was written where the agent pointed");
    }

    [Theory]
    [MemberData(nameof(HostileNames))]
    public async Task A_bundle_named_as_a_path_by_the_agent_is_not_written(string name)
    {
        _name = name.Replace("/ABSOLUTE", Outside, StringComparison.Ordinal);

        var (code, error) = await CtlAsync("export");

        Assert.Equal(ExitCodes.Unreachable, code);
        Assert.Contains("not a plain file name", error, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Outside));
    }

    [Fact]
    public async Task A_plain_document_name_is_written_in_agentctls_own_directory()
    {
        _name = "manual.txt";

        var (code, error) = await CtlAsync("docs", "open", "manual.txt");

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Equal("hello", await File.ReadAllTextAsync(Path.Combine(_root, "state", "docs", "manual.txt")));
    }

    private async Task<(int Code, string Error)> CtlAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var env = new AgentctlEnvironment
        {
            Out = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, Interactive = InteractionSupport.No, Out = new AnsiConsoleOutput(output) }),
            Error = error,
            In = new StringReader(string.Empty),
            Interactive = false,
            StateDirectory = Path.Combine(_root, "state"),
            DemoDirectory = Path.Combine(_root, "fleet"),
            DefaultSocket = SocketPath,
        };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var code = await AgentctlApp.RunAsync(args, env, timeout.Token);
        return (code, error.ToString());
    }

    /// <summary>The lying agent: every request gets an answer whose file name is <see cref="_name"/>.</summary>
    private async Task ServeAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            using var connection = await _listener.AcceptAsync(ct);
            await using var stream = new NetworkStream(connection, ownsSocket: false);
            using var reader = new StreamReader(stream, new UTF8Encoding(false));
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                var request = JsonSerializer.Deserialize(line, ConsoleJsonContext.Default.ConsoleRequest)!;
                var content = "hello"u8.ToArray();
                if (request.Command == ConsoleCommandNames.Export)
                {
                    await WriteAsync(stream, new ConsoleReply { Progress = JsonSerializer.SerializeToElement(new ExportChunkData(0, Convert.ToBase64String(content)), ConsoleJsonContext.Default.ExportChunkData) }, ct);
                    var data = new ExportData(_name, content.Length, Convert.ToHexStringLower(SHA256.HashData(content)), 1, [], 0, false);
                    await WriteAsync(stream, new ConsoleReply { Ok = true, Data = JsonSerializer.SerializeToElement(data, ConsoleJsonContext.Default.ExportData) }, ct);
                }
                else
                {
                    var document = new DocumentData(new DocumentInfoData(_name, "Manual", content.Length, DateTimeOffset.UtcNow, "text/plain"), Convert.ToBase64String(content));
                    await WriteAsync(stream, new ConsoleReply { Ok = true, Data = JsonSerializer.SerializeToElement(document, ConsoleJsonContext.Default.DocumentData) }, ct);
                }
            }
        }
    }

    private static async Task WriteAsync(NetworkStream stream, ConsoleReply reply, CancellationToken ct)
    {
        await stream.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(reply, ConsoleJsonContext.Default.ConsoleReply), ct);
        await stream.WriteAsync("\n"u8.ToArray(), ct);
    }
}
