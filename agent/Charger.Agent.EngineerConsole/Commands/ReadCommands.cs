using System.Text.Json;
using Charger.Agent.EngineerConsole.Contracts;
using Charger.Agent.Core.Board;
using Charger.Agent.Core.Diagnostics;
using Charger.Agent.Core.Journal;
using Charger.Protocol;

namespace Charger.Agent.EngineerConsole.Commands;

/// <summary>The read-only commands: <c>status</c>, <c>sensors</c>, <c>faults</c>. They need no session.</summary>
internal sealed class ReadCommands(ConsoleContext context)
{
    private readonly IReadOnlyDictionary<string, (double? Min, double? Max)> _limits = SensorLimits.For(context.Agent.Diagnostics);

    public async Task<JsonElement> StatusAsync(ConsoleCall call, CancellationToken cancellationToken)
    {
        call.NoArgs();
        var (check, session) = context.Sessions.Check(call.Request.Session, call.Peer.Uid);
        var status = await BuildStatusAsync(check == Security.SessionCheck.Valid ? session!.Engineer : null, cancellationToken).ConfigureAwait(false);
        return JsonSerializer.SerializeToElement(status, ConsoleJsonContext.Default.StatusData);
    }

    /// <summary>The status as <c>status</c> reports it.</summary>
    public async Task<StatusData> BuildStatusAsync(string? engineer, CancellationToken cancellationToken)
    {
        var agent = context.Agent;
        var (state, permitted, faults, counters) = await agent.PostAsync(
            engine => Task.FromResult((engine.State, engine.ChargingPermitted, engine.ActiveFaults, engine.Counters)), cancellationToken).ConfigureAwait(false);
        var stats = agent.Journal.Stats;
        var identity = agent.Board.Identity;
        var now = context.Time.GetUtcNow();
        return new StatusData
        {
            ChargerId = agent.ChargerId,
            State = state,
            ChargingPermitted = permitted,
            ActiveFaults = faults.Select(ToData).ToList(),
            Connected = agent.Connected,
            Outbox = new OutboxData(stats.PendingCount, stats.OldestPending, stats.LastSeq, stats.AckedUpTo, stats.TelemetryQueued),
            Versions = new VersionsData(agent.AgentVersion, Envelope.CurrentVersion, identity.FirmwareVersion, identity.Model, identity.Serial),
            StartedAt = agent.StartedAt,
            UptimeSeconds = Math.Max(0, (now - agent.StartedAt).TotalSeconds),
            Counters = counters,
            Simulated = agent.Simulation is not null,
            Engineer = engineer,
        };
    }

    public async Task<JsonElement> SensorsAsync(ConsoleCall call, CancellationToken cancellationToken)
    {
        call.NoArgs();
        return JsonSerializer.SerializeToElement(await BuildSensorsAsync(cancellationToken).ConfigureAwait(false), ConsoleJsonContext.Default.SensorsData);
    }

    /// <summary>The latest readings as <c>sensors</c> reports them.</summary>
    public async Task<SensorsData> BuildSensorsAsync(CancellationToken cancellationToken)
    {
        var (snapshot, faults) = await context.Agent.PostAsync(engine => Task.FromResult((engine.LastSnapshot, engine.ActiveFaults)), cancellationToken).ConfigureAwait(false);
        var sensors = SensorNames.All.Select(name => Sensor(name, snapshot?.Sensors.GetValueOrDefault(name), faults)).ToList();
        var inputs = snapshot is null ? [] : Inputs(snapshot);
        return new SensorsData(snapshot?.Timestamp, sensors, inputs, snapshot?.EnergyPulses ?? 0, snapshot?.ContactorCommandClosed ?? false);
    }

