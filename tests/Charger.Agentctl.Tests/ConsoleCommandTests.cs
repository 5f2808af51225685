using Charger.Agent.EngineerConsole.Contracts;
using Charger.Agent.Core.Board;
using Charger.Protocol;

namespace Charger.Agentctl.Tests;

/// <summary>Each agentctl command against a running agent on the simulated board.</summary>
public sealed class ConsoleCommandTests
{
    [Fact]
    public async Task Status_prints_state_outbox_versions_and_counters_and_json_carries_the_same()
    {
        await using var agent = await RunningAgent.StartAsync();

        var table = await agent.CtlAsync("status");
        var json = await agent.CtlAsync("status", "--json");

        Assert.Equal(ExitCodes.Ok, table.Code);
        Assert.Contains(RunningAgent.ChargerId, table.Out);
        Assert.Contains("Operational", table.Out);
        Assert.Contains("not connected", table.Out);
        Assert.Contains("contactor cycles", table.Out);
        Assert.Equal(ExitCodes.Ok, json.Code);
        var data = json.Json;
        Assert.Equal("Operational", data.GetProperty("state").GetString());
        Assert.Equal(RunningAgent.ChargerId, data.GetProperty("chargerId").GetString());
        Assert.True(data.GetProperty("outbox").GetProperty("pending").GetInt64() >= 3, "boot and two state changes wait for the cloud");
        Assert.Equal(1, data.GetProperty("versions").GetProperty("protocol").GetInt32());
        Assert.True(data.GetProperty("simulated").GetBoolean());
        Assert.True(data.TryGetProperty("counters", out _));
    }

    [Fact]
    public async Task Sensors_lists_every_reading_with_unit_limit_and_health_and_shows_a_failed_chip()
    {
        await using var agent = await RunningAgent.StartAsync();

        var table = await agent.CtlAsync("sensors");
        Assert.Equal(ExitCodes.Ok, table.Code);
        foreach (var name in SensorNames.All)
        {
            Assert.Contains(name, table.Out);
        }

        Assert.Contains("196..253 V", table.Out);
        Assert.Contains("estop", table.Out);

        Assert.Equal(ExitCodes.Ok, (await agent.CtlAsync("sim", "fail", "bme280")).Code);
        await Eventually.TrueAsync(async () =>
        {
            var sensors = (await agent.CtlAsync("sensors", "--json")).Json.GetProperty("sensors").EnumerateArray().ToList();
            return sensors.Single(s => s.GetProperty("name").GetString() == SensorNames.EnclosureTemperature).GetProperty("health").GetString() == "error";
        }, "enclosure temperature reported as failing");
        var json = (await agent.CtlAsync("sensors", "--json")).Json;
        var supply = json.GetProperty("sensors").EnumerateArray().Single(s => s.GetProperty("name").GetString() == SensorNames.SupplyVoltage);
        Assert.Equal("V", supply.GetProperty("unit").GetString());
        Assert.Equal(196, supply.GetProperty("min").GetDouble());
        Assert.Equal(253, supply.GetProperty("max").GetDouble());
        Assert.Equal("ok", supply.GetProperty("health").GetString());
    }

    [Fact]
    public async Task Sensors_watch_refreshes_until_the_count_is_reached()
    {
        await using var agent = await RunningAgent.StartAsync();

        var result = await agent.CtlAsync("sensors", "--watch", "--interval", "100ms", "--count", "3", "--json");

        Assert.Equal(ExitCodes.Ok, result.Code);
        var lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.All(lines, l => Assert.Contains("\"sensors\"", l));
    }

