using System.Text.Json;
using Charger.Agent;
using Charger.Agent.Board;
using Charger.Agent.Core.Diagnostics;
using Charger.Agent.Core.Journal;
using Charger.Agent.Journal.Sqlite;
using Charger.Agent.Mqtt;
using Charger.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace Charger.Testing;

/// <summary>The real agent code in this process, on a simulated board, with its journal in a directory of its own.</summary>
public static class InProcessAgent
{
    /// <summary>Publisher settings for a loopback broker with quick reconnects.</summary>
    public static MqttPublisherOptions Mqtt(int port, string? secret) => new()
    {
        Port = port,
        Password = secret,
        ReconnectMinDelay = TimeSpan.FromMilliseconds(100),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
    };

    /// <summary>Diagnostics for tests: a 50 ms poll and a 3-sample debounce.</summary>
    public static DiagnosticsOptions FastDiagnostics() => new() { PollInterval = TimeSpan.FromMilliseconds(50), RaiseSamples = 3, ClearSamples = 3 };

    /// <summary>Builds an agent; <see cref="FastDiagnostics"/> unless <paramref name="diagnostics"/> says otherwise.</summary>
    public static (AgentRuntime Runtime, SimulatedCharger Board) Create(
        string chargerId, string dataDirectory, MqttPublisherOptions mqtt, DiagnosticsOptions? diagnostics = null, int seed = 1)
    {
        var board = new SimulatedCharger(new BoardOptions(), null, TimeProvider.System, NullLoggerFactory.Instance, seed);
        var runtime = AgentRuntime.Create(
            new AgentOptions { ChargerId = chargerId, DataDirectory = dataDirectory, Simulate = true },
            diagnostics ?? FastDiagnostics(),
            new JournalOptions(),
            mqtt,
            board.Board, TimeProvider.System, NullLoggerFactory.Instance);
        return (runtime, board);
    }

    /// <summary>A backlog, as after a long outage: <paramref name="count"/> counters events journaled before the agent starts.
    /// Returns their ids in seq order.</summary>
    public static async Task<List<Guid>> WriteBacklogAsync(string chargerId, string dataDirectory, int count)
    {
        var ids = new List<Guid>(count);
        await using var journal = SqliteJournal.Open(chargerId, new JournalOptions { Path = Path.Combine(dataDirectory, "journal.db") });
        for (var i = 0; i < count; i++)
        {
            var e = await journal.AppendAsync(EventTypes.Counters,
                JsonSerializer.SerializeToElement(new CountersData { EnergyWh = i }, ProtocolJsonContext.Default.CountersData), DateTimeOffset.UtcNow, default);
            ids.Add(e!.Id);
        }

        return ids;
    }
}
