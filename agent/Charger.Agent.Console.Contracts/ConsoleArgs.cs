namespace Charger.Agent.Console.Contracts;

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
