using System.Text.Json;
using Charger.Agent.Core.Journal;
using Charger.Agent.Journal.Sqlite;
using Charger.Protocol;

namespace Charger.EndToEnd.Tests;

/// <summary>The real charger-agent process, killed with SIGKILL again and again while it drains a backlog.</summary>
public sealed class CrashTests
{
    private const string Id = "CP-KILL-1";

    [Fact]
    public async Task Every_event_reaches_the_cloud_exactly_once_when_the_agent_is_killed_20_times_while_draining()
    {
        var dir = Repo.TempDir("sigkill");
        var agentDir = Path.Combine(dir, "agent");
        await using var cloud = new CloudProcess(Path.Combine(dir, "cloud"));
        var secret = await cloud.EnrolAsync(Id);
        await cloud.StartAsync();

        // A backlog, as after a long outage: 10,000 events journaled before the agent starts.
        var backlogIds = (await InProcessAgent.WriteBacklogAsync(Id, agentDir, 10_000)).ToHashSet();

        string[] args =
        [
            "--simulate", $"--Agent:ChargerId={Id}", $"--Agent:DataDirectory={agentDir}", $"--Mqtt:Port={cloud.MqttPort}", $"--Mqtt:Password={secret}",
            "--Mqtt:ReconnectMinDelay=00:00:00.100", "--Mqtt:ReconnectMaxDelay=00:00:00.500", "--Diagnostics:PollInterval=00:00:00.200",
        ];

        async Task<long> AppliedAsync() => (await cloud.TryGetJsonAsync($"/api/v1/chargers/{Id}"))?.GetProperty("appliedSeq").GetInt64() ?? 0;

        var kills = 0;
        long applied = 0;
        while (kills < 20)
        {
            using var agent = new ChildProcess(Repo.AgentDll, args, Path.GetDirectoryName(Repo.AgentDll)!);
            var before = applied;
            // Kill as soon as the cloud has stored more: the agent is then in the middle of draining.
            await Eventually.TrueAsync(async () => (applied = await AppliedAsync()) > before || agent.HasExited, TimeSpan.FromSeconds(60),
                () => "no progress after restart\n" + agent.Output + cloud.Output);
            Assert.False(agent.HasExited, "the agent exited by itself:\n" + agent.Output);
            agent.KillHard();
            kills++;
        }

        Assert.True(applied < 10_000, $"the backlog was drained before the 20th kill (applied {applied}); the test did not kill mid-drain");

        using (var last = new ChildProcess(Repo.AgentDll, args, Path.GetDirectoryName(Repo.AgentDll)!))
        {
            await Eventually.TrueAsync(async () => await AppliedAsync() >= 10_000 + 20, TimeSpan.FromSeconds(120), () => "backlog never drained\n" + last.Output);
            await last.StopAsync();
        }

        long lastSeq;
        await using (var journal = SqliteJournal.Open(Id, new JournalOptions { Path = Path.Combine(agentDir, "journal.db") }))
        {
            lastSeq = journal.Stats.LastSeq;
        }

        // What the clean stop journaled last (counters, state) goes out with the next start.
        using (var again = new ChildProcess(Repo.AgentDll, args, Path.GetDirectoryName(Repo.AgentDll)!))
        {
            await Eventually.TrueAsync(async () => await AppliedAsync() >= lastSeq, TimeSpan.FromSeconds(60), () => "the last events never arrived\n" + again.Output);
            await again.StopAsync();
        }

        var events = await cloud.AllEventsAsync(Id);
        Assert.True(events.Count >= lastSeq);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.GetProperty("seq").GetInt64()));
        var ids = events.Select(e => e.GetProperty("id").GetGuid()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Subset(ids.ToHashSet(), backlogIds);
        // Runs killed before they journaled anything add no boot; every run after a kill reports why it starts.
        var bootReasons = events.Where(e => e.GetProperty("type").GetString() == "boot")
            .Select(e => e.GetProperty("data").GetProperty("reason").GetString()).ToList();
        Assert.True(bootReasons.Count >= 2, $"{bootReasons.Count} boots");
        // After the first, every boot follows a kill, except the very last run, which follows a clean stop.
        var afterKills = bootReasons.Skip(1).ToList();
        if (afterKills[^1] == "restart")
        {
            afterKills.RemoveAt(afterKills.Count - 1);
        }

        Assert.NotEmpty(afterKills);
        Assert.All(afterKills, r => Assert.Equal("unclean-shutdown", r));
    }
}
