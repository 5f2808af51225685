using Charger.Agent.EngineerConsole.Contracts;
using Charger.Protocol;
using Spectre.Console.Testing;

namespace Charger.Agentctl.Tests;

/// <summary><c>record</c> and <c>commission</c> against a running agent: journaled when valid, nothing when not.</summary>
public sealed class ServiceRecordTests
{
    private static readonly string[] RepairChecks =
        ["--check", "fault-inspected=yes", "--check", "safety-procedure=yes", "--check", "on-site-test=yes"];

    private static readonly string[] CommissionChecks =
    [
        "--check", "installed-per-manual=yes", "--check", "supply-and-earthing-checked=yes",
        "--check", "electrical-connections-tightened=yes", "--check", "customer-instructed=yes",
    ];

    [Fact]
    public async Task Record_repair_with_parts_checklist_tests_and_customer_is_journaled_with_the_session_engineer()
    {
        await using var agent = await RunningAgent.StartAsync();
        await agent.LoginAsync();

        var result = await agent.CtlAsync([
            "record", "--kind", "repair", "--work-order", "WO-4711", "--findings", "RCD tripped, moisture in the junction box",
            "--cause", "failed cable gland", "--actions", "gland and RCD replaced, box dried",
            "--part", "RCD-30MA-A:R123:R456", "--part", "GLAND-M20::G-2", .. RepairChecks, "--check", "customer-demonstration=no",
            "--test", "insulation resistance=>500 MOhm", "--customer", "Li Wei", "--customer-confirmed"]);

        Assert.Equal(ExitCodes.Ok, result.Code);
        Assert.Contains("repair record journaled as seq", result.Out);
        Assert.Contains("RCD-30MA-A", result.Out);
        var record = Assert.Single(await agent.ServiceRecordsAsync());
        Assert.Equal(ServiceRecordKinds.Repair, record.Kind);
        Assert.Equal(RunningAgent.Engineer, record.EngineerId);
        Assert.Equal("WO-4711", record.WorkOrderRef);
        Assert.Equal("failed cable gland", record.Cause);
        Assert.Equal([new PartReplaced("RCD-30MA-A", "R123", "R456"), new PartReplaced("GLAND-M20", null, "G-2")], record.Parts);
        Assert.True(record.Checklist!["on-site-test"]);
        Assert.False(record.Checklist["customer-demonstration"]);
        Assert.Equal(">500 MOhm", record.TestResults!["insulation resistance"]);
        Assert.Equal("Li Wei", record.CustomerName);
        Assert.True(record.CustomerConfirmed);
        Assert.Equal(DiagnosticState.Operational, await agent.StateAsync());
    }

