using Charger.Protocol;

namespace Charger.Agent.EngineerConsole.Contracts;

/// <summary>One item of a service record's checklist.</summary>
/// <param name="Id">Stable key written into the record's <c>checklist</c> (kebab-case).</param>
/// <param name="Question">What the engineer confirms.</param>
/// <param name="Required">Must be answered (yes or no) for the record to be accepted.</param>
/// <param name="MustPass">Must be answered yes (commissioning acceptance); a no refuses the record.</param>
public sealed record ChecklistItem(string Id, string Question, bool Required = true, bool MustPass = false);

/// <summary>
/// The checklist of each kind of service record, in one place: the agent validates records against it and agentctl
/// prompts from it. The items follow the after-sales policy (maintenance: exterior cleaning, equipment check,
/// tightening of electrical connections, charging-module test, battery performance test; repair: inspect and find
/// the cause, work safely, test on site, show the customer; installation and commissioning: install per the manual,
/// check every function, instruct the customer, customer acceptance).
/// </summary>
public static class ServiceChecklists
{
    /// <summary>The automatic step of commissioning: the agent's self-test, run by the agent itself.</summary>
    public const string SelfTestItem = "selftest";

    /// <summary>Kinds an engineer records with <c>record</c> (commissioning has its own command, selftest is automatic).</summary>
    public static IReadOnlyList<string> RecordKinds { get; } =
        [ServiceRecordKinds.Repair, ServiceRecordKinds.Maintenance, ServiceRecordKinds.Inspection, ServiceRecordKinds.Installation];

    /// <summary>Preventive maintenance (保养与维护).</summary>
    public static IReadOnlyList<ChecklistItem> Maintenance { get; } =
    [
        new("exterior-cleaning", "Exterior cleaned (enclosure, display, cable and connector, air inlets)"),
        new("equipment-check", "Equipment checked (enclosure, seals, cable, connector, e-stop, door, labels)"),
        new("electrical-connections-tightened", "Electrical connections tightened to torque (supply, contactor, RCD, earth)"),
        new("charging-module-test", "Charging module tested (output, contactor, metering)"),
        new("battery-test", "Battery performance tested (backup battery, where fitted)", Required: false),
    ];

    /// <summary>Repair after a fault (故障报修处理).</summary>
    public static IReadOnlyList<ChecklistItem> Repair { get; } =
    [
        new("fault-inspected", "Charger inspected on site and the cause of the fault determined"),
        new("safety-procedure", "Worked under the safety procedure (isolated, locked out, tested dead)"),
        new("on-site-test", "Tested on site after the repair: the charger works normally"),
        new("customer-demonstration", "Correct use and precautions shown to the customer", Required: false),
    ];

    /// <summary>Inspection (no work done unless recorded).</summary>
    public static IReadOnlyList<ChecklistItem> Inspection { get; } =
    [
        new("exterior-check", "Exterior, enclosure and seals checked"),
        new("equipment-check", "Cable, connector, display and labels checked"),
        new("electrical-connections-checked", "Electrical connections checked (no heat marks, no loose terminals)"),
        new("safety-devices-checked", "Safety devices checked (e-stop, RCD, surge protector, door switch)"),
    ];

    /// <summary>Installation (安装), before commissioning.</summary>
    public static IReadOnlyList<ChecklistItem> Installation { get; } =
    [
        new("installed-per-manual", "Installed per the installation manual and the applicable standards"),
        new("supply-and-earthing-checked", "Supply, cable rating, protective earth and RCD checked"),
        new("electrical-connections-tightened", "Electrical connections tightened to torque"),
        new("initial-function-check", "Initial function check done: every function works"),
        new("customer-instructed", "Customer instructed: use, operation, precautions"),
    ];

    /// <summary>
    /// Installation and commissioning acceptance (安装调试验收), used by <c>commission</c>: every item must pass,
    /// <see cref="SelfTestItem"/> is the agent's own self-test.
    /// </summary>
    public static IReadOnlyList<ChecklistItem> Commissioning { get; } =
    [
        new("installed-per-manual", "Installed per the installation manual and the applicable standards", MustPass: true),
        new("supply-and-earthing-checked", "Supply, cable rating, protective earth and RCD checked", MustPass: true),
        new("electrical-connections-tightened", "Electrical connections tightened to torque", MustPass: true),
        new(SelfTestItem, "Agent self-test passed (every sensor and input)", MustPass: true),
        new("customer-instructed", "Customer instructed: use, operation, precautions", MustPass: true),
    ];

    /// <summary>The checklist of <paramref name="kind"/>; empty for a kind without one.</summary>
    public static IReadOnlyList<ChecklistItem> For(string kind) => kind switch
    {
        ServiceRecordKinds.Maintenance => Maintenance,
        ServiceRecordKinds.Repair => Repair,
        ServiceRecordKinds.Inspection => Inspection,
        ServiceRecordKinds.Installation => Installation,
        ServiceRecordKinds.Commissioning => Commissioning,
        _ => [],
    };

    /// <summary>The commissioning items the engineer confirms (all but the automatic self-test).</summary>
    public static IEnumerable<ChecklistItem> CommissioningManualItems => Commissioning.Where(i => i.Id != SelfTestItem);
}
