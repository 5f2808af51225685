namespace Charger.Agent.EngineerConsole.Contracts;

/// <summary>Arguments of <c>login</c>.</summary>
public sealed record LoginArgs
{
    public required string Engineer { get; init; }
    public required string Pin { get; init; }
}

/// <summary>Arguments of <c>faults</c>: every filter is optional.</summary>
public sealed record FaultsArgs
{
    /// <summary>Only the faults active now.</summary>
    public bool Active { get; init; }
    /// <summary>Only this fault code.</summary>
    public string? Code { get; init; }
    /// <summary>Only events at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }
    /// <summary>At most this many history entries (newest kept), 1..10000, default 100.</summary>
    public int Limit { get; init; } = 100;
}

/// <summary>Arguments of <c>maintenance</c>.</summary>
public sealed record MaintenanceArgs
{
    /// <summary><c>enter</c> or <c>exit</c>.</summary>
    public required string Action { get; init; }
    /// <summary>Why (work-order reference, free text); journaled with the audit event.</summary>
    public string? Reason { get; init; }
}

/// <summary>Arguments of <c>fault.reset</c>.</summary>
public sealed record FaultResetArgs
{
    public required string Code { get; init; }
    /// <summary>Only this component (e.g. <c>rcd</c>); all active latched faults of the code when null.</summary>
    public string? Component { get; init; }
    /// <summary>Why the fault may be reset (what was found and done). Required, not blank.</summary>
    public required string Reason { get; init; }
}

/// <summary>Arguments of <c>sim</c> (agent running with --simulate only).</summary>
public sealed record SimArgs
{
    /// <summary>set, ramp, freeze, unfreeze, fail, restore, input, power, weld, unweld.</summary>
    public required string Action { get; init; }
    /// <summary>Sensor, chip or input name.</summary>
    public string? Target { get; init; }
    /// <summary>Value (set, ramp, power) or 1/0 (input).</summary>
    public double? Value { get; init; }
    /// <summary>Ramp duration.</summary>
    public TimeSpan? Over { get; init; }
}

/// <summary>The <c>sim</c> actions.</summary>
public static class SimActions
{
    public const string Set = "set";
    public const string Ramp = "ramp";
    public const string Freeze = "freeze";
    public const string Unfreeze = "unfreeze";
    public const string Fail = "fail";
    public const string Restore = "restore";
    public const string Input = "input";
    public const string Power = "power";
    public const string Weld = "weld";
    public const string Unweld = "unweld";

    public static IReadOnlyList<string> All { get; } = [Set, Ramp, Freeze, Unfreeze, Fail, Restore, Input, Power, Weld, Unweld];
}

/// <summary>
/// Arguments of <c>record</c>: one service record (the engineer comes from the session). Also the format of
/// <c>agentctl record --from-json FILE</c>.
/// </summary>
public sealed record RecordArgs
{
    /// <summary>repair, maintenance, inspection or installation (<see cref="ServiceChecklists.RecordKinds"/>).</summary>
    public required string Kind { get; init; }
    /// <summary>Work-order reference (required for a repair).</summary>
    public string? WorkOrderRef { get; init; }
    /// <summary>What was found (required).</summary>
    public string? Findings { get; init; }
    /// <summary>Cause of the fault (required for a repair).</summary>
    public string? Cause { get; init; }
    /// <summary>What was done (required for a repair and a maintenance).</summary>
    public string? Actions { get; init; }
    /// <summary>Parts replaced: part number, old and new serial.</summary>
    public IReadOnlyList<Charger.Protocol.PartReplaced>? Parts { get; init; }
    /// <summary>The kind's checklist: item id -> done/passed (<see cref="ServiceChecklists"/>).</summary>
    public IReadOnlyDictionary<string, bool>? Checklist { get; init; }
    /// <summary>Test results: test -> result (e.g. "insulation resistance" -> "&gt; 500 MΩ").</summary>
    public IReadOnlyDictionary<string, string>? TestResults { get; init; }
    /// <summary>The customer's name (required when the customer confirms).</summary>
    public string? CustomerName { get; init; }
    /// <summary>The customer confirmed (signed) the work (required for an installation).</summary>
    public bool CustomerConfirmed { get; init; }
}

/// <summary>
/// Arguments of <c>commission</c>: the engineer's answers to the commissioning checklist (all but the self-test, which
/// the agent runs) and the customer's acceptance.
/// </summary>
public sealed record CommissionArgs
{
    public string? WorkOrderRef { get; init; }
    /// <summary>Item id -> passed, for every item of <see cref="ServiceChecklists.CommissioningManualItems"/>.</summary>
    public IReadOnlyDictionary<string, bool>? Checklist { get; init; }
    /// <summary>Remarks for the acceptance report.</summary>
    public string? Findings { get; init; }
    /// <summary>Measurements taken during installation (e.g. "earth loop impedance" -> "0.4 Ω").</summary>
    public IReadOnlyDictionary<string, string>? TestResults { get; init; }
    /// <summary>The customer who accepts the installation (required).</summary>
    public string? CustomerName { get; init; }
    /// <summary>The customer accepted and signed (required).</summary>
    public bool CustomerConfirmed { get; init; }
}

/// <summary>Arguments of <c>export</c>: the time window of the diagnostics bundle.</summary>
public sealed record ExportArgs
{
    /// <summary>Journal events at or after this time.</summary>
    public required DateTimeOffset From { get; init; }
    /// <summary>Journal events before this time.</summary>
    public required DateTimeOffset To { get; init; }
}

/// <summary>Arguments of <c>docs</c>.</summary>
public sealed record DocsArgs
{
    /// <summary><c>list</c> or <c>get</c>.</summary>
    public required string Action { get; init; }
    /// <summary>The document's file name (for <c>get</c>).</summary>
    public string? Name { get; init; }
}
