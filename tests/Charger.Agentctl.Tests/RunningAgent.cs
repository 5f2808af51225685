using System.Text.Json;
using Charger.Agent;
using Charger.Agent.Board;
using Charger.Agent.EngineerConsole;
using Charger.Agent.EngineerConsole.Engineers;
using Charger.Agent.Core.Diagnostics;
using Charger.Agent.Core.Journal;
using Charger.Agent.Mqtt;
using Charger.Agentctl;
using Charger.Protocol;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Spectre.Console;

namespace Charger.Agentctl.Tests;

/// <summary>The outcome of one agentctl run.</summary>
internal sealed record CtlResult(int Code, string Out, string Err)
{
    public JsonElement Json => JsonDocument.Parse(Out).RootElement;
}

/// <summary>
/// A real agent for one test: <see cref="AgentRuntime"/> on the simulated board with a SQLite journal in a temp
/// directory, serving its console socket; the console's clock is a <see cref="FakeTimeProvider"/> (sessions, back-off).
/// The engineer <c>eng-1</c> has PIN <see cref="Pin"/>.
/// </summary>
internal sealed class RunningAgent : IAsyncDisposable
{
    public const string ChargerId = "CP-TEST-1";
    public const string Engineer = "eng-1";
    public const string Pin = "246810";
    /// <summary>The agent's MQTT secret: a diagnostics bundle must never hold it.</summary>
    public const string MqttPassword = "mqtt-Secret-4f9c2e7a-never-export";

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;
    private readonly SimulatedCharger _board;

    private RunningAgent(string root, ConsoleOptions options, bool simulated, bool requireCommissioning, int pinIterations)
    {
        Root = root;
        DataDirectory = Path.Combine(root, "fleet", ChargerId);
        Directory.CreateDirectory(DataDirectory);
        EngineerFile.Add(Path.Combine(DataDirectory, "engineers.json"), Engineer, "Jane Doe", Pin, TimeProvider.System, iterations: pinIterations);
        _board = new SimulatedCharger(new BoardOptions(), null, TimeProvider.System, NullLoggerFactory.Instance, seed: 7);
        var diagnostics = new DiagnosticsOptions { PollInterval = TimeSpan.FromMilliseconds(50), RaiseSamples = 2, ClearSamples = 2 };
        Runtime = AgentRuntime.Create(
            new AgentOptions { ChargerId = ChargerId, DataDirectory = DataDirectory, Simulate = true, TelemetryInterval = TimeSpan.Zero, RequireCommissioning = requireCommissioning },
            diagnostics, new JournalOptions(),
            new MqttPublisherOptions { Host = "127.0.0.1", Port = 1, Password = MqttPassword, ReconnectMinDelay = TimeSpan.FromSeconds(30), ReconnectMaxDelay = TimeSpan.FromSeconds(60) },
            _board.Board, TimeProvider.System, NullLoggerFactory.Instance);
        Server = new ConsoleServer(options, DataDirectory,
            new RuntimeConsoleAgent(Runtime, diagnostics, simulated ? _board.Simulator : null, Clock.GetUtcNow()), Clock, NullLogger<ConsoleServer>.Instance);
        _board.Simulator.SetPower(7200); // an EV charging, so the energy meter's pulses move (no PowerMeterFailure)
        Server.Start();
        _run = Task.Run(() => Runtime.RunAsync(_stop.Token));
    }

    public string Root { get; }
    public string DataDirectory { get; }
    public ObservedClock Clock { get; } = new(DateTimeOffset.UtcNow);
    public AgentRuntime Runtime { get; }
    public ConsoleServer Server { get; }
    public string StateDirectory => Path.Combine(Root, "state");

    /// <summary>
    /// Starts an agent and waits until it is Operational (or Commissioning, for a charger never commissioned). The PIN
    /// hash is cheap (<paramref name="pinIterations"/>) unless a test needs the check to take as long as in the field.
    /// </summary>
    public static async Task<RunningAgent> StartAsync(ConsoleOptions? options = null, bool simulated = true, bool requireCommissioning = false, int pinIterations = 1_000)
    {
        var root = Directory.CreateTempSubdirectory("agentctl-tests-").FullName;
        // Traversable by other users, so that the permission tests reach the socket's own mode.
        File.SetUnixFileMode(root, (UnixFileMode)Convert.ToInt32("755", 8));
        var agent = new RunningAgent(root, options ?? new ConsoleOptions(), simulated, requireCommissioning, pinIterations);
        await agent.WaitForStateAsync(requireCommissioning ? DiagnosticState.Commissioning : DiagnosticState.Operational);
        return agent;
    }

