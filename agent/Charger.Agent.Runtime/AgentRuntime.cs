using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Charger.Agent.Core;
using Charger.Agent.Core.Board;
using Charger.Agent.Core.Diagnostics;
using Charger.Agent.Core.Journal;
using Charger.Agent.Journal.Sqlite;
using Charger.Agent.Mqtt;
using Charger.Protocol;
using Microsoft.Extensions.Logging;

namespace Charger.Agent;

/// <summary>
/// One running agent: board -> diagnostics -> journal -> publisher. The host runs one; the fleet simulator runs many in
/// one process. Everything that changes the diagnostics goes through one loop (<see cref="PostAsync"/>).
/// </summary>
public sealed partial class AgentRuntime : IAsyncDisposable
{
    private const string CommissionedKey = "commissioned";

    private readonly AgentOptions _agent;
    private readonly DiagnosticsOptions _diagnostics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly BootReason _bootReason;
    private readonly Channel<Func<DiagnosticsEngine, Task>> _commands = Channel.CreateUnbounded<Func<DiagnosticsEngine, Task>>(new UnboundedChannelOptions { SingleReader = true });
    private long _heartbeatTicks;

    private readonly JournalOptions _journalOptions;
    private readonly MqttPublisherOptions _mqtt;

    private AgentRuntime(AgentOptions agent, DiagnosticsOptions diagnostics, JournalOptions journalOptions, MqttPublisherOptions mqtt, IJournal journal,
        EventRecorder recorder, DiagnosticsEngine engine, OutboxPublisher publisher, IBoard board, TimeProvider time, ILogger logger)
    {
        _agent = agent;
        _journalOptions = journalOptions;
        _mqtt = mqtt;
        _diagnostics = diagnostics;
        Journal = journal;
        Recorder = recorder;
        Engine = engine;
        Publisher = publisher;
        Board = board;
        _time = time;
        _logger = logger;
        _bootReason = new BootReason(agent.DataDirectory);
    }

    public IJournal Journal { get; }
    public EventRecorder Recorder { get; }
    public DiagnosticsEngine Engine { get; }
    public OutboxPublisher Publisher { get; }
    public IBoard Board { get; }
    public string ChargerId => _agent.ChargerId;

    /// <summary>When the main loop last completed a cycle (the systemd watchdog pings only while this moves).</summary>
    public DateTimeOffset LastHeartbeat => new(Interlocked.Read(ref _heartbeatTicks), TimeSpan.Zero);

    /// <summary>The agent's version, as reported in <c>boot</c>.</summary>
    public static string Version { get; } =
        typeof(AgentRuntime).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>Builds an agent over <paramref name="board"/> with a durable journal in <see cref="AgentOptions.DataDirectory"/>.</summary>
    public static AgentRuntime Create(AgentOptions agent, DiagnosticsOptions diagnostics, JournalOptions journalOptions, MqttPublisherOptions mqtt,
        IBoard board, TimeProvider time, ILoggerFactory loggers)
    {
        Directory.CreateDirectory(agent.DataDirectory);
        var path = Path.IsPathRooted(journalOptions.Path) ? journalOptions.Path : Path.Combine(agent.DataDirectory, journalOptions.Path);
        var journal = SqliteJournal.Open(agent.ChargerId, new JournalOptions
        {
            Path = path,
            MaxPendingEvents = journalOptions.MaxPendingEvents,
            MaxHistoryEvents = journalOptions.MaxHistoryEvents,
            MaxTelemetry = journalOptions.MaxTelemetry,
        }, loggers.CreateLogger<SqliteJournal>());
        var recorder = new EventRecorder(journal, time, loggers.CreateLogger<EventRecorder>());
        var engine = new DiagnosticsEngine(diagnostics, recorder, time, loggers.CreateLogger<DiagnosticsEngine>());
        var publisher = new OutboxPublisher(agent.ChargerId, mqtt, recorder, time, loggers.CreateLogger<OutboxPublisher>());
        var runtime = new AgentRuntime(agent, diagnostics, journalOptions, mqtt, journal, recorder, engine, publisher, board, time, loggers.CreateLogger<AgentRuntime>());
        if (journal.RecoveredFrom is { } movedTo)
        {
            runtime.LogJournalRecovered(movedTo);
        }

        return runtime;
    }