    [Fact]
    public async Task Faults_shows_history_from_the_journal_filtered_by_active_code_and_since()
    {
        await using var agent = await RunningAgent.StartAsync();
        Assert.Equal(ExitCodes.Ok, (await agent.CtlAsync("sim", "input", "estop", "on")).Code);
        await agent.WaitForStateAsync(DiagnosticState.Faulted);

        var all = await agent.CtlAsync("faults");
        var byCode = (await agent.CtlAsync("faults", "--code", "EmergencyStop", "--json")).Json;
        var other = (await agent.CtlAsync("faults", "--code", "HighTemperature", "--json")).Json;
        var active = (await agent.CtlAsync("faults", "--active", "--json")).Json;
        var future = (await agent.CtlAsync("faults", "--since", "2999-01-01T00:00:00Z", "--json")).Json;

        Assert.Equal(ExitCodes.Ok, all.Code);
        Assert.Contains("EmergencyStop", all.Out);
        Assert.Contains("raised", all.Out);
        var history = byCode.GetProperty("history").EnumerateArray().ToList();
        Assert.Single(history);
        Assert.Equal("raised", history[0].GetProperty("event").GetString());
        Assert.Equal("critical", history[0].GetProperty("severity").GetString());
        Assert.Empty(other.GetProperty("history").EnumerateArray());
        Assert.Empty(other.GetProperty("active").EnumerateArray());
        Assert.Equal("EmergencyStop", active.GetProperty("active")[0].GetProperty("code").GetString());
        Assert.Empty(active.GetProperty("history").EnumerateArray());
        Assert.Empty(future.GetProperty("history").EnumerateArray());
    }

    [Fact]
    public async Task A_whole_repair_latched_ground_fault_to_operational_is_journaled_and_audited()
    {
        await using var agent = await RunningAgent.StartAsync();
        Assert.Equal(ExitCodes.Ok, (await agent.CtlAsync("sim", "input", "rcd", "on")).Code);
        await agent.WaitForStateAsync(DiagnosticState.Faulted);

        Assert.Equal(ExitCodes.Ok, (await agent.LoginAsync()).Code);
        var enter = await agent.CtlAsync("maintenance", "enter", "--reason", "WO-4711");
        Assert.Equal(ExitCodes.Ok, enter.Code);
        Assert.Equal(DiagnosticState.Maintenance, await agent.StateAsync());

        var failing = await agent.CtlAsync("selftest");
        Assert.Equal(ExitCodes.Failed, failing.Code);
        Assert.Contains("FAIL input rcd: tripped", failing.Out);
        Assert.Contains("[13/13]", failing.Out);
        Assert.Contains("self-test FAILED", failing.Out);

        Assert.Equal(ExitCodes.Ok, (await agent.CtlAsync("sim", "input", "rcd", "off")).Code);
        await Eventually.TrueAsync(async () => (await agent.ActiveFaultsAsync()).All(f => !f.ConditionPresent), "the RCD condition gone");
        var reset = await agent.CtlAsync("fault", "reset", "GroundFailure", "--reason", "RCD replaced, insulation tested");
        Assert.Equal(ExitCodes.Ok, reset.Code);
        Assert.Empty(await agent.ActiveFaultsAsync());

        var passing = await agent.CtlAsync("selftest", "--json");
        Assert.Equal(ExitCodes.Ok, passing.Code);
        Assert.True(passing.Json.GetProperty("pass").GetBoolean());

        var exit = await agent.CtlAsync("maintenance", "exit");
        Assert.Equal(ExitCodes.Ok, exit.Code);
        await agent.WaitForStateAsync(DiagnosticState.Operational);

        var audit = await agent.SecurityEventsAsync();
        Assert.Equal(
            [SecurityEventKinds.MaintenanceLoginAccepted, SecurityEventKinds.MaintenanceEntered, SecurityEventKinds.FaultReset, SecurityEventKinds.MaintenanceExited],
            audit.Select(a => a.Kind));
        Assert.All(audit, a => Assert.Equal(RunningAgent.Engineer, a.User));
        Assert.All(audit, a => Assert.StartsWith("uid=", a.Origin));
        Assert.Equal("WO-4711", audit[1].Detail);
        Assert.Contains("RCD replaced", audit[2].Detail);
        var records = await agent.ServiceRecordsAsync();
        Assert.Equal([false, true], records.Select(r => r.Checklist!.Values.All(v => v)));
        Assert.All(records, r => Assert.Equal(ServiceRecordKinds.SelfTest, r.Kind));
        Assert.All(records, r => Assert.Equal(RunningAgent.Engineer, r.EngineerId));
        Assert.Equal("tripped", records[0].TestResults!["input rcd"]);
    }