    /// <summary>Runs agentctl in-process against this agent (its socket is the default one) and captures its output.</summary>
    public async Task<CtlResult> CtlAsync(params string[] args) => await CtlWithInputAsync(null, args);

    public async Task<CtlResult> CtlWithInputAsync(string? stdin, params string[] args)
    {
        using var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 220;
        var result = await CtlWithConsoleAsync(console, interactive: false, stdin, args);
        return result with { Out = output.ToString() };
    }

    /// <summary>Runs agentctl with the given console (e.g. Spectre's TestConsole with scripted keys for prompts).</summary>
    public async Task<CtlResult> CtlWithConsoleAsync(IAnsiConsole console, bool interactive, string? stdin, params string[] args)
    {
        using var error = new StringWriter();
        var env = new AgentctlEnvironment
        {
            Out = console,
            Error = error,
            In = new StringReader(stdin ?? string.Empty),
            Interactive = interactive,
            StateDirectory = StateDirectory,
            DemoDirectory = Path.Combine(Root, "fleet"),
            DefaultSocket = Server.SocketPath,
        };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var code = await AgentctlApp.RunAsync(args, env, timeout.Token);
        return new CtlResult(code, string.Empty, error.ToString());
    }

    public Task<CtlResult> LoginAsync(string pin = Pin, string engineer = Engineer) => CtlWithInputAsync(pin + "\n", "login", engineer, "--pin-stdin");

    public Task<DiagnosticState> StateAsync() => Runtime.PostAsync(e => Task.FromResult(e.State), CancellationToken.None);

    public Task<IReadOnlyList<ActiveFault>> ActiveFaultsAsync() => Runtime.PostAsync(e => Task.FromResult(e.ActiveFaults), CancellationToken.None);

    /// <summary>The simulated board, for a test to change the physical world directly.</summary>
    public Charger.Agent.Board.Simulated.BoardSimulator Simulator => _board.Simulator;

    public async Task WaitForStateAsync(DiagnosticState state) =>
        await Eventually.TrueAsync(async () => await StateAsync() == state, $"state {state}");

    public async Task<List<SecurityEventData>> SecurityEventsAsync() =>
        (await Runtime.Journal.QueryAsync(new JournalQuery(EventTypes.SecurityEvent, Limit: 1000), CancellationToken.None))
        .Select(e => e.DataAs(ProtocolJsonContext.Default.SecurityEventData)).ToList();

    public async Task<List<ServiceRecordData>> ServiceRecordsAsync() =>
        (await Runtime.Journal.QueryAsync(new JournalQuery(EventTypes.ServiceRecord, Limit: 1000), CancellationToken.None))
        .Select(e => e.DataAs(ProtocolJsonContext.Default.ServiceRecordData)).ToList();

    public long LastSeq => Runtime.Journal.Stats.LastSeq;

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await _stop.CancelAsync();
        await _run;
        await Runtime.DisposeAsync();
        _board.Dispose();
        _stop.Dispose();
        Directory.Delete(Root, recursive: true);
    }
}

/// <summary>
/// The console's fake clock, which also says when a timer of a given due time is armed (e.g. a connection's idle timer),
/// so a test advances the clock after the timer exists instead of guessing.
/// </summary>
internal sealed class ObservedClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<(TimeSpan Due, TaskCompletionSource Armed)> _waiters = new();

    /// <summary>Completes when a timer due in <paramref name="due"/> is next created.</summary>
    public Task TimerArmedAsync(TimeSpan due)
    {
        var armed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiters.Enqueue((due, armed));
        return armed.Task;
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        foreach (var (due, armed) in _waiters)
        {
            if (due == dueTime)
            {
                armed.TrySetResult();
            }
        }

        return timer;
    }
}
