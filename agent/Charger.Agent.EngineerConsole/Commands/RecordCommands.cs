using System.Text.Json;
using Charger.Agent.EngineerConsole.Contracts;
using Charger.Protocol;

namespace Charger.Agent.EngineerConsole.Commands;

/// <summary>
/// <c>record</c> (a repair, maintenance, inspection or installation record) and <c>commission</c> (the installation
/// and commissioning acceptance). Both need a session; the engineer id is the session's. A record is validated
/// completely before anything is journaled (<see cref="ServiceRecordValidator"/>).
/// </summary>
internal sealed class RecordCommands(ConsoleContext context, SelfTestRunner selfTest)
{
    public async Task<JsonElement> RecordAsync(ConsoleCall call, CancellationToken cancellationToken)
    {
        var args = call.Args(ConsoleJsonContext.Default.RecordArgs);
        var session = await context.RequireSessionAsync(call, cancellationToken).ConfigureAwait(false);
        var record = ServiceRecordValidator.Validate(args, session.Engineer);
        var (envelope, state) = await context.Agent.PostAsync(async engine =>
        {
            var e = await context.Agent.Recorder.RecordAsync(EventTypes.ServiceRecord, record, ProtocolJsonContext.Default.ServiceRecordData, cancellationToken).ConfigureAwait(false);
            return (e, engine.State);
        }, cancellationToken).ConfigureAwait(false);
        ConsoleLog.Recorded(context.Logger, session.Engineer, call.Peer.Origin, record.Kind, record.WorkOrderRef);
        return JsonSerializer.SerializeToElement(new RecordData(envelope?.Seq, envelope?.Ts ?? context.Time.GetUtcNow(), record, state), ConsoleJsonContext.Default.RecordData);
    }

    public async Task<JsonElement> CommissionAsync(ConsoleCall call, CancellationToken cancellationToken)
    {
        var args = call.Args(ConsoleJsonContext.Default.CommissionArgs);
        var session = await context.RequireSessionAsync(call, cancellationToken).ConfigureAwait(false);
        var (workOrder, findings, checklist, tests, customer) = ServiceRecordValidator.ValidateCommissioning(args);
        await RequireCommissioningAsync(cancellationToken).ConfigureAwait(false);
        var no = ServiceChecklists.CommissioningManualItems.Where(i => !checklist[i.Id]).Select(i => $"'{i.Id}' ({i.Question})").ToList();
        if (no.Count > 0)
        {
            throw new ConsoleCommandException(ConsoleErrorCodes.StepFailed,
                $"commission: step failed: {string.Join(", ", no)}. The charger stays in Commissioning; nothing was recorded.");
        }

        var steps = await selfTest.RunStepsAsync(call, cancellationToken).ConfigureAwait(false);
        var failed = steps.Where(s => !s.Pass).ToList();
        if (failed.Count > 0)
        {
            throw new ConsoleCommandException(ConsoleErrorCodes.StepFailed,
                $"commission: the self-test failed: {string.Join("; ", failed.Select(s => $"{s.Name}: {s.Seen} (expected {s.Expected})"))}. "
                + "The charger stays in Commissioning; nothing was recorded. Put it right and run commission again.");
        }

        checklist[ServiceChecklists.SelfTestItem] = true;
        var ordered = ServiceChecklists.Commissioning.ToDictionary(i => i.Id, i => checklist[i.Id], StringComparer.Ordinal);
        var results = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var s in steps)
        {
            results[$"selftest: {s.Name}"] = s.Seen;
        }

        foreach (var (name, value) in tests ?? [])
        {
            results[name] = value;
        }

        var record = new ServiceRecordData
        {
            Kind = ServiceRecordKinds.Commissioning,
            EngineerId = session.Engineer,
            WorkOrderRef = workOrder,
            Findings = findings ?? $"installation and commissioning accepted: {ordered.Count} of {ordered.Count} checks passed, self-test {steps.Count} of {steps.Count} steps",
            Actions = "installed and commissioned; customer instructed; acceptance signed by customer and installer",
            Checklist = ordered,
            TestResults = results,
            CustomerName = customer,
            CustomerConfirmed = true,
        };
        var (envelope, state) = await context.Agent.PostAsync(async engine =>
        {
            if (engine.State != DiagnosticState.Commissioning)
            {
                throw new ConsoleCommandException(ConsoleErrorCodes.InvalidState, $"The charger left Commissioning meanwhile (state {engine.State}); nothing was recorded.");
            }

            var e = await context.Agent.Recorder.RecordAsync(EventTypes.ServiceRecord, record, ProtocolJsonContext.Default.ServiceRecordData, cancellationToken).ConfigureAwait(false);
            await context.Agent.AcceptCommissioningAsync(engine, $"commissioning accepted by {session.Engineer} and customer {customer}", cancellationToken).ConfigureAwait(false);
            await context.RecordAuditAsync(SecurityEventKinds.CommissioningAccepted, session.Engineer, call.Peer,
                $"customer {customer}{(workOrder is null ? string.Empty : $", work order {workOrder}")}", cancellationToken).ConfigureAwait(false);
            return (e, engine.State);
        }, cancellationToken).ConfigureAwait(false);
        ConsoleLog.Action(context.Logger, session.Engineer, call.Peer.Origin, "commissioning accepted");
        return JsonSerializer.SerializeToElement(new RecordData(envelope?.Seq, envelope?.Ts ?? context.Time.GetUtcNow(), record, state), ConsoleJsonContext.Default.RecordData);
    }

    private async Task RequireCommissioningAsync(CancellationToken cancellationToken)
    {
        var state = await context.Agent.PostAsync(engine => Task.FromResult(engine.State), cancellationToken).ConfigureAwait(false);
        if (state != DiagnosticState.Commissioning)
        {
            throw new ConsoleCommandException(ConsoleErrorCodes.InvalidState,
                $"commission: the charger is not in Commissioning (state {state}): it has been commissioned already. Record other work with `agentctl record`.");
        }
    }
}
