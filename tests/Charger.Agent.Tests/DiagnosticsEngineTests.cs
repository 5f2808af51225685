using Charger.Agent.Core;
using Charger.Agent.Core.Board;
using Charger.Agent.Core.Diagnostics;
using Charger.Agent.Core.Journal;
using Charger.Protocol;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Charger.Agent.Tests;

public sealed class DiagnosticsEngineTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero));
    private readonly InMemoryJournal _journal = new("CP-1");
    private readonly DiagnosticsOptions _options = new() { RaiseSamples = 3, ClearSamples = 2, FrozenSamples = 5 };
    private readonly DiagnosticsEngine _engine;
    private readonly Dictionary<string, double> _values = new()
    {
        [SensorNames.EnclosureTemperature] = 25,
        [SensorNames.EnclosureHumidity] = 40,
        [SensorNames.AuxVoltage] = 12,
        [SensorNames.AuxCurrent] = 0.8,
        [SensorNames.ResidualCurrent] = 0.5,
        [SensorNames.SupplyVoltage] = 230,
        [SensorNames.ConnectorTemperature] = 25,
    };
    private readonly HashSet<string> _dead = [];
    private DigitalInputs _inputs = new(false, false, false, false, false);
    private long _pulses;
    private bool _contactor;
    private int _tick;

    public DiagnosticsEngineTests()
    {
        var recorder = new EventRecorder(_journal, _time, NullLogger<EventRecorder>.Instance);
        _engine = new DiagnosticsEngine(_options, recorder, _time, NullLogger<DiagnosticsEngine>.Instance);
    }

    private async Task BootAsync(bool commissioned = true)
    {
        await _engine.BootAsync(new BootData { Reason = "power-on", AgentVersion = "1.0.0" }, commissioned, default);
        await StepAsync();
    }

    /// <summary>One poll: values get a tiny noise so nothing looks frozen unless a test wants it.</summary>
    private async Task StepAsync(int times = 1, bool noise = true)
    {
        for (var i = 0; i < times; i++)
        {
            _tick++;
            _time.Advance(TimeSpan.FromSeconds(1));
            var sensors = _values.ToDictionary(
                kv => kv.Key,
                kv => _dead.Contains(kv.Key)
                    ? new SensorReading(kv.Key, null, SensorNames.UnitOf(kv.Key), "I/O error")
                    : new SensorReading(kv.Key, kv.Value + (noise ? (_tick % 2) * 0.001 : 0), SensorNames.UnitOf(kv.Key)));
            await _engine.ProcessAsync(new BoardSnapshot(_time.GetUtcNow(), sensors, _inputs, _pulses, _contactor), default);
        }
    }

    private async Task<List<Envelope>> EventsAsync(string type) =>
        (await _journal.QueryAsync(new JournalQuery(Type: type, Limit: 1000), default)).ToList();

    [Fact]
    public async Task Boot_goes_through_self_test_to_operational_and_journals_boot_and_state_changes()
    {
        await BootAsync();
        Assert.Equal(DiagnosticState.Operational, _engine.State);
        var all = await _journal.QueryAsync(new JournalQuery(), default);
        Assert.Equal(EventTypes.Boot, all[0].Type);
        var changes = (await EventsAsync(EventTypes.StateChanged)).Select(e => e.DataAs(ProtocolJsonContext.Default.StateChangedData)).ToList();
        Assert.Equal([(DiagnosticState.Booting, DiagnosticState.SelfTest), (DiagnosticState.SelfTest, DiagnosticState.Operational)], changes.Select(c => (c.From, c.To)));
    }

    [Fact]
    public async Task Over_temperature_is_raised_only_after_the_debounce_and_clears_only_below_the_hysteresis_band()
    {
        await BootAsync();
        _values[SensorNames.EnclosureTemperature] = 75;
        await StepAsync(2);
        Assert.Empty(_engine.ActiveFaults);
        await StepAsync();
        var fault = Assert.Single(_engine.ActiveFaults);
        Assert.Equal(FaultCatalogue.HighTemperature, fault.Code);
        Assert.Equal(DiagnosticState.Faulted, _engine.State);
        var raised = Assert.Single(await EventsAsync(EventTypes.FaultRaised)).DataAs(ProtocolJsonContext.Default.FaultRaisedData);
        Assert.Equal("enclosure", raised.Component);
        Assert.Equal(Severity.Major, raised.Severity);
        Assert.Equal(75, raised.Value!.Value, 2);
        Assert.Equal("°C", raised.Unit);

        // 68 °C is below the raise limit (70) but above the clear limit (65): still hot.
        _values[SensorNames.EnclosureTemperature] = 68;
        await StepAsync(5);
        Assert.Single(_engine.ActiveFaults);

        _values[SensorNames.EnclosureTemperature] = 60;
        await StepAsync();
        Assert.Single(_engine.ActiveFaults);
        await StepAsync();
        Assert.Empty(_engine.ActiveFaults);
        Assert.Equal(DiagnosticState.Operational, _engine.State);
        var cleared = Assert.Single(await EventsAsync(EventTypes.FaultCleared)).DataAs(ProtocolJsonContext.Default.FaultClearedData);
        Assert.Equal(FaultCatalogue.HighTemperature, cleared.Code);
        Assert.Equal("condition-gone", cleared.Reason);
    }

    [Fact]
    public async Task A_short_spike_does_not_raise_a_fault()
    {
        await BootAsync();
        _values[SensorNames.EnclosureTemperature] = 80;
        await StepAsync(2);
        _values[SensorNames.EnclosureTemperature] = 30;
        await StepAsync(5);
        Assert.Empty(await EventsAsync(EventTypes.FaultRaised));
    }

    [Fact]
    public async Task A_ground_fault_latches_until_an_engineer_resets_it_after_the_cause_is_gone()
    {
        await BootAsync();
        _inputs = _inputs with { RcdTripped = true };
        await StepAsync(3);
        Assert.Equal(DiagnosticState.Faulted, _engine.State);
        Assert.Equal(FaultResetResult.ConditionStillPresent, await _engine.ResetFaultAsync(FaultCatalogue.GroundFailure, null, "eng-1", "test", default));

        _inputs = _inputs with { RcdTripped = false };
        await StepAsync(10);
        var fault = Assert.Single(_engine.ActiveFaults);
        Assert.True(fault.Latching);
        Assert.False(fault.ConditionPresent);
        Assert.Equal(DiagnosticState.Faulted, _engine.State);

        Assert.Equal(FaultResetResult.Reset, await _engine.ResetFaultAsync(FaultCatalogue.GroundFailure, null, "eng-1", "RCD replaced", default));
        Assert.Empty(_engine.ActiveFaults);
        Assert.Equal(DiagnosticState.Operational, _engine.State);
        var cleared = Assert.Single(await EventsAsync(EventTypes.FaultCleared)).DataAs(ProtocolJsonContext.Default.FaultClearedData);
        Assert.StartsWith("engineer-reset by eng-1", cleared.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_non_latching_fault_cannot_be_reset_by_hand()
    {
        await BootAsync();
        _inputs = _inputs with { DoorOpen = true };
        await StepAsync(3);
        Assert.Equal(FaultResetResult.NotLatching, await _engine.ResetFaultAsync(FaultCatalogue.EnclosureOpen, null, "e", "r", default));
        Assert.Equal(FaultResetResult.NotActive, await _engine.ResetFaultAsync(FaultCatalogue.HighHumidity, null, "e", "r", default));
    }

    [Fact]
    public async Task A_dead_sensor_raises_SensorFailure_without_stopping_the_others()
    {
        await BootAsync();
        _dead.Add(SensorNames.EnclosureHumidity);
        await StepAsync(3);
        var fault = Assert.Single(_engine.ActiveFaults);
        Assert.Equal((FaultCatalogue.SensorFailure, SensorNames.EnclosureHumidity), (fault.Code, fault.Component));
        Assert.Equal(DiagnosticState.Degraded, _engine.State);

        _values[SensorNames.EnclosureTemperature] = 80;
        await StepAsync(3);
        Assert.Contains(_engine.ActiveFaults, f => f.Code == FaultCatalogue.HighTemperature);

        _dead.Clear();
        _values[SensorNames.EnclosureTemperature] = 25;
        await StepAsync(3);
        Assert.Empty(_engine.ActiveFaults);
    }

    [Fact]
    public async Task A_frozen_sensor_raises_SensorFailure()
    {
        await BootAsync();
        // FrozenSamples (5) identical values make the condition; RaiseSamples (3) debounce it.
        await StepAsync(6, noise: false);
        Assert.DoesNotContain(_engine.ActiveFaults, f => f.Code == FaultCatalogue.SensorFailure);
        await StepAsync(1, noise: false);
        Assert.Contains(_engine.ActiveFaults, f => f.Code == FaultCatalogue.SensorFailure);
        await StepAsync(3, noise: true);
        Assert.Empty(_engine.ActiveFaults);
    }

    [Fact]
    public async Task A_fault_that_follows_an_emergency_stop_names_it_as_cause()
    {
        await BootAsync();
        _inputs = _inputs with { EmergencyStop = true };
        await StepAsync(3);
        // The contactor is commanded open now but its feedback stays closed: welded.
        _inputs = _inputs with { ContactorFeedbackClosed = true };
        await StepAsync(3);
        var raised = (await EventsAsync(EventTypes.FaultRaised)).ToList();
        Assert.Equal(2, raised.Count);
        var estop = raised[0];
        var weld = raised[1].DataAs(ProtocolJsonContext.Default.FaultRaisedData);
        Assert.Equal(FaultCatalogue.PowerSwitchFailure, weld.Code);
        Assert.Equal(estop.Id, weld.Cause);
        Assert.Null(estop.DataAs(ProtocolJsonContext.Default.FaultRaisedData).Cause);
    }

    [Fact]
    public async Task A_silent_energy_meter_raises_PowerMeterFailure_while_the_contactor_is_closed()
    {
        // Default MeterSilentAfter: 30 s.
        await BootAsync();
        _contactor = true;
        _inputs = _inputs with { ContactorFeedbackClosed = true };
        for (var i = 0; i < 5; i++)
        {
            _pulses += 2;
            await StepAsync();
        }

        Assert.Empty(_engine.ActiveFaults);
        await StepAsync(25);
        Assert.Empty(_engine.ActiveFaults);
        await StepAsync(8);
        Assert.Contains(_engine.ActiveFaults, f => f.Code == FaultCatalogue.PowerMeterFailure);
        _pulses += 2;
        await StepAsync();
        _pulses += 2;
        await StepAsync();
        Assert.DoesNotContain(_engine.ActiveFaults, f => f.Code == FaultCatalogue.PowerMeterFailure);
    }

    [Fact]
    public async Task Counters_accumulate_energy_hours_and_contactor_cycles_and_survive_a_restart()
    {
        await BootAsync();
        _contactor = true;
        _values[SensorNames.EnclosureTemperature] = 45;
        for (var i = 0; i < 3600; i++)
        {
            _pulses += 2; // 2 pulses/s at 1000 pulses/kWh = 7.2 kW
            await StepAsync();
        }

        await _engine.RecordCountersAsync(default);
        var counters = (await EventsAsync(EventTypes.Counters))[^1].DataAs(ProtocolJsonContext.Default.CountersData);
        Assert.Equal(7200, counters.EnergyWh, 0);
        Assert.Equal(1, counters.ContactorCycles);
        Assert.Equal(1.0, counters.OperatingHours, 2);
        Assert.Equal(1.0, counters.HoursAbove40C, 2);

        var again = new DiagnosticsEngine(_options, new EventRecorder(_journal, _time, NullLogger<EventRecorder>.Instance), _time, NullLogger<DiagnosticsEngine>.Instance);
        await again.BootAsync(new BootData { Reason = "restart", AgentVersion = "1" }, true, default);
        Assert.Equal(7200, again.Counters.EnergyWh, 0);
    }

    [Fact]
    public async Task An_uncommissioned_charger_waits_in_Commissioning_until_accepted()
    {
        await BootAsync(commissioned: false);
        Assert.Equal(DiagnosticState.Commissioning, _engine.State);
        _inputs = _inputs with { DoorOpen = true };
        await StepAsync(3);
        Assert.Equal(DiagnosticState.Commissioning, _engine.State);
        await _engine.FireExternalAsync(DiagnosticTrigger.CommissioningAccepted, "accepted", default);
        _inputs = _inputs with { DoorOpen = false };
        await StepAsync(3);
        Assert.Equal(DiagnosticState.Operational, _engine.State);
    }

    [Fact]
    public async Task Maintenance_holds_the_state_and_leaving_it_tests_again()
    {
        await BootAsync();
        await _engine.FireExternalAsync(DiagnosticTrigger.EnterMaintenance, "engineer on site", default);
        _inputs = _inputs with { DoorOpen = true };
        await StepAsync(3);
        Assert.Equal(DiagnosticState.Maintenance, _engine.State);
        await Assert.ThrowsAsync<InvalidOperationException>(() => _engine.FireExternalAsync(DiagnosticTrigger.CommissioningAccepted, "x", default));
        await _engine.FireExternalAsync(DiagnosticTrigger.ExitMaintenance, "done", default);
        await StepAsync();
        Assert.Equal(DiagnosticState.Faulted, _engine.State);
    }

    [Fact]
    public async Task A_failing_journal_raises_StorageFailure_and_loses_no_event_once_it_writes_again()
    {
        var flaky = new FlakyJournal(new InMemoryJournal("CP-2"));
        var recorder = new EventRecorder(flaky, _time, NullLogger<EventRecorder>.Instance);
        var engine = new DiagnosticsEngine(_options, recorder, _time, NullLogger<DiagnosticsEngine>.Instance);
        await engine.BootAsync(new BootData { Reason = "power-on", AgentVersion = "1" }, true, default);
        flaky.Failing = true;
        _inputs = _inputs with { DoorOpen = true };
        for (var i = 0; i < 3; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await engine.ProcessAsync(new BoardSnapshot(_time.GetUtcNow(), new Dictionary<string, SensorReading>(), _inputs, 0, false), default);
        }

        Assert.NotNull(recorder.StorageError);
        Assert.True(recorder.OverflowCount > 0);
        flaky.Failing = false;
        _time.Advance(TimeSpan.FromSeconds(1));
        await engine.ProcessAsync(new BoardSnapshot(_time.GetUtcNow(), new Dictionary<string, SensorReading>(), _inputs, 0, false), default);
        Assert.Null(recorder.StorageError);
        var types = (await flaky.QueryAsync(new JournalQuery(Limit: 100), default)).Select(e => (e.Type, Code: e.Type.StartsWith("fault", StringComparison.Ordinal) ? e.Data.GetProperty("code").GetString() : null)).ToList();
        Assert.Contains((EventTypes.FaultRaised, (string?)FaultCatalogue.EnclosureOpen), types);
        Assert.Contains((EventTypes.FaultRaised, (string?)FaultCatalogue.StorageFailure), types);
        Assert.Contains((EventTypes.FaultCleared, (string?)FaultCatalogue.StorageFailure), types);
        var seqs = (await flaky.QueryAsync(new JournalQuery(Limit: 100), default)).Select(e => e.Seq).ToList();
        Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
    }

    [Fact]
    public void The_graph_exports_every_state()
    {
        var dot = _engine.ToDotGraph();
        var mermaid = _engine.ToMermaidGraph();
        foreach (var state in Enum.GetNames<DiagnosticState>())
        {
            Assert.Contains(state, dot, StringComparison.Ordinal);
            Assert.Contains(state, mermaid, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Options_without_hysteresis_are_refused_with_the_key_named()
    {
        var bad = new DiagnosticsOptions { EnclosureTemperature = new Threshold { Raise = 70, Clear = 75 } };
        var errors = bad.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(bad)).ToList();
        Assert.Contains(errors, e => e.ErrorMessage!.Contains("Diagnostics:EnclosureTemperature:Clear", StringComparison.Ordinal));
        var under = new DiagnosticsOptions { SupplyUnderVoltage = new Threshold { Raise = 196, Clear = 190 } };
        Assert.NotEmpty(under.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(under)));
        Assert.Empty(new DiagnosticsOptions().Validate(new System.ComponentModel.DataAnnotations.ValidationContext(new DiagnosticsOptions())));
    }

    /// <summary>A journal whose store can be made to fail like a full disk.</summary>
    private sealed class FlakyJournal(IJournal inner) : IJournal
    {
        public bool Failing { get; set; }
        public JournalStats Stats => inner.Stats;
        public string? RecoveredFrom => inner.RecoveredFrom;
        public ValueTask<Envelope?> AppendAsync(string type, System.Text.Json.JsonElement data, DateTimeOffset timestamp, CancellationToken cancellationToken) =>
            Failing ? throw new JournalStorageException("disk full") { DiskFull = true } : inner.AppendAsync(type, data, timestamp, cancellationToken);
        public ValueTask<IReadOnlyList<Envelope>> ReadPendingAsync(long afterSeq, int max, CancellationToken cancellationToken) => inner.ReadPendingAsync(afterSeq, max, cancellationToken);
        public ValueTask AcknowledgeAsync(long upTo, CancellationToken cancellationToken) => inner.AcknowledgeAsync(upTo, cancellationToken);
        public ValueTask AppendTelemetryAsync(ReadOnlyMemory<byte> payload, DateTimeOffset timestamp, CancellationToken cancellationToken) => inner.AppendTelemetryAsync(payload, timestamp, cancellationToken);
        public ValueTask<IReadOnlyList<byte[]>> TakeTelemetryAsync(int max, CancellationToken cancellationToken) => inner.TakeTelemetryAsync(max, cancellationToken);
        public ValueTask<IReadOnlyList<Envelope>> QueryAsync(JournalQuery query, CancellationToken cancellationToken) => inner.QueryAsync(query, cancellationToken);
        public ValueTask<string?> GetStateAsync(string key, CancellationToken cancellationToken) => inner.GetStateAsync(key, cancellationToken);
        public ValueTask SetStateAsync(string key, string value, CancellationToken cancellationToken) =>
            Failing ? throw new JournalStorageException("disk full") : inner.SetStateAsync(key, value, cancellationToken);
        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}

public sealed class StateMachineDocsTests
{
    [Fact]
    public void The_committed_state_machine_graph_matches_the_code()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Agent.sln")))
        {
            dir = dir.Parent;
        }

        var committed = File.ReadAllText(Path.Combine(dir!.FullName, "agent/Charger.Agent/docs/state-machine.md"));
        Assert.True(committed == Charger.Agent.AgentCommands.StateMachineMarkdown(),
            "agent/Charger.Agent/docs/state-machine.md is out of date: run `dotnet run --project agent/Charger.Agent -- export-graph $PWD/agent/Charger.Agent/docs`");
    }
}
