using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Charger.Agent.Core.Board;

namespace Charger.Agent.Board.Simulated;

/// <summary>What a scenario step does.</summary>
public enum ScenarioAction
{
    /// <summary>Set a sensor to a value.</summary>
    Set,

    /// <summary>Ramp a sensor to a value over a duration.</summary>
    Ramp,

    /// <summary>Stick a sensor.</summary>
    Freeze,

    /// <summary>Un-stick a sensor.</summary>
    Unfreeze,

    /// <summary>Make a chip fail.</summary>
    Fail,

    /// <summary>Make a failed chip answer again.</summary>
    Restore,

    /// <summary>Set a digital input active or inactive.</summary>
    Input,

    /// <summary>Set the metered power [W].</summary>
    Power,

    /// <summary>Weld (value true or absent) or un-weld (value false) the contactor.</summary>
    Weld,
}

/// <summary>One validated scenario step.</summary>
/// <param name="Number">1-based position in the file.</param>
/// <param name="At">When the step runs, from the start of the scenario.</param>
/// <param name="Action">What it does.</param>
/// <param name="Target">Sensor, chip or input name; null for power and weld.</param>
/// <param name="Value">Number (or 1/0 for input and weld); null where none is needed.</param>
/// <param name="Over">Ramp duration.</param>
public sealed record ScenarioStep(int Number, TimeSpan At, ScenarioAction Action, string? Target, double? Value, TimeSpan? Over)
{
    /// <summary>Applies the step to a control surface.</summary>
    public void ApplyTo(ISimulationControl control)
    {
        ArgumentNullException.ThrowIfNull(control);
        switch (Action)
        {
            case ScenarioAction.Set: control.Set(Target!, Value!.Value); break;
            case ScenarioAction.Ramp: control.Ramp(Target!, Value!.Value, Over!.Value); break;
            case ScenarioAction.Freeze: control.Freeze(Target!); break;
            case ScenarioAction.Unfreeze: control.Unfreeze(Target!); break;
            case ScenarioAction.Fail: control.Fail(Target!); break;
            case ScenarioAction.Restore: control.Restore(Target!); break;
            case ScenarioAction.Input: control.SetInput(Target!, Value!.Value != 0); break;
            case ScenarioAction.Power: control.SetPower(Value!.Value); break;
            case ScenarioAction.Weld:
                if (Value is 0)
                {
                    control.Unweld();
                }
                else
                {
                    control.Weld();
                }

                break;
            default: throw new InvalidOperationException($"Unhandled action {Action}.");
        }
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"step {Number} at {At:c}: {Action.ToString().ToLowerInvariant()} {Target} {Value?.ToString(CultureInfo.InvariantCulture)}{(Over is { } o ? $" over {o:c}" : string.Empty)}".TrimEnd();
}

/// <summary>A bad scenario file; the message names the step.</summary>
public sealed class ScenarioFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public ScenarioFormatException(string message, int? stepNumber = null, Exception? innerException = null)
        : base(message, innerException) => StepNumber = stepNumber;

    /// <summary>Creates the exception.</summary>
    public ScenarioFormatException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public ScenarioFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ScenarioFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The 1-based step at fault, when one is.</summary>
    public int? StepNumber { get; }
}

/// <summary>
/// A scripted sequence of simulator actions, read from JSON:
/// <c>{"name":"...","steps":[{"at":"00:00:05","action":"ramp","target":"enclosure.temperature","value":85,"over":"00:00:10"}]}</c>.
/// See the project README for every action.
/// </summary>
public sealed class Scenario
{
    private static readonly string[] InputTargets =
    [
        InputNames.EmergencyStop, InputNames.Door, InputNames.RcdTrip, InputNames.ContactorFeedback, InputNames.SurgeProtection,
    ];

    private Scenario(string name, string? description, IReadOnlyList<ScenarioStep> steps)
    {
        Name = name;
        Description = description;
        Steps = steps;
    }

    /// <summary>The scenario's name.</summary>
    public string Name { get; }

    /// <summary>What it demonstrates.</summary>
    public string? Description { get; }

    /// <summary>The steps in time order (steps with the same time keep their file order).</summary>
    public IReadOnlyList<ScenarioStep> Steps { get; }

    /// <summary>Reads and validates a scenario file.</summary>
    /// <exception cref="ScenarioFormatException">The file is not a valid scenario; the message says where.</exception>
    public static Scenario Load(string path)
    {
        string json = File.ReadAllText(path);
        try
        {
            return Parse(json, Path.GetFileNameWithoutExtension(path));
        }
        catch (ScenarioFormatException ex)
        {
            throw new ScenarioFormatException($"{path}: {ex.Message}", ex.StepNumber, ex);
        }
    }

    /// <summary>Parses and validates scenario JSON.</summary>
    /// <exception cref="ScenarioFormatException">The text is not a valid scenario; the message names the step.</exception>
    public static Scenario Parse(string json, string defaultName = "scenario")
    {
        ScenarioDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(json, ScenarioJsonContext.Default.ScenarioDocument);
        }
        catch (JsonException ex)
        {
            throw new ScenarioFormatException($"Scenario is not valid JSON: {ex.Message}", null, ex);
        }

        if (document?.Steps is null)
        {
            throw new ScenarioFormatException("Scenario has no \"steps\" array.");
        }

