using System.Globalization;
using System.Text.Json;
using Charger.Agent.EngineerConsole.Contracts;
using Charger.Agent.Core.Board;
using Charger.Agent.Core.Diagnostics;
using Charger.Protocol;

namespace Charger.Agent.EngineerConsole.Commands;

/// <summary>
/// <c>selftest</c>: checks every sensor (answers, not frozen, within its limits), every digital input (in its normal
/// state), the contactor (feedback follows the command) and the latched/blocking faults, one step at a time on a fresh
/// board read, sending each step as a progress line. The result is journaled as a <c>service.record</c> of kind
/// <c>selftest</c> with the engineer's id, and remembered for <c>maintenance exit</c>.
/// </summary>
internal sealed class SelfTestRunner(ConsoleContext context)
{
    private sealed record Step(string Name, string Expected, Func<BoardSnapshot, IReadOnlyList<ActiveFault>, (bool Pass, string Seen)> Check);

    private readonly IReadOnlyList<Step> _steps = BuildSteps(SensorLimits.For(context.Agent.Diagnostics));

    /// <summary>Names of the steps, in order.</summary>
    public IEnumerable<string> StepNames => _steps.Select(s => s.Name);

    public async Task<JsonElement> RunAsync(ConsoleCall call, CancellationToken cancellationToken)
    {
        call.NoArgs();
        var session = await context.RequireSessionAsync(call, cancellationToken).ConfigureAwait(false);
        var results = await RunStepsAsync(call, cancellationToken).ConfigureAwait(false);
        var passed = results.All(r => r.Pass);
        var failed = results.Where(r => !r.Pass).Select(r => r.Name).ToList();
        var at = context.Time.GetUtcNow();
        var record = await context.Agent.PostAsync(_ => context.Agent.Recorder.RecordAsync(EventTypes.ServiceRecord, new ServiceRecordData
        {
            Kind = ServiceRecordKinds.SelfTest,
            EngineerId = session.Engineer,
            Findings = passed
                ? $"self-test passed: {results.Count} of {results.Count} steps"
                : $"self-test failed: {string.Join(", ", failed)}",
            Checklist = results.ToDictionary(r => r.Name, r => r.Pass),
            TestResults = results.ToDictionary(r => r.Name, r => r.Seen),
        }, ProtocolJsonContext.Default.ServiceRecordData, cancellationToken), cancellationToken).ConfigureAwait(false);
        context.Visit.SelfTested(at, passed);
        ConsoleLog.Action(context.Logger, session.Engineer, call.Peer.Origin, passed ? "self-test passed" : "self-test failed");
        return JsonSerializer.SerializeToElement(new SelfTestData(passed, at, session.Engineer, results, record?.Seq), ConsoleJsonContext.Default.SelfTestData);
    }

    /// <summary>Runs every step on a fresh board read, sending each as a progress line; journals nothing.</summary>
    public async Task<IReadOnlyList<SelfTestStepData>> RunStepsAsync(ConsoleCall call, CancellationToken cancellationToken)
    {
        var results = new List<SelfTestStepData>();
        for (var i = 0; i < _steps.Count; i++)
        {
            var step = _steps[i];
            var (pass, seen) = await context.Agent.PostAsync(async engine =>
            {
                var snapshot = await context.Agent.Board.ReadAsync(cancellationToken).ConfigureAwait(false);
                return step.Check(snapshot, engine.ActiveFaults);
            }, cancellationToken).ConfigureAwait(false);
            var data = new SelfTestStepData(i + 1, _steps.Count, step.Name, pass, seen, step.Expected);
            results.Add(data);
            await call.Progress(data, ConsoleJsonContext.Default.SelfTestStepData, cancellationToken).ConfigureAwait(false);
        }

        return results;
    }

    private static List<Step> BuildSteps(IReadOnlyDictionary<string, (double? Min, double? Max)> limits)
    {
        var steps = new List<Step>();
        foreach (var name in SensorNames.All)
        {
            var limit = limits.GetValueOrDefault(name);
            var unit = SensorNames.UnitOf(name);
            var expected = limit is (null, null) ? "answers, not frozen" : $"answers, not frozen, {SensorLimits.Describe(limit, unit)}";
            steps.Add(new Step($"sensor {name}", expected, (snapshot, faults) =>
            {
                if (!snapshot.Sensors.TryGetValue(name, out var reading) || !reading.IsHealthy)
                {
                    return (false, $"no answer: {reading?.Error ?? "not read"}");
                }

                var value = reading.Value!.Value;
                var seen = string.Create(CultureInfo.InvariantCulture, $"{value:0.##} {reading.Unit}");
                if (faults.Any(f => f.Code == FaultCatalogue.SensorFailure && f.Component == name))
                {
                    return (false, seen + " (frozen)");
                }

                return (!SensorLimits.Beyond(value, limit), seen);
            }));
        }

        steps.Add(InputStep(InputNames.EmergencyStop, "released", "pressed", i => i.EmergencyStop));
        steps.Add(InputStep(InputNames.Door, "closed", "open", i => i.DoorOpen));
        steps.Add(InputStep(InputNames.RcdTrip, "not tripped", "tripped", i => i.RcdTripped));
        steps.Add(InputStep(InputNames.SurgeProtection, "ok", "tripped", i => i.SurgeProtectionTripped));
        steps.Add(new Step("contactor feedback", "follows the command", (snapshot, _) =>
        {
            if (snapshot.Inputs is not { } inputs)
            {
                return (false, "inputs unreadable");
            }

            var command = snapshot.ContactorCommandClosed ? "closed" : "open";
            var feedback = inputs.ContactorFeedbackClosed ? "closed" : "open";
            return (command == feedback, $"commanded {command}, feedback {feedback}");
        }));
        steps.Add(new Step("latched and blocking faults", "none active", (_, faults) =>
        {
            var blocking = faults.Where(f => f.BlocksCharging || f.Latching).ToList();
            return blocking.Count == 0
                ? (true, "none")
                : (false, string.Join(", ", blocking.Select(f => $"{f.Code} ({f.Component})")));
        }));
        return steps;
    }

    private static Step InputStep(string name, string normal, string alarm, Func<DigitalInputs, bool> active) =>
        new($"input {name}", normal, (snapshot, _) =>
            snapshot.Inputs is { } inputs
                ? (!active(inputs), active(inputs) ? alarm : normal)
                : (false, "inputs unreadable"));
}
