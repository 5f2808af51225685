using Charger.Agent.EngineerConsole.Contracts;
using Charger.Protocol;
using Spectre.Console;

namespace Charger.Agentctl;

/// <summary>
/// Interactive prompts (Spectre.Console) for the fields of a record or a commissioning that the command line did not
/// give. The agent validates the result; the prompts only ask, in the order of the paper form.
/// </summary>
internal static class RecordPrompts
{
    private const string NotApplicable = "not applicable";

    /// <summary>Asks for every missing field of a record; null when the engineer declines to journal it at the end.</summary>
    public static async Task<RecordArgs?> CompleteAsync(IAnsiConsole console, RecordArgs given, CancellationToken cancellationToken)
    {
        var kind = string.IsNullOrWhiteSpace(given.Kind)
            ? await console.PromptAsync(new SelectionPrompt<string>().Title("Kind of record?").AddChoices(ServiceChecklists.RecordKinds), cancellationToken).ConfigureAwait(false)
            : given.Kind;
        var isRepair = kind == ServiceRecordKinds.Repair;
        var args = given with
        {
            Kind = kind,
            WorkOrderRef = given.WorkOrderRef ?? await TextAsync(console, "Work order" + (isRepair ? string.Empty : " (optional)") + ":", optional: !isRepair, cancellationToken).ConfigureAwait(false),
            Findings = given.Findings ?? await TextAsync(console, "Findings (what was found):", optional: false, cancellationToken).ConfigureAwait(false),
            Cause = given.Cause ?? await TextAsync(console, "Cause" + (isRepair ? string.Empty : " (optional)") + ":", optional: !isRepair, cancellationToken).ConfigureAwait(false),
            Actions = given.Actions ?? await TextAsync(console, "Actions taken" + (kind is ServiceRecordKinds.Repair or ServiceRecordKinds.Maintenance ? string.Empty : " (optional)") + ":",
                optional: kind is not (ServiceRecordKinds.Repair or ServiceRecordKinds.Maintenance), cancellationToken).ConfigureAwait(false),
        };

        if (args.Parts is null)
        {
            var parts = new List<PartReplaced>();
            while (await console.ConfirmAsync(parts.Count == 0 ? "Was a part replaced?" : "Another part replaced?", defaultValue: false, cancellationToken).ConfigureAwait(false))
            {
                var number = await TextAsync(console, "  part number:", optional: false, cancellationToken).ConfigureAwait(false);
                var oldSerial = await TextAsync(console, "  old serial (optional):", optional: true, cancellationToken).ConfigureAwait(false);
                var newSerial = await TextAsync(console, "  new serial (optional):", optional: true, cancellationToken).ConfigureAwait(false);
                parts.Add(new PartReplaced(number!, oldSerial, newSerial));
            }

            args = args with { Parts = parts.Count == 0 ? null : parts };
        }

        args = args with { Checklist = await ChecklistAsync(console, ServiceChecklists.For(kind), args.Checklist, cancellationToken).ConfigureAwait(false) };
        args = args with { TestResults = args.TestResults ?? await TestsAsync(console, cancellationToken).ConfigureAwait(false) };
        if (args.CustomerName is null)
        {
            var customer = await TextAsync(console, "Customer name" + (kind == ServiceRecordKinds.Installation ? string.Empty : " (optional)") + ":",
                optional: kind != ServiceRecordKinds.Installation, cancellationToken).ConfigureAwait(false);
            args = args with { CustomerName = customer };
        }

        if (!args.CustomerConfirmed && args.CustomerName is not null)
        {
            args = args with { CustomerConfirmed = await console.ConfirmAsync($"Does {Views.Esc(args.CustomerName)} confirm the work (sign)?", defaultValue: false, cancellationToken).ConfigureAwait(false) };
        }

        return await console.ConfirmAsync("Journal this record?", defaultValue: true, cancellationToken).ConfigureAwait(false) ? args : null;
    }

    /// <summary>Asks the commissioning steps not answered on the command line, and the customer's acceptance.</summary>
    public static async Task<CommissionArgs> CompleteAsync(IAnsiConsole console, CommissionArgs given, CancellationToken cancellationToken)
    {
        console.MarkupLine("[bold]Installation and commissioning[/]: confirm each step; the agent then runs its self-test.");
        var args = given with
        {
            WorkOrderRef = given.WorkOrderRef ?? await TextAsync(console, "Work order (optional):", optional: true, cancellationToken).ConfigureAwait(false),
            Checklist = await ChecklistAsync(console, [.. ServiceChecklists.CommissioningManualItems], given.Checklist, cancellationToken).ConfigureAwait(false),
        };
        args = args with { TestResults = args.TestResults ?? await TestsAsync(console, cancellationToken).ConfigureAwait(false) };
        args = args with
        {
            Findings = args.Findings ?? await TextAsync(console, "Remarks for the acceptance report (optional):", optional: true, cancellationToken).ConfigureAwait(false),
            CustomerName = args.CustomerName ?? await TextAsync(console, "Customer name:", optional: false, cancellationToken).ConfigureAwait(false),
        };
        if (!args.CustomerConfirmed)
        {
            args = args with { CustomerConfirmed = await console.ConfirmAsync($"Does {Views.Esc(args.CustomerName ?? "the customer")} accept the installation (sign)?", defaultValue: false, cancellationToken).ConfigureAwait(false) };
        }

        return args;
    }

    private static async Task<Dictionary<string, bool>?> ChecklistAsync(IAnsiConsole console, IReadOnlyList<ChecklistItem> items, IReadOnlyDictionary<string, bool>? given, CancellationToken cancellationToken)
    {
        var answers = given is null ? new Dictionary<string, bool>(StringComparer.Ordinal) : new Dictionary<string, bool>(given, StringComparer.Ordinal);
        foreach (var item in items.Where(i => !answers.ContainsKey(i.Id)))
        {
            if (item.Required || item.MustPass)
            {
                answers[item.Id] = await console.ConfirmAsync(Views.Esc(item.Question) + "?", defaultValue: true, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var answer = await console.PromptAsync(new SelectionPrompt<string>().Title(Views.Esc(item.Question) + "?").AddChoices("yes", "no", NotApplicable), cancellationToken).ConfigureAwait(false);
            if (answer != NotApplicable)
            {
                answers[item.Id] = answer == "yes";
            }
        }

        return answers.Count == 0 ? null : answers;
    }

    private static async Task<Dictionary<string, string>?> TestsAsync(IAnsiConsole console, CancellationToken cancellationToken)
    {
        var tests = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await TextAsync(console, "Test or measurement name (empty when done):", optional: true, cancellationToken).ConfigureAwait(false) is { } name)
        {
            tests[name] = (await TextAsync(console, $"  result of {Views.Esc(name)}:", optional: false, cancellationToken).ConfigureAwait(false))!;
        }

        return tests.Count == 0 ? null : tests;
    }

    private static async Task<string?> TextAsync(IAnsiConsole console, string prompt, bool optional, CancellationToken cancellationToken)
    {
        var text = new TextPrompt<string>(prompt);
        if (optional)
        {
            text.AllowEmpty();
        }

        var value = await console.PromptAsync(text, cancellationToken).ConfigureAwait(false);
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }
}