    public async Task<JsonElement> FaultsAsync(ConsoleCall call, CancellationToken cancellationToken)
    {
        var args = call.Args(ConsoleJsonContext.Default.FaultsArgs);
        if (args.Code is { } code && !FaultCatalogue.TryGet(code, out _))
        {
            throw new ConsoleCommandException(ConsoleErrorCodes.BadRequest,
                $"faults: unknown fault code '{code}'. Known codes: {string.Join(", ", FaultCatalogue.All.Select(d => d.Code))}.");
        }

        if (args.Limit is < 1 or > 10_000)
        {
            throw new ConsoleCommandException(ConsoleErrorCodes.BadRequest, "faults: limit must be 1..10000.");
        }

        var active = (await context.Agent.PostAsync(engine => Task.FromResult(engine.ActiveFaults), cancellationToken).ConfigureAwait(false))
            .Where(f => args.Code is null || f.Code == args.Code)
            .Select(ToData)
            .ToList();
        var history = new List<FaultEventData>();
        if (!args.Active)
        {
            foreach (var type in (string[])[EventTypes.FaultRaised, EventTypes.FaultCleared])
            {
                var events = await context.Agent.Journal.QueryAsync(new JournalQuery(type, args.Since, Limit: args.Limit), cancellationToken).ConfigureAwait(false);
                history.AddRange(events.Select(ToHistory).Where(h => args.Code is null || h.Code == args.Code));
            }

            history = history.OrderBy(h => h.Seq).TakeLast(args.Limit).ToList();
        }

        return JsonSerializer.SerializeToElement(new FaultsData(active, history), ConsoleJsonContext.Default.FaultsData);
    }

    internal static ActiveFaultData ToData(ActiveFault f) =>
        new(f.Code, f.Component, f.Severity, f.BlocksCharging, f.Latching, f.RaisedAt, f.Value, f.Unit, f.ConditionPresent);

    private SensorData Sensor(string name, SensorReading? reading, IReadOnlyList<ActiveFault> faults)
    {
        var unit = reading?.Unit ?? SensorNames.UnitOf(name);
        var limit = _limits.GetValueOrDefault(name);
        if (reading is null)
        {
            return new SensorData(name, null, unit, limit.Min, limit.Max, "unknown", "not read yet");
        }

        if (!reading.IsHealthy)
        {
            return new SensorData(name, null, unit, limit.Min, limit.Max, "error", reading.Error);
        }

        var value = reading.Value!.Value;
        var (health, detail) = faults.Any(f => f.Code == FaultCatalogue.SensorFailure && f.Component == name)
            ? ("frozen", "SensorFailure active")
            : SensorLimits.Beyond(value, limit) ? ("beyond-limit", $"limit {SensorLimits.Describe(limit, unit)}") : ("ok", null);
        return new SensorData(name, Math.Round(value, 3), unit, limit.Min, limit.Max, health, detail);
    }

    private static List<InputData> Inputs(BoardSnapshot snapshot)
    {
        var i = snapshot.Inputs;
        InputData Input(string name, bool? active, bool normal) =>
            new(name, active, normal, active is null ? "error" : active == normal ? "ok" : "alarm");
        return
        [
            Input(InputNames.EmergencyStop, i?.EmergencyStop, false),
            Input(InputNames.Door, i?.DoorOpen, false),
            Input(InputNames.RcdTrip, i?.RcdTripped, false),
            Input(InputNames.SurgeProtection, i?.SurgeProtectionTripped, false),
            Input(InputNames.ContactorFeedback, i?.ContactorFeedbackClosed, snapshot.ContactorCommandClosed),
        ];
    }

    private static FaultEventData ToHistory(Envelope e)
    {
        if (e.Type == EventTypes.FaultRaised)
        {
            var d = e.DataAs(ProtocolJsonContext.Default.FaultRaisedData);
            return new FaultEventData(e.Seq, e.Ts, "raised", d.Code, d.Component, d.Severity, d.Value, d.Unit, d.Message);
        }

        var c = e.DataAs(ProtocolJsonContext.Default.FaultClearedData);
        return new FaultEventData(e.Seq, e.Ts, "cleared", c.Code, c.Component, null, c.Value, c.Unit, c.Reason);
    }
}
