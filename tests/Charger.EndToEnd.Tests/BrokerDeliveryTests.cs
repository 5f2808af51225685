using System.Text.Json;
using Charger.Agent;
using Charger.Agent.Board;
using Charger.Agent.Core.Board;
using Charger.Agent.Core.Diagnostics;
using Charger.Agent.Core.Journal;
using Charger.Agent.Journal.Sqlite;
using Charger.Agent.Mqtt;
using Charger.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace Charger.EndToEnd.Tests;

/// <summary>
/// The publisher's guarantee against both brokers the product supports: the embedded one (inside charger-cloud) and
/// mosquitto in front of a charger-cloud receiver. The agent runs in process (to watch its outbox); the cloud and
/// mosquitto are real processes killed with SIGKILL.
/// </summary>
public sealed class BrokerDeliveryTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    /// <summary>The cloud and, for "mosquitto", the broker in front of it; restartable as one "broker".</summary>
    private sealed class Broker : IAsyncDisposable
    {
        private readonly MosquittoProcess? _mosquitto;

        private Broker(string dir, MosquittoProcess? mosquitto)
        {
            _mosquitto = mosquitto;
            Cloud = new CloudProcess(Path.Combine(dir, "cloud"), externalBrokerPort: mosquitto?.Port);
        }

        public CloudProcess Cloud { get; private set; }

        public string Output => Cloud.Output + (_mosquitto?.Output ?? string.Empty);

        public static async Task<(Broker Broker, string Secret)> StartAsync(string kind, string dir, string chargerId)
        {
            var mosquitto = kind == "mosquitto" ? new MosquittoProcess(Path.Combine(dir, "mosquitto")) : null;
            var broker = new Broker(dir, mosquitto);
            var secret = await broker.Cloud.EnrolAsync(chargerId);
            if (mosquitto is not null)
            {
                await mosquitto.StartAsync();
            }

            await broker.Cloud.StartAsync();
            return (broker, secret);
        }

        /// <summary>The broker dies without a goodbye: mosquitto, or the cloud process that hosts the embedded broker.</summary>
        public async Task KillAsync()
        {
            if (_mosquitto is not null)
            {
                _mosquitto.KillHard();
                return;
            }

            Cloud.KillHard();
            var killed = Cloud;
            Cloud = killed.WithDataDir(killed.DataDir);
            await killed.DisposeAsync();
        }

        /// <summary>The same broker comes back on the same port (mosquitto with nothing it had queued).</summary>
        public async Task RestartAsync()
        {
            if (_mosquitto is not null)
            {
                await _mosquitto.StartAsync();
            }
            else
            {
                await Cloud.StartAsync();
            }
        }

        public async ValueTask DisposeAsync()
        {
            await Cloud.DisposeAsync();
            _mosquitto?.Dispose();
        }
    }

    private static (AgentRuntime Runtime, SimulatedCharger Board) StartAgent(int port, string id, string secret, string dir) =>
        InProcessAgent.Create(id, dir, InProcessAgent.Mqtt(port, secret));

    /// <summary>
    /// Holds the cloud's SQLite write lock (BEGIN IMMEDIATE on its database file) until disposed: the cloud can read but
    /// commit nothing, so it acknowledges nothing new. Released before the cloud is started again.
    /// </summary>
    private static async Task<IAsyncDisposable> HoldStoreAsync(CloudProcess cloud)
    {
        var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(cloud.DataDir, "cloud.db")};Pooling=False");
        await connection.OpenAsync();
        await using (var begin = connection.CreateCommand())
        {
            begin.CommandText = "PRAGMA busy_timeout = 30000; BEGIN IMMEDIATE;";
            await begin.ExecuteNonQueryAsync();
        }

        return new Held(connection);
    }

    private sealed class Held(Microsoft.Data.Sqlite.SqliteConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await using (var rollback = connection.CreateCommand())
            {
                rollback.CommandText = "ROLLBACK";
                await rollback.ExecuteNonQueryAsync();
            }

            await connection.DisposeAsync();
        }
    }

    private static async Task AssertStoredExactlyOnceAsync(CloudProcess cloud, string chargerId, long lastSeq, IEnumerable<Guid> mustContain)
    {
        var events = await cloud.AllEventsAsync(chargerId);
        Assert.Equal(Enumerable.Range(1, (int)lastSeq).Select(i => (long)i), events.Select(e => e.GetProperty("seq").GetInt64()));
        var ids = events.Select(e => e.GetProperty("id").GetGuid()).ToHashSet();
        Assert.Equal(events.Count, ids.Count);
        Assert.Subset(ids, mustContain.ToHashSet());
    }

    [Fact]
    public async Task Events_recorded_while_mosquitto_is_down_arrive_after_it_comes_back_exactly_once()
    {
        const string Id = "CP-MOSQ-1";
        var dir = Repo.TempDir("mosquitto-down");
        var (broker, secret) = await Broker.StartAsync("mosquitto", dir, Id);
        await using var _ = broker;
        var (runtime, board) = StartAgent(broker.Cloud.MqttPort, Id, secret, Path.Combine(dir, "agent"));
        using var stop = new CancellationTokenSource();
        var run = runtime.RunAsync(stop.Token);
        try
        {
            await Eventually.TrueAsync(() => Task.FromResult(runtime.Journal.Stats is { LastSeq: > 0 } s && s.AckedUpTo == s.LastSeq), Wait,
                () => $"boot never acknowledged through mosquitto: {runtime.Journal.Stats}\n" + broker.Output);

            await broker.KillAsync();
            await Eventually.TrueAsync(() => Task.FromResult(!runtime.Publisher.IsConnected), Wait, () => "the agent did not notice mosquitto died");
            board.Simulator.SetInput(InputNames.EmergencyStop, true);
            await Eventually.TrueAsync(() => Task.FromResult(runtime.Engine.State == DiagnosticState.Faulted), Wait, () => "no Faulted state");
            board.Simulator.SetInput(InputNames.Door, true);
            await Eventually.TrueAsync(() => Task.FromResult(runtime.Engine.ActiveFaults.Count == 2), Wait, () => "door fault not raised");
            var lastSeq = runtime.Journal.Stats.LastSeq;
            Assert.True(runtime.Journal.Stats.AckedUpTo < lastSeq, "the faults were acknowledged with the broker down");

            await broker.RestartAsync();
            await Eventually.TrueAsync(() => Task.FromResult(runtime.Journal.Stats.AckedUpTo >= lastSeq), Wait, () => $"backlog never acknowledged: {runtime.Journal.Stats}\n" + broker.Output);

            await AssertStoredExactlyOnceAsync(broker.Cloud, Id, runtime.Journal.Stats.AckedUpTo, []);
            var faults = (await broker.Cloud.GetJsonAsync("/api/v1/faults?status=active")).EnumerateArray().Select(f => f.GetProperty("code").GetString()).ToList();
            Assert.Contains("EmergencyStop", faults);
            Assert.Contains("EnclosureOpen", faults);
        }
        finally
        {
            await stop.CancelAsync();
            await run;
            await runtime.DisposeAsync();
            board.Dispose();
        }
    }

    [Theory]
    [InlineData("embedded")]
    [InlineData("mosquitto")]
    public async Task Broker_killed_after_its_puback_but_before_the_cloud_ack_loses_nothing_and_resends_store_nothing_twice(string kind)
    {
        var id = $"CP-PUBACK-{kind.ToUpperInvariant()[..4]}";
        var dir = Repo.TempDir("puback-" + kind);
        var agentDir = Path.Combine(dir, "agent");
        var (broker, secret) = await Broker.StartAsync(kind, dir, id);
        await using var _ = broker;

        // A backlog, as after an outage: the drain keeps events in the window between the broker's PUBACK and the cloud's ack.
        var backlog = await InProcessAgent.WriteBacklogAsync(id, agentDir, 3000);

        var (runtime, board) = StartAgent(broker.Cloud.MqttPort, id, secret, agentDir);
        using var stop = new CancellationTokenSource();
        var run = runtime.RunAsync(stop.Token);
        try
        {
            long acked = 0;
            for (var kill = 0; kill < 3; kill++)
            {
                // The cloud stores and acknowledges again since the last restart ...
                var before = acked;
                await Eventually.TrueAsync(() => Task.FromResult((acked = runtime.Journal.Stats.AckedUpTo) > before), Wait,
                    () => $"no progress after restart {kill}: {runtime.Journal.Stats}\n" + broker.Output);

                // ... then its store is held (the test takes SQLite's write lock): from here the cloud acknowledges nothing
                // new, whatever the machine's speed. The charger records one more event (the door), so it has unacknowledged
                // events for certain; it publishes them in seq order within its window, the broker PUBACKs them, and the
                // broker dies holding events between its PUBACK and the cloud's ack.
                long pubacked = 0;
                await using (await HoldStoreAsync(broker.Cloud))
                {
                    var last = runtime.Journal.Stats.LastSeq;
                    board.Simulator.SetInput(InputNames.Door, kill % 2 == 0);
                    await Eventually.TrueAsync(() => Task.FromResult(runtime.Journal.Stats.LastSeq > last), Wait, () => $"the door was not journaled (kill {kill})");
                    var held = runtime.Journal.Stats.LastSeq;
                    await Eventually.TrueAsync(() =>
                    {
                        pubacked = runtime.Publisher.PubAckedUpTo;
                        acked = runtime.Journal.Stats.AckedUpTo;
                        return Task.FromResult(pubacked > acked);
                    }, Wait, () => $"nothing PUBACKed beyond the cloud's ack (kill {kill}): pubacked {pubacked}, {runtime.Journal.Stats}\n" + broker.Output);
                    Assert.True(runtime.Journal.Stats.AckedUpTo < held, $"seq {held} was acknowledged while the cloud's store was held");
                    await broker.KillAsync();
                }

                Assert.True(pubacked > acked);
                await broker.RestartAsync();
            }

            await Eventually.TrueAsync(() => Task.FromResult(runtime.Journal.Stats is { LastSeq: >= 3000 } s && s.AckedUpTo == s.LastSeq), Wait,
                () => $"backlog never fully acknowledged: {runtime.Journal.Stats}\n" + broker.Output);
            Assert.True(runtime.Publisher.ResentCount > 0, "nothing was sent again after the broker restarts");

            await AssertStoredExactlyOnceAsync(broker.Cloud, id, runtime.Journal.Stats.LastSeq, backlog);
        }
        finally
        {
            await stop.CancelAsync();
            await run;
            await runtime.DisposeAsync();
            board.Dispose();
        }
    }
}
