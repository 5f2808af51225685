using Charger.Agent.Board.Simulated;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Charger.Agent.Board.Tests;

/// <summary>An IotBoard on simulated hardware with a manual clock.</summary>
internal sealed class TestBoard : IDisposable
{
    public TestBoard(bool noise = false, BoardOptions? options = null)
    {
        Options = options ?? new BoardOptions();
        Hardware = new SimulatedBoardHardware(Options);
        Simulator = new BoardSimulator(Hardware, Time, seed: 42) { NoiseEnabled = noise };
        Board = new IotBoard(Options, Hardware, Log, Time);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public BoardOptions Options { get; }

    public SimulatedBoardHardware Hardware { get; }

    public BoardSimulator Simulator { get; }

    public IotBoard Board { get; }

    public ListLogger<IotBoard> Log { get; } = new();

    public void Dispose()
    {
        Board.Dispose();
        Simulator.Dispose();
        Hardware.Dispose();
    }
}

/// <summary>Collects log entries (event id and message).</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    private readonly Lock _gate = new();
    private readonly List<(EventId Id, LogLevel Level, string Message)> _entries = [];

    public IReadOnlyList<(EventId Id, LogLevel Level, string Message)> Entries
    {
        get
        {
            lock (_gate)
            {
                return _entries.ToList();
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_gate)
        {
            _entries.Add((eventId, logLevel, formatter(state, exception)));
        }
    }
}
