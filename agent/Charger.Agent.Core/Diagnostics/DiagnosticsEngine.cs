using System.Globalization;
using Charger.Agent.Core.Board;
using Charger.Protocol;
using Microsoft.Extensions.Logging;

namespace Charger.Agent.Core.Diagnostics;

/// <summary>A fault that is active now.</summary>
public sealed record ActiveFault(
    string Code,
    string Component,
    Severity Severity,
    bool BlocksCharging,
    bool Latching,
    DateTimeOffset RaisedAt,
    Guid? RaisedEventId,
    Guid? Cause,
    double? Value,
    string? Unit,
    bool ConditionPresent);

/// <summary>Outcome of an engineer's fault reset.</summary>
public enum FaultResetResult
{
    Reset,
    NotActive,
    NotLatching,
    ConditionStillPresent,
}

/// <summary>
/// The self-diagnostics: turns board snapshots into faults (thresholds with hysteresis and debounce, latching, stuck or
/// dead sensors), drives the <see cref="DiagnosticsMachine"/>, and records <c>boot</c>, <c>fault.raised</c>,
/// <c>fault.cleared</c>, <c>state.changed</c> and <c>counters</c>. Not thread-safe: call it from one loop.
/// </summary>
public sealed partial class DiagnosticsEngine
{
    private const string CountersStateKey = "counters";

    private readonly DiagnosticsOptions _options;
    private readonly EventRecorder _recorder;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly DiagnosticsMachine _machine = new();
    private readonly List<FaultRule> _rules;
    private readonly Dictionary<FaultRule, RuleState> _states = [];
    private BoardSnapshot? _previous;
    private CountersData _counters = new();
    private DateTimeOffset _lastCountersAt;
    private bool _commissioned = true;
    private bool _storageFaultRaised;

    public DiagnosticsEngine(DiagnosticsOptions options, EventRecorder recorder, TimeProvider time, ILogger<DiagnosticsEngine> logger)
    {
        _options = options;
        _recorder = recorder;
        _time = time;
        _logger = logger;
        _rules =
        [
            new ThresholdRule(FaultCatalogue.HighTemperature, "enclosure", SensorNames.EnclosureTemperature, options.EnclosureTemperature, above: true),
            new ThresholdRule(FaultCatalogue.HighTemperature, "connector", SensorNames.ConnectorTemperature, options.ConnectorTemperature, above: true),
            new ThresholdRule(FaultCatalogue.HighHumidity, "enclosure", SensorNames.EnclosureHumidity, options.EnclosureHumidity, above: true),
            new ThresholdRule(FaultCatalogue.GroundFailure, "rcm", SensorNames.ResidualCurrent, options.ResidualCurrent, above: true),
            new ThresholdRule(FaultCatalogue.OverVoltage, "supply", SensorNames.SupplyVoltage, options.SupplyOverVoltage, above: true),
            new ThresholdRule(FaultCatalogue.UnderVoltage, "supply", SensorNames.SupplyVoltage, options.SupplyUnderVoltage, above: false),
            new ThresholdRule(FaultCatalogue.OverCurrentFailure, "aux", SensorNames.AuxCurrent, options.AuxOverCurrent, above: true),
            new InputRule(FaultCatalogue.EmergencyStop, "estop", i => i.EmergencyStop, "emergency stop pressed"),
            new InputRule(FaultCatalogue.EnclosureOpen, "door", i => i.DoorOpen, "enclosure door open"),
            new InputRule(FaultCatalogue.GroundFailure, "rcd", i => i.RcdTripped, "residual-current device tripped"),
            new InputRule(FaultCatalogue.SurgeProtectionTripped, "spd", i => i.SurgeProtectionTripped, "surge protection device tripped"),
            new ContactorWeldRule(),
            new MeterSilentRule(options.MeterSilentAfter),
        ];
        foreach (var sensor in SensorNames.All)
        {
            _rules.Add(new SensorHealthRule(sensor, options.FrozenSamples));
        }

        foreach (var rule in _rules)
        {
            _states[rule] = new RuleState();
        }
    }

    /// <summary>Current diagnostic state.</summary>
    public DiagnosticState State => _machine.State;

    /// <summary>Whether the state allows charging (the contactor permissive).</summary>
    public bool ChargingPermitted => State is DiagnosticState.Operational or DiagnosticState.Degraded;

    /// <summary>The latest board snapshot seen.</summary>
    public BoardSnapshot? LastSnapshot => _previous;

    /// <summary>Cumulative counters.</summary>
    public CountersData Counters => _counters;