    /// <summary>Queues work for the diagnostics loop and completes when it has run.</summary>
    public async Task<T> PostAsync<T>(Func<DiagnosticsEngine, Task<T>> work, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _commands.Writer.WriteAsync(async engine =>
        {
            try
            {
                done.TrySetResult(await work(engine).ConfigureAwait(false));
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }
        }, cancellationToken).ConfigureAwait(false);
        return await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Boots, then reads the board every poll interval until cancelled; publishes in the background.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var reason = _bootReason.Begin();
        var commissioned = !_agent.RequireCommissioning
            || await Journal.GetStateAsync(CommissionedKey, cancellationToken).ConfigureAwait(false) == "true";
        var identity = Board.Identity;
        // After a corrupt journal was moved aside, numbering went on above the reserved high-water mark: whatever the
        // cloud has not received below it is gone, and the boot event says so.
        var lostUpTo = Journal.RecoveredFrom is not null ? Journal.Stats.LastSeq : (long?)null;
        await Engine.BootAsync(new BootData
        {
            LostUpToSeq = lostUpTo,
            Reason = reason,
            AgentVersion = Version,
            FirmwareVersion = identity.FirmwareVersion,
            Model = identity.Model,
            Serial = identity.Serial,
        }, commissioned, cancellationToken).ConfigureAwait(false);
        if (Journal.RecoveredFrom is { } movedTo)
        {
            await Engine.ReportStorageIncidentAsync($"journal was corrupt; moved to {movedTo}; unsent events in it are lost", cancellationToken).ConfigureAwait(false);
        }

        Beat();

        using var publisherStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var publishing = Task.Run(() => Publisher.RunAsync(publisherStop.Token), CancellationToken.None);
        var nextTelemetry = _time.GetUtcNow() + _agent.TelemetryInterval;
        using var timer = new PeriodicTimer(_diagnostics.PollInterval, _time);
        Task<bool>? wake = null;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var snapshot = await Board.ReadAsync(cancellationToken).ConfigureAwait(false);
                await Engine.ProcessAsync(snapshot, cancellationToken).ConfigureAwait(false);
                Board.SetContactor(Engine.ChargingPermitted);
                if (_agent.TelemetryInterval > TimeSpan.Zero && snapshot.Timestamp >= nextTelemetry)
                {
                    nextTelemetry = snapshot.Timestamp + _agent.TelemetryInterval;
                    await QueueTelemetryAsync(snapshot, cancellationToken).ConfigureAwait(false);
                }

                Beat();
                while (_commands.Reader.TryRead(out var command))
                {
                    await command(Engine).ConfigureAwait(false);
                }

                // Until the next poll, run posted commands as they arrive (the console waits on them).
                var tick = timer.WaitForNextTickAsync(cancellationToken).AsTask();
                while (true)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    // One pending wake-up at a time, kept across ticks (a new one per tick would pile up waiters).
                    wake ??= _commands.Reader.WaitToReadAsync(cancellationToken).AsTask();
                    if (await Task.WhenAny(tick, wake).ConfigureAwait(false) == tick)
                    {
                        break;
                    }

                    wake = null;

                    while (_commands.Reader.TryRead(out var command))
                    {
                        await command(Engine).ConfigureAwait(false);
                    }
                }

                await tick.ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            Board.SetContactor(false);
            try
            {
                await Engine.RecordCountersAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (JournalStorageException)
            {
            }

            await publisherStop.CancelAsync().ConfigureAwait(false);
            await publishing.ConfigureAwait(false);
            _bootReason.End();
        }
    }

    /// <summary>Marks the charger commissioned (persisted) and leaves Commissioning.</summary>
    public Task MarkCommissionedAsync(CancellationToken cancellationToken) => PostAsync(async engine =>
    {
        await AcceptCommissioningAsync(engine, "commissioning accepted", cancellationToken).ConfigureAwait(false);
        return true;
    }, cancellationToken);

    /// <summary>
    /// Marks the charger commissioned (persisted) and leaves Commissioning; call only on the loop (inside
    /// <see cref="PostAsync{T}"/>), with the engine it gave.
    /// </summary>
    public async Task AcceptCommissioningAsync(DiagnosticsEngine engine, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        await Journal.SetStateAsync(CommissionedKey, "true", cancellationToken).ConfigureAwait(false);
        if (engine.State == DiagnosticState.Commissioning)
        {
            await engine.FireExternalAsync(DiagnosticTrigger.CommissioningAccepted, reason, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The settings this agent was built with, by configuration section (secrets included).</summary>
    public JsonObject Settings() => new()
    {
        [AgentOptions.Section] = JsonSerializer.SerializeToNode(_agent, AgentSettingsJsonContext.Default.AgentOptions),
        [DiagnosticsOptions.Section] = JsonSerializer.SerializeToNode(_diagnostics, AgentSettingsJsonContext.Default.DiagnosticsOptions),
        [JournalOptions.Section] = JsonSerializer.SerializeToNode(_journalOptions, AgentSettingsJsonContext.Default.JournalOptions),
        [MqttPublisherOptions.Section] = JsonSerializer.SerializeToNode(_mqtt, AgentSettingsJsonContext.Default.MqttPublisherOptions),
    };

    private async Task QueueTelemetryAsync(BoardSnapshot snapshot, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("chargerId", ChargerId);
            w.WriteString("ts", snapshot.Timestamp.UtcDateTime);
            w.WriteString("state", Engine.State.ToString());
            w.WriteStartObject("sensors");
            foreach (var (name, reading) in snapshot.Sensors)
            {
                if (reading.Value is { } v)
                {
                    w.WriteNumber(name, Math.Round(v, 3));
                }
                else
                {
                    w.WriteNull(name);
                }
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        try
        {
            await Journal.AppendTelemetryAsync(buffer.ToArray(), snapshot.Timestamp, cancellationToken).ConfigureAwait(false);
            Recorder.SignalOutbox();
        }
        catch (JournalStorageException)
        {
            // Telemetry is the first thing to go when storage is short.
        }
    }

    private void Beat() => Interlocked.Exchange(ref _heartbeatTicks, _time.GetUtcNow().UtcTicks);

    public async ValueTask DisposeAsync()
    {
        await Publisher.DisposeAsync().ConfigureAwait(false);
        await Journal.DisposeAsync().ConfigureAwait(false);
        Board.Dispose();
    }

    [LoggerMessage(EventId = 1401, Level = LogLevel.Error, Message = "The journal was corrupt and was moved to {MovedTo}; a new journal continues the event stream")]
    private partial void LogJournalRecovered(string movedTo);
}
