using System.Text.RegularExpressions;
using Charger.Agent.EngineerConsole.Contracts;
using Charger.Protocol;

namespace Charger.Agent.EngineerConsole.Commands;

/// <summary>
/// Checks a service record before it is journaled: the kind is known, the kind's required fields and checklist items
/// are answered (and nothing unknown is in the checklist), parts are well-formed, texts are of sane length. Every
/// problem is listed in one message; a refused record journals nothing.
/// </summary>
internal static partial class ServiceRecordValidator
{
    public const int MaxText = 4000;
    public const int MaxName = 200;
    public const int MaxParts = 50;
    public const int MaxTestResults = 100;

    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9._/#:-]{0,63}\z")]
    private static partial Regex WorkOrderPattern();

    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9._/+-]{0,63}\z")]
    private static partial Regex PartPattern();

    /// <summary>The record for <paramref name="args"/> by <paramref name="engineer"/>; throws <c>bad-request</c> listing every problem.</summary>
    public static ServiceRecordData Validate(RecordArgs args, string engineer)
    {
        var problems = new List<string>();
        var kind = args.Kind?.Trim() ?? string.Empty;
        if (!ServiceChecklists.RecordKinds.Contains(kind, StringComparer.Ordinal))
        {
            var why = kind == ServiceRecordKinds.Commissioning ? " (use `agentctl commission`)"
                : kind == ServiceRecordKinds.SelfTest ? " (use `agentctl selftest`)" : string.Empty;
            throw Refused($"kind must be one of {string.Join(", ", ServiceChecklists.RecordKinds)}, not '{kind}'{why}");
        }

        var workOrder = WorkOrder(args.WorkOrderRef, problems);
        var findings = Text("findings", args.Findings, MaxText, problems);
        var cause = Text("cause", args.Cause, MaxText, problems);
        var actions = Text("actions", args.Actions, MaxText, problems);
        Require(findings, "findings (what was found)", problems);
        if (kind == ServiceRecordKinds.Repair)
        {
            Require(workOrder, "a work-order reference for a repair", problems);
            Require(cause, "the cause of the fault for a repair", problems);
            Require(actions, "the actions taken for a repair", problems);
        }

        if (kind == ServiceRecordKinds.Maintenance)
        {
            Require(actions, "the actions taken for a maintenance", problems);
        }

        var parts = Parts(args.Parts, problems);
        var checklist = Checklist(kind, args.Checklist, ServiceChecklists.For(kind), problems);
        var tests = TestResults(args.TestResults, problems);
        var customer = Text("customer name", args.CustomerName, MaxName, problems);
        if (args.CustomerConfirmed && customer is null)
        {
            problems.Add("the customer's name is required when the customer confirms");
        }

        if (kind == ServiceRecordKinds.Installation && !args.CustomerConfirmed)
        {
            problems.Add("an installation needs the customer's acceptance (customer name and confirmation)");
        }

        if (problems.Count > 0)
        {
            throw Refused(string.Join("; ", problems));
        }

        return new ServiceRecordData
        {
            Kind = kind,
            EngineerId = engineer,
            WorkOrderRef = workOrder,
            Findings = findings,
            Cause = cause,
            Actions = actions,
            Parts = parts,
            Checklist = checklist,
            TestResults = tests,
            CustomerName = customer,
            CustomerConfirmed = args.CustomerConfirmed,
        };
    }

    /// <summary>
    /// Checks the commissioning answers (a malformed request is <c>bad-request</c>). Returns the checklist without the
    /// self-test (the agent adds it); items answered no are the caller's to refuse.
    /// </summary>
    public static (string? WorkOrder, string? Findings, Dictionary<string, bool> Checklist, Dictionary<string, string>? Tests, string Customer) ValidateCommissioning(CommissionArgs args)
    {
        var problems = new List<string>();
        var workOrder = WorkOrder(args.WorkOrderRef, problems);
        var findings = Text("findings", args.Findings, MaxText, problems);
        var manual = ServiceChecklists.CommissioningManualItems.ToList();
        var checklist = Checklist(ServiceRecordKinds.Commissioning, args.Checklist, manual, problems) ?? [];
        if (args.Checklist?.ContainsKey(ServiceChecklists.SelfTestItem) == true)
        {
            problems.Add($"'{ServiceChecklists.SelfTestItem}' is run by the agent, not answered");
        }

        var tests = TestResults(args.TestResults, problems);
        var customer = Text("customer name", args.CustomerName, MaxName, problems);
        if (customer is null || !args.CustomerConfirmed)
        {
            problems.Add("commissioning needs the customer's acceptance (customer name and confirmation)");
        }

        if (problems.Count > 0)
        {
            throw Refused(string.Join("; ", problems));
        }

        return (workOrder, findings, checklist, tests, customer!);
    }

    private static ConsoleCommandException Refused(string problems) => new(ConsoleErrorCodes.BadRequest, $"record refused, nothing journaled: {problems}.");

    private static void Require(string? value, string what, List<string> problems)
    {
        if (value is null)
        {
            problems.Add($"{what} is required");
        }
    }

    private static string? WorkOrder(string? value, List<string> problems)
    {
        var text = Text("work-order reference", value, 64, problems);
        if (text is not null && !WorkOrderPattern().IsMatch(text))
        {
            problems.Add($"work-order reference '{text}' must be letters, digits and . _ / # : - (at most 64)");
        }

        return text;
    }

    /// <summary>Trimmed text, null when blank; a problem when too long or holding control characters other than newline and tab.</summary>
    private static string? Text(string what, string? value, int max, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = value.Trim();
        if (text.Length > max)
        {
            problems.Add($"{what} is longer than {max} characters");
        }

        if (text.Any(c => char.IsControl(c) && c is not '\n' and not '\t' and not '\r'))
        {
            problems.Add($"{what} holds control characters");
        }

        return text;
    }

    private static List<PartReplaced>? Parts(IReadOnlyList<PartReplaced>? parts, List<string> problems)
    {
        if (parts is null || parts.Count == 0)
        {
            return null;
        }

        if (parts.Count > MaxParts)
        {
            problems.Add($"at most {MaxParts} parts");
        }

        var result = new List<PartReplaced>();
        for (var i = 0; i < parts.Count; i++)
        {
            var p = parts[i];
            var number = p.PartNumber?.Trim() ?? string.Empty;
            var oldSerial = string.IsNullOrWhiteSpace(p.OldSerial) ? null : p.OldSerial.Trim();
            var newSerial = string.IsNullOrWhiteSpace(p.NewSerial) ? null : p.NewSerial.Trim();
            var where = $"part {i + 1}";
            if (!PartPattern().IsMatch(number))
            {
                problems.Add($"{where}: part number '{number}' must be letters, digits and . _ / + - (1-64)");
            }

            foreach (var (name, serial) in new[] { ("old serial", oldSerial), ("new serial", newSerial) })
            {
                if (serial is not null && !PartPattern().IsMatch(serial))
                {
                    problems.Add($"{where}: {name} '{serial}' must be letters, digits and . _ / + - (1-64)");
                }
            }

            if (oldSerial is null && newSerial is null)
            {
                problems.Add($"{where}: give the old or the new serial (or both)");
            }

            if (oldSerial is not null && oldSerial == newSerial)
            {
                problems.Add($"{where}: old and new serial are the same ({oldSerial})");
            }

            result.Add(new PartReplaced(number, oldSerial, newSerial));
        }

        return result;
    }

    private static Dictionary<string, bool>? Checklist(string kind, IReadOnlyDictionary<string, bool>? answers, IReadOnlyList<ChecklistItem> items, List<string> problems)
    {
        answers ??= new Dictionary<string, bool>();
        var unknown = answers.Keys.Where(k => items.All(i => i.Id != k) && !(kind == ServiceRecordKinds.Commissioning && k == ServiceChecklists.SelfTestItem)).ToList();
        if (unknown.Count > 0)
        {
            problems.Add($"unknown checklist item(s) for {kind}: {string.Join(", ", unknown)} (items: {string.Join(", ", items.Select(i => i.Id))})");
        }

        var missing = items.Where(i => (i.Required || i.MustPass) && !answers.ContainsKey(i.Id)).Select(i => i.Id).ToList();
        if (missing.Count > 0)
        {
            problems.Add($"checklist item(s) of {kind} not answered: {string.Join(", ", missing)}");
        }

        var result = items.Where(i => answers.ContainsKey(i.Id)).ToDictionary(i => i.Id, i => answers[i.Id], StringComparer.Ordinal);
        return result.Count == 0 ? null : result;
    }

    private static Dictionary<string, string>? TestResults(IReadOnlyDictionary<string, string>? tests, List<string> problems)
    {
        if (tests is null || tests.Count == 0)
        {
            return null;
        }

        if (tests.Count > MaxTestResults)
        {
            problems.Add($"at most {MaxTestResults} test results");
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in tests)
        {
            var key = Text("test name", name, MaxName, problems);
            var text = Text($"test result '{name}'", value, MaxName, problems);
            if (key is null || text is null)
            {
                problems.Add($"test result '{name}' needs a name and a value");
                continue;
            }

            result[key] = text;
        }

        return result;
    }
}
