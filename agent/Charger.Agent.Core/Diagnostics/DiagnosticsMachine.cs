using Charger.Protocol;
using Stateless;
using Stateless.Graph;

namespace Charger.Agent.Core.Diagnostics;

/// <summary>Triggers of the diagnostics machine.</summary>
public enum DiagnosticTrigger
{
    BootCompleted,
    NotCommissioned,
    CommissioningAccepted,
    BlockingFault,
    NonBlockingFault,
    AllClear,
    EnterMaintenance,
    ExitMaintenance,
}

/// <summary>
/// The diagnostics state machine (Stateless), private inside this class. Not thread-safe: the engine feeds it from one loop.
/// Booting -> SelfTest -> Operational | Degraded | Faulted, Maintenance while an engineer works, Commissioning until accepted.
/// </summary>
public sealed class DiagnosticsMachine
{
    private readonly StateMachine<DiagnosticState, DiagnosticTrigger> _machine;

    public DiagnosticsMachine(DiagnosticState initial = DiagnosticState.Booting)
    {
        _machine = new StateMachine<DiagnosticState, DiagnosticTrigger>(initial);

        _machine.Configure(DiagnosticState.Booting)
            .Permit(DiagnosticTrigger.BootCompleted, DiagnosticState.SelfTest)
            .Ignore(DiagnosticTrigger.BlockingFault)
            .Ignore(DiagnosticTrigger.NonBlockingFault)
            .Ignore(DiagnosticTrigger.AllClear);

        _machine.Configure(DiagnosticState.SelfTest)
            .Permit(DiagnosticTrigger.NotCommissioned, DiagnosticState.Commissioning)
            .Permit(DiagnosticTrigger.BlockingFault, DiagnosticState.Faulted)
            .Permit(DiagnosticTrigger.NonBlockingFault, DiagnosticState.Degraded)
            .Permit(DiagnosticTrigger.AllClear, DiagnosticState.Operational)
            .Permit(DiagnosticTrigger.EnterMaintenance, DiagnosticState.Maintenance);

        _machine.Configure(DiagnosticState.Operational)
            .Permit(DiagnosticTrigger.BlockingFault, DiagnosticState.Faulted)
            .Permit(DiagnosticTrigger.NonBlockingFault, DiagnosticState.Degraded)
            .Ignore(DiagnosticTrigger.AllClear)
            .Permit(DiagnosticTrigger.EnterMaintenance, DiagnosticState.Maintenance);

        _machine.Configure(DiagnosticState.Degraded)
            .Permit(DiagnosticTrigger.BlockingFault, DiagnosticState.Faulted)
            .Ignore(DiagnosticTrigger.NonBlockingFault)
            .Permit(DiagnosticTrigger.AllClear, DiagnosticState.Operational)
            .Permit(DiagnosticTrigger.EnterMaintenance, DiagnosticState.Maintenance);

        _machine.Configure(DiagnosticState.Faulted)
            .Ignore(DiagnosticTrigger.BlockingFault)
            .Permit(DiagnosticTrigger.NonBlockingFault, DiagnosticState.Degraded)
            .Permit(DiagnosticTrigger.AllClear, DiagnosticState.Operational)
            .Permit(DiagnosticTrigger.EnterMaintenance, DiagnosticState.Maintenance);

        // On site: faults are still recorded, but the state stays until the engineer leaves; leaving re-tests.
        _machine.Configure(DiagnosticState.Maintenance)
            .Ignore(DiagnosticTrigger.BlockingFault)
            .Ignore(DiagnosticTrigger.NonBlockingFault)
            .Ignore(DiagnosticTrigger.AllClear)
            .Permit(DiagnosticTrigger.ExitMaintenance, DiagnosticState.SelfTest);

        _machine.Configure(DiagnosticState.Commissioning)
            .Ignore(DiagnosticTrigger.BlockingFault)
            .Ignore(DiagnosticTrigger.NonBlockingFault)
            .Ignore(DiagnosticTrigger.AllClear)
            .Permit(DiagnosticTrigger.CommissioningAccepted, DiagnosticState.SelfTest);
    }

    public DiagnosticState State => _machine.State;

    /// <summary>True when <paramref name="trigger"/> is allowed (or ignored) in the current state.</summary>
    public bool CanFire(DiagnosticTrigger trigger) => _machine.CanFire(trigger);

    /// <summary>Fires a trigger; returns the transition (From != To) or null when it was ignored.</summary>
    /// <exception cref="InvalidOperationException">The trigger is not allowed in the current state.</exception>
    public async Task<(DiagnosticState From, DiagnosticState To)?> FireAsync(DiagnosticTrigger trigger)
    {
        var from = _machine.State;
        await _machine.FireAsync(trigger).ConfigureAwait(false);
        var to = _machine.State;
        return from == to ? null : (from, to);
    }

    /// <summary>The graph in Graphviz DOT.</summary>
    public string ToDotGraph() => UmlDotGraph.Format(_machine.GetInfo());

    /// <summary>The graph as a Mermaid state diagram.</summary>
    public string ToMermaidGraph() => MermaidGraph.Format(_machine.GetInfo());
}
