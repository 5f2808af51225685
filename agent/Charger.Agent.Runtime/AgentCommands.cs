using Charger.Agent.EngineerConsole;
using Charger.Agent.EngineerConsole.Engineers;
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
        System.Console.WriteLine(path);
        return 0;
    }

    /// <summary>
    /// <c>charger-agent engineer add|remove|list</c>. The engineers file is <c>Console:EngineersFile</c> under
    /// <c>Agent:DataDirectory</c>, read from the agent's usual configuration (also <c>--Agent:DataDirectory=...</c>).
    /// </summary>
    public static int Engineer(string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile("/etc/charger-agent/agent.json", optional: true)
            .AddEnvironmentVariables("CHARGER_AGENT_")
            .AddCommandLine([.. args.Where(a => a.StartsWith("--", StringComparison.Ordinal) && a.Contains(':', StringComparison.Ordinal) && a.Contains('=', StringComparison.Ordinal))])
            .Build();
        var dataDirectory = configuration[$"{AgentOptions.Section}:DataDirectory"] ?? new AgentOptions().DataDirectory;
        var console = new ConsoleOptions();
        configuration.GetSection(ConsoleOptions.Section).Bind(console);
        return EngineerCommandLine.Run(args, console.ResolveEngineersFile(dataDirectory), System.Console.Out, System.Console.Error, System.Console.In, TimeProvider.System);
    }
}
