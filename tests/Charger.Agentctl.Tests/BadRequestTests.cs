using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Charger.Agent.EngineerConsole.Contracts;
using Charger.Protocol;

namespace Charger.Agentctl.Tests;

/// <summary>Bad arguments and bad requests give a clear error and change nothing.</summary>
public sealed class BadRequestTests
{
    public static TheoryData<string[], string> BadCommandLines => new()
    {
        { ["fault", "reset", "GroundFailure"], "--reason" },
        { ["fault", "reset", "NoSuchFault", "--reason", "x"], "unknown fault code" },
        { ["fault", "reset", "GroundFailure", "--reason", "   "], "a reason is required" },
        { ["sim", "input", "rcd", "maybe"], "maybe" },
        { ["sim", "set", "no.such.sensor", "5"], "Unknown sensor" },
        { ["sim", "ramp", "enclosure.temperature", "80", "--over", "soon"], "not a duration" },
        { ["faults", "--since", "yesterday"], "--since" },
        { ["faults", "--code", "NoSuchCode"], "unknown fault code" },
        { ["faults", "--limit", "0"], "limit" },
        { ["maintenance", "sideways"], "sideways" },
        { ["--socket", "/tmp/a.sock", "--charger", "CP-1", "status"], "not both" },
        { ["--charger", "bad id!", "status"], "not a charger id" },
        { ["teleport"], "teleport" },
    };

    [Theory]
    [MemberData(nameof(BadCommandLines))]
    public async Task Bad_arguments_exit_2_with_a_clear_message_and_change_nothing(string[] args, string message)
    {
        await using var agent = await RunningAgent.StartAsync();
        await agent.LoginAsync();
        var seq = agent.LastSeq;

        var result = await agent.CtlAsync(args);

        Assert.Equal(ExitCodes.Usage, result.Code);
        Assert.Contains(message, result.Err, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(DiagnosticState.Operational, await agent.StateAsync());
        Assert.Equal(seq, agent.LastSeq);
    }

    [Fact]
    public async Task Malformed_and_unknown_requests_on_the_socket_get_error_replies_and_change_nothing()
    {
        await using var agent = await RunningAgent.StartAsync();
        var seq = agent.LastSeq;
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(agent.Server.SocketPath));
        await using var stream = new NetworkStream(socket);
        using var reader = new StreamReader(stream);

        async Task<ConsoleReply> SendAsync(string line)
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"));
            return JsonSerializer.Deserialize(await reader.ReadLineAsync() ?? "null", ConsoleJsonContext.Default.ConsoleReply)!;
        }

        var notJson = await SendAsync("status please");
        var noCommand = await SendAsync("""{"args":{}}""");
        var unknown = await SendAsync("""{"command":"selfdestruct"}""");
        var wrongType = await SendAsync("""{"command":"faults","args":{"limit":"many"}}""");
        var unknownArg = await SendAsync("""{"command":"faults","args":{"colour":"red"}}""");
        var argsOnStatus = await SendAsync("""{"command":"status","args":{"verbose":true}}""");
        var stillServing = await SendAsync("""{"command":"status"}""");

        Assert.Equal(ConsoleErrorCodes.BadRequest, notJson.Error!.Code);
        Assert.Equal(ConsoleErrorCodes.BadRequest, noCommand.Error!.Code);
        Assert.Equal(ConsoleErrorCodes.UnknownCommand, unknown.Error!.Code);
        Assert.Contains("selftest", unknown.Error.Message);
        Assert.Equal(ConsoleErrorCodes.BadRequest, wrongType.Error!.Code);
        Assert.Equal(ConsoleErrorCodes.BadRequest, unknownArg.Error!.Code);
        Assert.Contains("colour", unknownArg.Error.Message);
        Assert.Equal(ConsoleErrorCodes.BadRequest, argsOnStatus.Error!.Code);
        Assert.True(stillServing.Ok);
        Assert.Equal(seq, agent.LastSeq);
        Assert.Equal(DiagnosticState.Operational, await agent.StateAsync());
    }

    [Fact]
    public async Task An_oversized_request_line_is_refused_and_the_connection_closed()
    {
        await using var agent = await RunningAgent.StartAsync();
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(agent.Server.SocketPath));
        await using var stream = new NetworkStream(socket);
        using var reader = new StreamReader(stream);

        var huge = "{\"command\":\"status\",\"args\":{\"x\":\"" + new string('a', ConsoleDefaults.MaxLineBytes) + "\"}}\n";
        var writing = stream.WriteAsync(Encoding.UTF8.GetBytes(huge)).AsTask();
        var reply = JsonSerializer.Deserialize(await reader.ReadLineAsync() ?? "null", ConsoleJsonContext.Default.ConsoleReply)!;

        Assert.False(reply.Ok);
        Assert.Equal(ConsoleErrorCodes.BadRequest, reply.Error!.Code);
        Assert.Contains("longer than", reply.Error.Message);
        // Closed: the end of the stream, or a reset because the rest of the line was never read.
        try
        {
            Assert.Null(await reader.ReadLineAsync());
        }
        catch (IOException)
        {
        }

        await Task.WhenAny(writing, Task.Delay(TimeSpan.FromSeconds(5)));
        Assert.True(writing.IsCompleted, "the server stopped reading the oversized line, so the client's write ended");
    }
}
