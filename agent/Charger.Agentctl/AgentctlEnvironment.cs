using Spectre.Console;

namespace Charger.Agentctl;

/// <summary>Where agentctl writes and reads, and the places it looks for sockets and sessions. Tests give their own.</summary>
public sealed record AgentctlEnvironment
{
    /// <summary>Standard output (tables, JSON).</summary>
    public required IAnsiConsole Out { get; init; }

    /// <summary>Standard error (messages).</summary>
    public required TextWriter Error { get; init; }

    /// <summary>Standard input (PIN with --pin-stdin).</summary>
    public required TextReader In { get; init; }

    /// <summary>Whether a person is at the terminal (prompt for the PIN, live displays).</summary>
    public bool Interactive { get; init; }

    /// <summary>Where sessions are kept (<c>AGENTCTL_STATE_DIR</c>, else <c>$XDG_RUNTIME_DIR/agentctl</c>, else <c>~/.agentctl</c>).</summary>
    public required string StateDirectory { get; init; }

    /// <summary>Where <c>--charger ID</c> looks for <c>ID/agent.sock</c> (<c>AGENTCTL_DEMO_DIR</c>, else <c>./.demo/fleet</c>).</summary>
    public required string DemoDirectory { get; init; }

    /// <summary>The socket when neither --socket nor --charger is given (<c>AGENTCTL_SOCKET</c>, else the agent's configuration).</summary>
    public required string DefaultSocket { get; init; }

    /// <summary>The environment of this process.</summary>
    public static AgentctlEnvironment FromProcess()
    {
        var interactive = !Console.IsInputRedirected && !Console.IsOutputRedirected;
        var output = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Out),
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (Console.IsOutputRedirected)
        {
            output.Profile.Width = 160;
        }

        var state = Environment.GetEnvironmentVariable("AGENTCTL_STATE_DIR") is { Length: > 0 } s ? s
            : Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR") is { Length: > 0 } r ? Path.Combine(r, "agentctl")
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".agentctl");
        return new AgentctlEnvironment
        {
            Out = output,
            Error = Console.Error,
            In = Console.In,
            Interactive = interactive,
            StateDirectory = state,
            DemoDirectory = Environment.GetEnvironmentVariable("AGENTCTL_DEMO_DIR") is { Length: > 0 } d ? d : Path.Combine(".demo", "fleet"),
            DefaultSocket = Environment.GetEnvironmentVariable("AGENTCTL_SOCKET") is { Length: > 0 } sock ? sock : SocketLocator.FromAgentConfiguration(),
        };
    }
}