    /// <summary>Faults active now, most serious first.</summary>
    public IReadOnlyList<ActiveFault> ActiveFaults => _states
        .Where(kv => kv.Value.Active)
        .Select(kv => new ActiveFault(kv.Key.Code, kv.Key.Component, kv.Key.Definition.DefaultSeverity, kv.Key.Definition.BlocksCharging,
            kv.Key.Definition.Latching, kv.Value.RaisedAt, kv.Value.RaisedId, kv.Value.Cause, kv.Value.Value, kv.Value.Unit, kv.Value.ConditionPresent))
        .OrderByDescending(f => f.Severity).ThenBy(f => f.RaisedAt)
        .ToList();

    /// <summary>The machine's graph (DOT).</summary>
    public string ToDotGraph() => _machine.ToDotGraph();

    /// <summary>The machine's graph (Mermaid).</summary>
    public string ToMermaidGraph() => _machine.ToMermaidGraph();

    /// <summary>Journals <c>boot</c>, restores the counters and moves Booting -> SelfTest. The first snapshot ends the self-test.</summary>
    public async Task BootAsync(BootData boot, bool commissioned, CancellationToken cancellationToken)
    {
        _commissioned = commissioned;
        var saved = await _recorder.Journal.GetStateAsync(CountersStateKey, cancellationToken).ConfigureAwait(false);
        if (saved is not null)
        {
            _counters = System.Text.Json.JsonSerializer.Deserialize(saved, ProtocolJsonContext.Default.CountersData) ?? new CountersData();
        }

        _lastCountersAt = _time.GetUtcNow();
        await _recorder.RecordAsync(EventTypes.Boot, boot, ProtocolJsonContext.Default.BootData, cancellationToken).ConfigureAwait(false);
        await FireAsync(DiagnosticTrigger.BootCompleted, boot.Reason, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Evaluates one board snapshot.</summary>
    public async Task ProcessAsync(BoardSnapshot snapshot, CancellationToken cancellationToken)
    {
        UpdateCounters(snapshot);
        _previous = snapshot;

        foreach (var rule in _rules)
        {
            var observation = rule.Observe(snapshot);
            var state = _states[rule];
            if (observation.Present is not { } present)
            {
                continue;
            }

            state.ConditionPresent = present;
            if (present)
            {
                state.PresentCount++;
                state.AbsentCount = 0;
                state.Value = observation.Value ?? state.Value;
                state.Unit = observation.Unit ?? state.Unit;
                if (!state.Active && state.PresentCount >= _options.RaiseSamples)
                {
                    await RaiseAsync(rule, state, observation, snapshot.Timestamp, cancellationToken).ConfigureAwait(false);
                }
            }
            else
            {
                state.AbsentCount++;
                state.PresentCount = 0;
                if (state.Active && !rule.Definition.Latching && state.AbsentCount >= _options.ClearSamples)
                {
                    await ClearAsync(rule, state, observation.Value, observation.Unit, "condition-gone", cancellationToken).ConfigureAwait(false);
                }
            }
        }

        await CheckStorageAsync(cancellationToken).ConfigureAwait(false);

        if (State == DiagnosticState.SelfTest && !_commissioned)
        {
            await FireAsync(DiagnosticTrigger.NotCommissioned, "not commissioned", cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await EvaluateAsync(cancellationToken).ConfigureAwait(false);
        }

        if (snapshot.Timestamp - _lastCountersAt >= _options.CountersInterval)
        {
            await RecordCountersAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Journals the counters now (also done every <see cref="DiagnosticsOptions.CountersInterval"/>).</summary>
    public async Task RecordCountersAsync(CancellationToken cancellationToken)
    {
        _lastCountersAt = _time.GetUtcNow();
        await _recorder.RecordAsync(EventTypes.Counters, _counters, ProtocolJsonContext.Default.CountersData, cancellationToken).ConfigureAwait(false);
        try
        {
            await _recorder.Journal.SetStateAsync(CountersStateKey, System.Text.Json.JsonSerializer.Serialize(_counters, ProtocolJsonContext.Default.CountersData), cancellationToken).ConfigureAwait(false);
        }
        catch (Journal.JournalStorageException)
        {
            // Reported through StorageFailure; counters are saved again at the next interval.
        }
    }

    /// <summary>An engineer resets a latched fault. Allowed only when its cause is gone.</summary>
    public async Task<FaultResetResult> ResetFaultAsync(string code, string? component, string engineer, string reason, CancellationToken cancellationToken)
    {
        var matches = _states.Where(kv => kv.Key.Code == code && (component is null || kv.Key.Component == component)).ToList();
        var active = matches.Where(kv => kv.Value.Active).ToList();
        if (active.Count == 0)
        {
            return FaultResetResult.NotActive;
        }

        if (active.Any(kv => !kv.Key.Definition.Latching))
        {
            return FaultResetResult.NotLatching;
        }

        if (active.Any(kv => kv.Value.ConditionPresent))
        {
            return FaultResetResult.ConditionStillPresent;
        }

        foreach (var (rule, state) in active)
        {
            await ClearAsync(rule, state, state.Value, state.Unit, $"engineer-reset by {engineer}: {reason}", cancellationToken).ConfigureAwait(false);
        }

        await EvaluateAsync(cancellationToken).ConfigureAwait(false);
        return FaultResetResult.Reset;
    }

    /// <summary>Fires a trigger from outside (maintenance, commissioning). Throws when not allowed in the current state.</summary>
    public async Task FireExternalAsync(DiagnosticTrigger trigger, string reason, CancellationToken cancellationToken)
    {
        if (!_machine.CanFire(trigger))
        {
            throw new InvalidOperationException($"{trigger} is not allowed in state {State}.");
        }

        if (trigger == DiagnosticTrigger.CommissioningAccepted)
        {
            _commissioned = true;
        }

        await FireAsync(trigger, reason, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records a storage incident that has already been survived (a corrupt journal replaced): raised and cleared.</summary>
    public async Task ReportStorageIncidentAsync(string message, CancellationToken cancellationToken)
    {
        var definition = FaultCatalogue.Get(FaultCatalogue.StorageFailure);
        LogFaultRaised(_logger, definition.Code, "journal", message);
        var raised = await _recorder.RecordAsync(EventTypes.FaultRaised, new FaultRaisedData
        {
            Code = definition.Code,
            Component = "journal",
            Severity = definition.DefaultSeverity,
            Message = message,
            BlocksCharging = definition.BlocksCharging,
            Latching = definition.Latching,
        }, ProtocolJsonContext.Default.FaultRaisedData, cancellationToken).ConfigureAwait(false);
        await _recorder.RecordAsync(EventTypes.FaultCleared, new FaultClearedData
        {
            Code = definition.Code,
            Component = "journal",
            Raised = raised?.Id,
            Reason = "recovered: a new journal was started",
        }, ProtocolJsonContext.Default.FaultClearedData, cancellationToken).ConfigureAwait(false);
    }

    private async Task CheckStorageAsync(CancellationToken cancellationToken)
    {
        if (_recorder.OverflowCount > 0)
        {
            await _recorder.RetryOverflowAsync(cancellationToken).ConfigureAwait(false);
        }

        var failing = _recorder.StorageError is not null;
        if (failing == _storageFaultRaised)
        {
            return;
        }

        _storageFaultRaised = failing;
        var definition = FaultCatalogue.Get(FaultCatalogue.StorageFailure);
        if (failing)
        {
            LogFaultRaised(_logger, definition.Code, "journal", _recorder.StorageError);
            await _recorder.RecordAsync(EventTypes.FaultRaised, new FaultRaisedData
            {
                Code = definition.Code,
                Component = "journal",
                Severity = definition.DefaultSeverity,
                Message = _recorder.StorageError,
                BlocksCharging = definition.BlocksCharging,
                Latching = definition.Latching,
            }, ProtocolJsonContext.Default.FaultRaisedData, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            LogFaultCleared(_logger, definition.Code, "journal", "storage writes again");
            await _recorder.RecordAsync(EventTypes.FaultCleared, new FaultClearedData
            {
                Code = definition.Code,
                Component = "journal",
                Reason = "condition-gone",
            }, ProtocolJsonContext.Default.FaultClearedData, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RaiseAsync(FaultRule rule, RuleState state, Observation observation, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var root = _states
            .Where(kv => kv.Value.Active && kv.Key.Definition.BlocksCharging && at - kv.Value.RaisedAt <= _options.CauseWindow)
            .OrderBy(kv => kv.Value.RaisedAt)
            .Select(kv => kv.Value.Cause ?? kv.Value.RaisedId)
            .FirstOrDefault(id => id is not null);

        state.Active = true;
        state.RaisedAt = at;
        state.Cause = root;
        var envelope = await _recorder.RecordAsync(EventTypes.FaultRaised, new FaultRaisedData
        {
            Code = rule.Code,
            Component = rule.Component,
            Severity = rule.Definition.DefaultSeverity,
            Value = observation.Value,
            Unit = observation.Unit,
            Cause = root,
            BlocksCharging = rule.Definition.BlocksCharging,
            Latching = rule.Definition.Latching,
            Message = observation.Message,
        }, ProtocolJsonContext.Default.FaultRaisedData, cancellationToken).ConfigureAwait(false);
        state.RaisedId = envelope?.Id;
        LogFaultRaised(_logger, rule.Code, rule.Component, observation.Message);
    }

    private async Task ClearAsync(FaultRule rule, RuleState state, double? value, string? unit, string reason, CancellationToken cancellationToken)
    {
        var raisedId = state.RaisedId;
        state.Active = false;
        state.RaisedId = null;
        state.Cause = null;
        state.PresentCount = 0;
        await _recorder.RecordAsync(EventTypes.FaultCleared, new FaultClearedData
        {
            Code = rule.Code,
            Component = rule.Component,
            Value = value,
            Unit = unit,
            Raised = raisedId,
            Reason = reason,
        }, ProtocolJsonContext.Default.FaultClearedData, cancellationToken).ConfigureAwait(false);
        LogFaultCleared(_logger, rule.Code, rule.Component, reason);
    }

    private async Task EvaluateAsync(CancellationToken cancellationToken)
    {
        var active = ActiveFaults;
        var storage = _storageFaultRaised;
        var blocking = active.FirstOrDefault(f => f.BlocksCharging);
        var (trigger, reason) = blocking is not null
            ? (DiagnosticTrigger.BlockingFault, $"{blocking.Code} on {blocking.Component}")
            : active.Count > 0 || storage
                ? (DiagnosticTrigger.NonBlockingFault, active.Count > 0 ? $"{active[0].Code} on {active[0].Component}" : "StorageFailure on journal")
                : (DiagnosticTrigger.AllClear, "no active fault");
        await FireAsync(trigger, reason, cancellationToken).ConfigureAwait(false);
    }

    private async Task FireAsync(DiagnosticTrigger trigger, string reason, CancellationToken cancellationToken)
    {
        if (!_machine.CanFire(trigger))
        {
            return;
        }

        var transition = await _machine.FireAsync(trigger).ConfigureAwait(false);
        if (transition is { } t)
        {
            LogStateChanged(_logger, t.From, t.To, trigger, reason);
            await _recorder.RecordAsync(EventTypes.StateChanged, new StateChangedData
            {
                From = t.From,
                To = t.To,
                Trigger = trigger.ToString(),
                Reason = reason,
            }, ProtocolJsonContext.Default.StateChangedData, cancellationToken).ConfigureAwait(false);
        }
    }

    private void UpdateCounters(BoardSnapshot snapshot)
    {
        if (_previous is not { } prev)
        {
            return;
        }

        var dt = snapshot.Timestamp - prev.Timestamp;
        if (dt <= TimeSpan.Zero || dt > TimeSpan.FromMinutes(10))
        {
            return;
        }

        var hours = dt.TotalHours;
        var pulses = snapshot.EnergyPulses - prev.EnergyPulses;
        var temp = snapshot.Sensors.GetValueOrDefault(SensorNames.EnclosureTemperature)?.Value;
        var humidity = snapshot.Sensors.GetValueOrDefault(SensorNames.EnclosureHumidity)?.Value;
        _counters = _counters with
        {
            OperatingHours = _counters.OperatingHours + hours,
            EnergyWh = _counters.EnergyWh + (pulses > 0 ? pulses * 1000.0 / _options.EnergyPulsesPerKwh : 0),
            ContactorCycles = _counters.ContactorCycles + (snapshot.ContactorCommandClosed && !prev.ContactorCommandClosed ? 1 : 0),
            HoursAbove40C = _counters.HoursAbove40C + (temp > 40 ? hours : 0),
            HumidityExposureHours = _counters.HumidityExposureHours + (humidity > 80 ? hours : 0),
        };
    }

    private sealed class RuleState
    {
        public int PresentCount;
        public int AbsentCount;
        public bool Active;
        public bool ConditionPresent;
        public DateTimeOffset RaisedAt;
        public Guid? RaisedId;
        public Guid? Cause;
        public double? Value;
        public string? Unit;
    }

    [LoggerMessage(EventId = 1010, Level = LogLevel.Warning, Message = "Fault raised: {Code} on {Component}: {Message}")]
    private static partial void LogFaultRaised(ILogger logger, string code, string component, string? message);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Information, Message = "Fault cleared: {Code} on {Component} ({Reason})")]
    private static partial void LogFaultCleared(ILogger logger, string code, string component, string reason);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Information, Message = "State {From} -> {To} on {Trigger}: {Reason}")]
    private static partial void LogStateChanged(ILogger logger, DiagnosticState from, DiagnosticState to, DiagnosticTrigger trigger, string reason);
}
