using Charger.Agent.Core;
using Charger.Agent.Core.Diagnostics;
using Charger.Agent.Core.Journal;
using Microsoft.Extensions.Logging.Abstractions;

namespace Charger.Agent;

/// <summary>One-shot commands of the agent executable.</summary>
public static class AgentCommands
{
    /// <summary>The diagnostics state machine's graph, as committed in the docs.</summary>
    public static string StateMachineMarkdown()
    {
        var engine = new DiagnosticsEngine(new DiagnosticsOptions(),
            new EventRecorder(new InMemoryJournal("graph"), TimeProvider.System, NullLogger<EventRecorder>.Instance),
            TimeProvider.System, NullLogger<DiagnosticsEngine>.Instance);
        return $"""
            # Diagnostics state machine

            Generated from the code by `charger-agent export-graph` (a test fails when this file is out of date).
            States are reported in `state.changed` and `boot`; triggers are fired by the diagnostics loop (faults) and
            by the engineer's console (maintenance, commissioning).

            ```mermaid
            {engine.ToMermaidGraph().Trim()}
            ```

            Graphviz:

            ```dot
            {engine.ToDotGraph().Trim()}
            ```

            """.ReplaceLineEndings("\n");
    }

    public static int ExportGraph(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "state-machine.md");
        File.WriteAllText(path, StateMachineMarkdown());
        Console.WriteLine(path);
        return 0;
    }
}