    [Fact]
    public async Task Maintenance_exit_without_a_passing_selftest_is_refused_and_the_charger_stays_in_maintenance()
    {
        await using var agent = await RunningAgent.StartAsync();
        await agent.LoginAsync();
        Assert.Equal(ExitCodes.Ok, (await agent.CtlAsync("maintenance", "enter")).Code);

        var exit = await agent.CtlAsync("maintenance", "exit");

        Assert.Equal(ExitCodes.Failed, exit.Code);
        Assert.Contains(ConsoleErrorCodes.SelfTestRequired, exit.Err);
        Assert.Equal(DiagnosticState.Maintenance, await agent.StateAsync());
        Assert.DoesNotContain(await agent.SecurityEventsAsync(), e => e.Kind == SecurityEventKinds.MaintenanceExited);
    }

    [Fact]
    public async Task Fault_reset_while_the_cause_is_present_is_refused_and_the_fault_stays_latched()
    {
        await using var agent = await RunningAgent.StartAsync();
        await agent.CtlAsync("sim", "input", "estop", "on");
        await agent.WaitForStateAsync(DiagnosticState.Faulted);
        await agent.LoginAsync();

        var reset = await agent.CtlAsync("fault", "reset", "EmergencyStop", "--reason", "tried too early");
        var notActive = await agent.CtlAsync("fault", "reset", "GroundFailure", "--reason", "nothing to reset");

        Assert.Equal(ExitCodes.Failed, reset.Code);
        Assert.Contains(ConsoleErrorCodes.CauseStillPresent, reset.Err);
        Assert.Equal(ExitCodes.Failed, notActive.Code);
        Assert.Contains(ConsoleErrorCodes.FaultNotActive, notActive.Err);
        Assert.Contains(await agent.ActiveFaultsAsync(), f => f.Code == FaultCatalogue.EmergencyStop);
        Assert.Equal(DiagnosticState.Faulted, await agent.StateAsync());
        Assert.DoesNotContain(await agent.SecurityEventsAsync(), e => e.Kind == SecurityEventKinds.FaultReset);
    }

    [Fact]
    public async Task Sim_is_refused_on_an_agent_that_does_not_simulate()
    {
        await using var agent = await RunningAgent.StartAsync(simulated: false);

        var result = await agent.CtlAsync("sim", "input", "estop", "on");

        Assert.Equal(ExitCodes.Failed, result.Code);
        Assert.Contains(ConsoleErrorCodes.NotSimulated, result.Err);
        Assert.False((await agent.CtlAsync("status", "--json")).Json.GetProperty("simulated").GetBoolean());
        Assert.Equal(DiagnosticState.Operational, await agent.StateAsync());
    }

    [Fact]
    public async Task Charger_option_finds_the_socket_under_the_demo_fleet_directory()
    {
        await using var agent = await RunningAgent.StartAsync();

        var result = await agent.CtlAsync("--charger", RunningAgent.ChargerId, "status", "--json");
        var missing = await agent.CtlAsync("--charger", "CP-NOT-THERE", "status");

        Assert.Equal(ExitCodes.Ok, result.Code);
        Assert.Equal(RunningAgent.ChargerId, result.Json.GetProperty("chargerId").GetString());
        Assert.Equal(ExitCodes.Unreachable, missing.Code);
        Assert.Contains("no such socket", missing.Err);
    }
}
