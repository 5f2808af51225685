using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Charger.Agent;
using Charger.Agent.Board;
using Charger.Agent.Core.Diagnostics;
using Charger.Agent.Core.Journal;
using Charger.Agent.Journal.Sqlite;
using Charger.Agent.Mqtt;
using Charger.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace Charger.EndToEnd.Tests;

/// <summary>
/// Two charger-cloud receivers behind mosquitto on one MQTT 5 shared subscription and one database: each takes part of
/// the stream, one of them is killed (SIGKILL) mid-drain and restarted, and every event is stored exactly once.
/// </summary>
public sealed class SharedSubscriptionTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(120);

    private static CloudProcess Receiver(string dataDir, int brokerPort, int index) =>
        new(dataDir, externalBrokerPort: brokerPort)
        {
            ExtraArgs = ["--Ingress:SharedSubscriptionGroup=receivers", $"--Ingress:ClientId=receiver-{index}"],
        };

    private static async Task<long> StoredByAsync(CloudProcess receiver)
    {
        var response = await receiver.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        var match = Regex.Match(response, "^charger_ingest_messages_total\\{[^}]*outcome=\"stored\"[^}]*\\} (\\d+)", RegexOptions.Multiline);
        return match.Success ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    [Fact]
    public async Task Two_receivers_split_the_stream_and_store_every_event_exactly_once_while_one_is_killed_and_restarted()
    {
        const string Id = "CP-SHARED-1";
        var dir = Repo.TempDir("shared");
        var data = Path.Combine(dir, "cloud");
        using var mosquitto = new MosquittoProcess(Path.Combine(dir, "mosquitto"));
        await mosquitto.StartAsync();
        var one = Receiver(data, mosquitto.Port, 1);
        var two = Receiver(data, mosquitto.Port, 2);
        await one.StartAsync();
        await two.StartAsync();

        var agentDir = Path.Combine(dir, "agent");
        var backlog = await InProcessAgent.WriteBacklogAsync(Id, agentDir, 3000);

        var mqtt = InProcessAgent.Mqtt(mosquitto.Port, "anonymous-broker");
        mqtt.ResendAfter = TimeSpan.FromSeconds(3);
        var (runtime, board) = InProcessAgent.Create(Id, agentDir, mqtt, new DiagnosticsOptions { PollInterval = TimeSpan.FromMilliseconds(50) });
        using var stop = new CancellationTokenSource();
        var run = runtime.RunAsync(stop.Token);
        try
        {
            // Both take part before the kill.
            long storedByTwo = 0;
            await Eventually.TrueAsync(async () => await StoredByAsync(one) > 100 && (storedByTwo = await StoredByAsync(two)) > 100, Wait,
                () => "the receivers did not both take part\n" + one.Output + two.Output);
            var ackedAtKill = runtime.Journal.Stats.AckedUpTo;
            two.KillHard();
            Assert.True(ackedAtKill < 3000, $"the backlog was drained before the kill ({ackedAtKill})");

            // The survivor goes on alone for a while; then the killed one comes back on the same database.
            await Eventually.TrueAsync(() => Task.FromResult(runtime.Journal.Stats.AckedUpTo > ackedAtKill + 200 || runtime.Journal.Stats.AckedUpTo >= 3000), Wait,
                () => $"no progress with one receiver: {runtime.Journal.Stats}\n" + one.Output);
            var restarted = Receiver(data, mosquitto.Port, 2);
            await two.DisposeAsync();
            two = restarted;
            await two.StartAsync();

            await Eventually.TrueAsync(() => Task.FromResult(runtime.Journal.Stats is { LastSeq: >= 3000 } s && s.AckedUpTo == s.LastSeq), Wait,
                () => $"never fully acknowledged: {runtime.Journal.Stats}\n" + one.Output + two.Output);

            var events = await one.AllEventsAsync(Id);
            Assert.Equal(Enumerable.Range(1, (int)runtime.Journal.Stats.LastSeq).Select(i => (long)i), events.Select(e => e.GetProperty("seq").GetInt64()));
            var ids = events.Select(e => e.GetProperty("id").GetGuid()).ToHashSet();
            Assert.Equal(events.Count, ids.Count);
            Assert.Subset(ids, backlog.ToHashSet());
            Assert.Equal(runtime.Journal.Stats.LastSeq, (await two.GetJsonAsync($"/api/v1/chargers/{Id}")).GetProperty("appliedSeq").GetInt64());
            Assert.True(storedByTwo > 0);
        }
        finally
        {
            await stop.CancelAsync();
            await run;
            await runtime.DisposeAsync();
            board.Dispose();
            await one.DisposeAsync();
            await two.DisposeAsync();
        }
    }
}