        var steps = new List<ScenarioStep>(document.Steps.Count);
        for (int i = 0; i < document.Steps.Count; i++)
        {
            steps.Add(Validate(i + 1, document.Steps[i]));
        }

        return new Scenario(document.Name ?? defaultName, document.Description, steps.OrderBy(s => s.At).ThenBy(s => s.Number).ToList());
    }

    private static ScenarioStep Validate(int number, ScenarioStepDocument? step)
    {
        if (step is null)
        {
            throw Error(number, "is null.");
        }

        TimeSpan at = Duration(number, "at", step.At) ?? throw Error(number, "is missing \"at\" (a time such as \"00:00:05\").");
        if (string.IsNullOrWhiteSpace(step.Action))
        {
            throw Error(number, "is missing \"action\".");
        }

        if (!Enum.TryParse(step.Action, ignoreCase: true, out ScenarioAction action) || !Enum.IsDefined(action) || int.TryParse(step.Action, out _))
        {
            throw Error(number, $"has unknown action \"{step.Action}\"; expected one of {string.Join(", ", Enum.GetNames<ScenarioAction>().Select(n => n.ToLowerInvariant()))}.");
        }

        TimeSpan? over = Duration(number, "over", step.Over);
        string? target = step.Target;
        double? value = null;
        switch (action)
        {
            case ScenarioAction.Set:
            case ScenarioAction.Ramp:
                RequireTarget(number, action, target, SensorNames.All);
                value = Number(number, action, step.Value) ?? throw Error(number, $"({ActionName(action)} {target}) is missing \"value\".");
                if (action == ScenarioAction.Ramp && (over is null || over <= TimeSpan.Zero))
                {
                    throw Error(number, $"(ramp {target}) needs a positive \"over\" duration.");
                }

                break;
            case ScenarioAction.Freeze:
            case ScenarioAction.Unfreeze:
                RequireTarget(number, action, target, SensorNames.All);
                break;
            case ScenarioAction.Fail:
            case ScenarioAction.Restore:
                RequireTarget(number, action, target, SimulatedBoardHardware.ChipNames.Concat(SensorNames.All).ToArray());
                break;
            case ScenarioAction.Input:
                RequireTarget(number, action, target, InputTargets);
                value = Flag(number, action, step.Value) ?? throw Error(number, $"(input {target}) is missing \"value\" (true or false).");
                break;
            case ScenarioAction.Power:
                value = Number(number, action, step.Value) ?? throw Error(number, "(power) is missing \"value\" in watts.");
                if (value < 0)
                {
                    throw Error(number, $"(power) has a negative value {value}.");
                }

                break;
            case ScenarioAction.Weld:
                value = Flag(number, action, step.Value);
                break;
            default:
                break;
        }

        return new ScenarioStep(number, at, action, target, value, over);
    }

    private static void RequireTarget(int number, ScenarioAction action, string? target, IReadOnlyCollection<string> known)
    {
        if (string.IsNullOrWhiteSpace(target))
        {
            throw Error(number, $"({ActionName(action)}) is missing \"target\"; expected one of {string.Join(", ", known)}.");
        }

        if (!known.Contains(target, StringComparer.Ordinal))
        {
            throw Error(number, $"({ActionName(action)}) has unknown target \"{target}\"; expected one of {string.Join(", ", known)}.");
        }
    }

    private static TimeSpan? Duration(int number, string field, string? text)
    {
        if (text is null)
        {
            return null;
        }

        if (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out TimeSpan value) || value < TimeSpan.Zero)
        {
            throw Error(number, $"has a bad \"{field}\" \"{text}\"; expected a non-negative time such as \"00:01:30\".");
        }

        return value;
    }

    private static double? Number(int number, ScenarioAction action, JsonElement? value)
    {
        if (value is not { } v || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out double d) && double.IsFinite(d))
        {
            return d;
        }

        throw Error(number, $"({ActionName(action)}) has a \"value\" that is not a number: {v.GetRawText()}.");
    }

    private static double? Flag(int number, ScenarioAction action, JsonElement? value)
    {
        if (value is not { } v || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return v.ValueKind switch
        {
            JsonValueKind.True => 1,
            JsonValueKind.False => 0,
            JsonValueKind.Number when v.TryGetDouble(out double d) && d is 0 or 1 => d,
            _ => throw Error(number, $"({ActionName(action)}) has a \"value\" that is not true or false: {v.GetRawText()}."),
        };
    }

    private static string ActionName(ScenarioAction action) => action.ToString().ToLowerInvariant();

    private static ScenarioFormatException Error(int number, string message) => new($"Scenario step {number} {message}", number);
}

/// <summary>The JSON shape of a scenario file.</summary>
internal sealed class ScenarioDocument
{
    public string? Name { get; set; }

    public string? Description { get; set; }

    public List<ScenarioStepDocument?>? Steps { get; set; }
}

/// <summary>The JSON shape of one step.</summary>
internal sealed class ScenarioStepDocument
{
    public string? At { get; set; }

    public string? Action { get; set; }

    public string? Target { get; set; }

    public JsonElement? Value { get; set; }

    public string? Over { get; set; }
}

/// <summary>Source-generated (trim- and AOT-safe) serialization of scenario files.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(ScenarioDocument))]
internal sealed partial class ScenarioJsonContext : JsonSerializerContext;