    [Fact]
    public async Task Record_from_json_file_and_from_stdin_is_the_same_record()
    {
        await using var agent = await RunningAgent.StartAsync();
        await agent.LoginAsync();
        const string json = """
            {"kind":"maintenance","workOrderRef":"PM-2026-11","findings":"dust in the air inlet","actions":"cleaned, tightened, tested",
             "checklist":{"exterior-cleaning":true,"equipment-check":true,"electrical-connections-tightened":true,"charging-module-test":true},
             "testResults":{"charging module output":"7.2 kW"},"customerName":"Site manager","customerConfirmed":true}
            """;
        var file = Path.Combine(agent.Root, "record.json");
        await File.WriteAllTextAsync(file, json);

        var fromFile = await agent.CtlAsync("record", "--from-json", file, "--json");
        var fromStdin = await agent.CtlWithInputAsync(json, "record", "--from-json", "-");

        Assert.Equal(ExitCodes.Ok, fromFile.Code);
        Assert.Equal(ExitCodes.Ok, fromStdin.Code);
        Assert.Equal("maintenance", fromFile.Json.GetProperty("record").GetProperty("kind").GetString());
        var records = await agent.ServiceRecordsAsync();
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Equal(4, r.Checklist!.Count));
        Assert.All(records, r => Assert.Equal(RunningAgent.Engineer, r.EngineerId));
    }

    [Fact]
    public async Task Record_prompts_for_every_field_on_a_terminal()
    {
        await using var agent = await RunningAgent.StartAsync();
        await agent.LoginAsync();
        var console = new TestConsole().Interactive();
        console.Profile.Width = 200;
        // Kind: inspection is the third choice.
        console.Input.PushKey(ConsoleKey.DownArrow);
        console.Input.PushKey(ConsoleKey.DownArrow);
        console.Input.PushKey(ConsoleKey.Enter);
        console.Input.PushTextWithEnter("");                       // work order (optional)
        console.Input.PushTextWithEnter("all fine, label faded");  // findings
        console.Input.PushTextWithEnter("");                       // cause (optional)
        console.Input.PushTextWithEnter("label replaced");         // actions (optional)
        console.Input.PushTextWithEnter("y");                      // a part replaced?
        console.Input.PushTextWithEnter("LABEL-01");
        console.Input.PushTextWithEnter("");
        console.Input.PushTextWithEnter("L-2");
        console.Input.PushTextWithEnter("n");                      // another part?
        for (var i = 0; i < ServiceChecklists.Inspection.Count; i++)
        {
            console.Input.PushTextWithEnter("y");
        }

        console.Input.PushTextWithEnter("earth continuity");
        console.Input.PushTextWithEnter("0.1 Ohm");
        console.Input.PushTextWithEnter("");                       // no more tests
        console.Input.PushTextWithEnter("Zhang San");              // customer
        console.Input.PushTextWithEnter("y");                      // confirms
        console.Input.PushTextWithEnter("y");                      // journal it

        var result = await agent.CtlWithConsoleAsync(console, interactive: true, null, "record");

        Assert.True(result.Code == ExitCodes.Ok, console.Output + result.Err);
        var record = Assert.Single(await agent.ServiceRecordsAsync());
        Assert.Equal(ServiceRecordKinds.Inspection, record.Kind);
        Assert.Null(record.WorkOrderRef);
        Assert.Equal("all fine, label faded", record.Findings);
        Assert.Equal([new PartReplaced("LABEL-01", null, "L-2")], record.Parts);
        Assert.All(record.Checklist!.Values, Assert.True);
        Assert.Equal(ServiceChecklists.Inspection.Select(i => i.Id), record.Checklist.Keys);
        Assert.Equal("0.1 Ohm", record.TestResults!["earth continuity"]);
        Assert.Equal("Zhang San", record.CustomerName);
        Assert.True(record.CustomerConfirmed);
    }

    public static TheoryData<string[], int, string> BadRecords => new()
    {
        { ["record", "--kind", "teleport", "--findings", "x"], ExitCodes.Usage, "kind must be one of" },
        { ["record", "--kind", "commissioning", "--findings", "x"], ExitCodes.Usage, "agentctl commission" },
        { ["record", "--kind", "repair", "--findings", "x", "--cause", "c", "--actions", "a", .. RepairChecks], ExitCodes.Usage, "work-order reference for a repair" },
        { ["record", "--kind", "repair", "-w", "WO-1", "--findings", "x", "--actions", "a", .. RepairChecks], ExitCodes.Usage, "cause of the fault" },
        { ["record", "--kind", "repair", "-w", "WO-1", "--findings", "x", "--cause", "c", "--actions", "a", "--check", "fault-inspected=yes"], ExitCodes.Usage, "not answered: safety-procedure, on-site-test" },
        { ["record", "--kind", "inspection", "--findings", "x", "--check", "exterior-check=yes", "--check", "equipment-check=yes", "--check", "electrical-connections-checked=yes", "--check", "safety-devices-checked=yes", "--check", "coffee=yes"], ExitCodes.Usage, "unknown checklist item(s) for inspection: coffee" },
        { ["record", "--kind", "repair", "-w", "WO-1", "--findings", "x", "--cause", "c", "--actions", "a", .. RepairChecks, "--part", "RCD 30mA:A:B"], ExitCodes.Usage, "part number 'RCD 30mA'" },
        { ["record", "--kind", "repair", "-w", "WO-1", "--findings", "x", "--cause", "c", "--actions", "a", .. RepairChecks, "--part", "RCD-1:S1:S1"], ExitCodes.Usage, "old and new serial are the same" },
        { ["record", "--kind", "repair", "-w", "WO-1", "--findings", "x", "--cause", "c", "--actions", "a", .. RepairChecks, "--part", "RCD-1::"], ExitCodes.Usage, "old or the new serial" },
        { ["record", "--kind", "repair", "-w", "WO-1", "--findings", "x", "--cause", "c", "--actions", "a", .. RepairChecks, "--part", "RCD-1"], ExitCodes.Usage, "PARTNO:OLD-SERIAL:NEW-SERIAL" },
        { ["record", "--kind", "repair", "-w", "WO-1", "--findings", "x", "--cause", "c", "--actions", "a", .. RepairChecks, "--customer-confirmed"], ExitCodes.Usage, "customer's name is required" },
        { ["record", "--kind", "installation", "--findings", "x", "--check", "installed-per-manual=maybe"], ExitCodes.Usage, "yes or no" },
        { ["record", "--kind", "installation", "--findings", "x", "--check", "installed-per-manual=yes", "--check", "supply-and-earthing-checked=yes", "--check", "electrical-connections-tightened=yes", "--check", "initial-function-check=yes", "--check", "customer-instructed=yes"], ExitCodes.Usage, "customer's acceptance" },
        { ["record", "--kind", "maintenance", "--findings", "x"], ExitCodes.Usage, "actions taken for a maintenance" },
        { ["record", "--kind", "repair", "--from-json", "-"], ExitCodes.Usage, "do not add --kind" },
        { ["record", "--from-json", "/no/such/file.json"], ExitCodes.Usage, "cannot read" },
        { ["commission", .. CommissionChecks, "--customer", "Li Wei"], ExitCodes.Usage, "customer's acceptance" },
        { ["commission", "--check", "installed-per-manual=yes", "--customer", "Li Wei", "--customer-confirmed"], ExitCodes.Usage, "not answered" },
        { ["commission", .. CommissionChecks, "--check", "selftest=yes", "--customer", "Li Wei", "--customer-confirmed"], ExitCodes.Usage, "run by the agent" },
        { ["commission", .. CommissionChecks, "--customer", "Li Wei", "--customer-confirmed"], ExitCodes.Failed, ConsoleErrorCodes.InvalidState },
    };

    [Theory]
    [MemberData(nameof(BadRecords))]
    public async Task A_bad_record_gives_a_clear_error_and_journals_nothing(string[] args, int code, string message)
    {
        await using var agent = await RunningAgent.StartAsync();
        await agent.LoginAsync();
        var seq = agent.LastSeq;

        var result = await agent.CtlAsync(args);

        Assert.Equal(code, result.Code);
        Assert.Contains(message, result.Err, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(seq, agent.LastSeq);
        Assert.Equal(DiagnosticState.Operational, await agent.StateAsync());
    }

    [Fact]
    public async Task A_json_record_with_an_unknown_member_is_refused_before_it_is_sent()
    {
        await using var agent = await RunningAgent.StartAsync();
        await agent.LoginAsync();
        var seq = agent.LastSeq;

        var result = await agent.CtlWithInputAsync("""{"kind":"inspection","findings":"x","colour":"red"}""", "record", "--from-json", "-");

        Assert.Equal(ExitCodes.Usage, result.Code);
        Assert.Contains("colour", result.Err);
        Assert.Equal(seq, agent.LastSeq);
    }

    [Fact]
    public async Task Record_without_login_is_refused_and_records_nothing()
    {
        await using var agent = await RunningAgent.StartAsync();

        var result = await agent.CtlAsync("record", "--kind", "inspection", "--findings", "x");

        Assert.Equal(ExitCodes.Refused, result.Code);
        Assert.Contains(ConsoleErrorCodes.NotLoggedIn, result.Err);
        Assert.Empty(await agent.ServiceRecordsAsync());
    }

    [Fact]
    public async Task Commissioning_a_fresh_charger_runs_the_selftest_journals_the_acceptance_and_puts_it_in_service()
    {
        await using var agent = await RunningAgent.StartAsync(requireCommissioning: true);
        await agent.LoginAsync();

        var result = await agent.CtlAsync(["commission", "-w", "INST-88", .. CommissionChecks, "--test", "earth loop impedance=0.4 Ohm",
            "--customer", "Wang Fang", "--customer-confirmed"]);

        Assert.True(result.Code == ExitCodes.Ok, result.Out + result.Err);
        Assert.Contains("[13/13]", result.Out);
        Assert.Contains("commissioning record journaled", result.Out);
        await agent.WaitForStateAsync(DiagnosticState.Operational);
        var record = Assert.Single(await agent.ServiceRecordsAsync());
        Assert.Equal(ServiceRecordKinds.Commissioning, record.Kind);
        Assert.Equal(RunningAgent.Engineer, record.EngineerId);
        Assert.Equal("Wang Fang", record.CustomerName);
        Assert.True(record.CustomerConfirmed);
        Assert.Equal(ServiceChecklists.Commissioning.Select(i => i.Id), record.Checklist!.Keys);
        Assert.All(record.Checklist.Values, Assert.True);
        Assert.Equal("0.4 Ohm", record.TestResults!["earth loop impedance"]);
        Assert.Contains(record.TestResults.Keys, k => k.StartsWith("selftest: sensor", StringComparison.Ordinal));
        var audit = await agent.SecurityEventsAsync();
        Assert.Contains(audit, a => a.Kind == SecurityEventKinds.CommissioningAccepted && a.User == RunningAgent.Engineer && a.Detail!.Contains("Wang Fang", StringComparison.Ordinal));

        var again = await agent.CtlAsync(["commission", .. CommissionChecks, "--customer", "Wang Fang", "--customer-confirmed"]);
        Assert.Equal(ExitCodes.Failed, again.Code);
        Assert.Contains("not in Commissioning", again.Err);
        Assert.Single(await agent.ServiceRecordsAsync());
    }

    [Fact]
    public async Task Commissioning_is_refused_when_a_step_is_answered_no_and_the_charger_stays_in_commissioning()
    {
        await using var agent = await RunningAgent.StartAsync(requireCommissioning: true);
        await agent.LoginAsync();
        var seq = agent.LastSeq;

        var result = await agent.CtlAsync(["commission", .. CommissionChecks, "--check", "electrical-connections-tightened=no", "--customer", "Wang Fang", "--customer-confirmed"]);

        Assert.Equal(ExitCodes.Failed, result.Code);
        Assert.Contains(ConsoleErrorCodes.StepFailed, result.Err);
        Assert.Contains("electrical-connections-tightened", result.Err);
        Assert.Equal(seq, agent.LastSeq);
        Assert.Equal(DiagnosticState.Commissioning, await agent.StateAsync());
    }

    [Fact]
    public async Task Commissioning_is_refused_when_the_selftest_fails_and_nothing_is_recorded()
    {
        await using var agent = await RunningAgent.StartAsync(requireCommissioning: true);
        await agent.LoginAsync();
        Assert.Equal(ExitCodes.Ok, (await agent.CtlAsync("sim", "input", "door", "on")).Code);
        await Eventually.TrueAsync(async () => (await agent.ActiveFaultsAsync()).Any(f => f.Code == FaultCatalogue.EnclosureOpen), "door fault raised");
        var seq = agent.LastSeq;

        var result = await agent.CtlAsync(["commission", .. CommissionChecks, "--customer", "Wang Fang", "--customer-confirmed"]);

        Assert.Equal(ExitCodes.Failed, result.Code);
        Assert.Contains("FAIL input door: open", result.Out);
        Assert.Contains("self-test failed", result.Err);
        Assert.Equal(seq, agent.LastSeq);
        Assert.Empty(await agent.ServiceRecordsAsync());
        Assert.Equal(DiagnosticState.Commissioning, await agent.StateAsync());
    }
}
