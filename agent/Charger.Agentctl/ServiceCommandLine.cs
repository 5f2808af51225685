using System.CommandLine;
using System.Text.Json;
using Charger.Agent.EngineerConsole.Contracts;
using Charger.Protocol;
using Spectre.Console;

namespace Charger.Agentctl;

/// <summary>The command lines of <c>record</c>, <c>commission</c>, <c>export</c> and <c>docs</c>.</summary>
internal static class ServiceCommandLine
{
    public static Command Record(AgentctlEnvironment env, Func<ParseResult, Runner> runner)
    {
        var kind = new Option<string?>("--kind", "-k") { Description = $"Kind of record: {string.Join(", ", ServiceChecklists.RecordKinds)}." };
        var workOrder = new Option<string?>("--work-order", "-w") { Description = "Work-order reference (required for a repair)." };
        var findings = new Option<string?>("--findings") { Description = "What was found (required)." };
        var cause = new Option<string?>("--cause") { Description = "Cause of the fault (required for a repair)." };
        var actions = new Option<string?>("--actions") { Description = "What was done (required for a repair and a maintenance)." };
        var parts = new Option<string[]>("--part") { Description = "A replaced part: PARTNO:OLD-SERIAL:NEW-SERIAL (a serial may be empty). Repeatable.", Arity = ArgumentArity.ZeroOrMore };
        var checks = new Option<string[]>("--check") { Description = "A checklist answer: ITEM=yes|no (see the README for each kind's items). Repeatable.", Arity = ArgumentArity.ZeroOrMore };
        var tests = new Option<string[]>("--test") { Description = "A test result: NAME=VALUE (e.g. \"insulation resistance=>500 MOhm\"). Repeatable.", Arity = ArgumentArity.ZeroOrMore };
        var customer = new Option<string?>("--customer") { Description = "The customer's name." };
        var confirmed = new Option<bool>("--customer-confirmed") { Description = "The customer confirmed (signed) the work." };
        var fromJson = new Option<string?>("--from-json") { Description = "Read the whole record from a JSON file (- for standard input) instead of options and prompts." };
        var noPrompt = new Option<bool>("--no-prompt") { Description = "Do not prompt for missing fields, even on a terminal." };
        var command = new Command("record", "Journal a service record (repair, maintenance, inspection, installation); prompts on a terminal (needs login).")
        {
            kind, workOrder, findings, cause, actions, parts, checks, tests, customer, confirmed, fromJson, noPrompt,
        };
        command.SetAction(async (p, ct) =>
        {
            RecordArgs args;
            if (p.GetValue(fromJson) is { } source)
            {
                var mixed = new Option[] { kind, workOrder, findings, cause, actions, parts, checks, tests, customer, confirmed }.Where(o => p.GetResult(o) is { Implicit: false }).ToList();
                if (mixed.Count > 0)
                {
                    throw new UsageException($"--from-json takes the whole record; do not add {string.Join(", ", mixed.Select(o => o.Name))}.");
                }

                args = await ReadJsonAsync(env, source, ct).ConfigureAwait(false);
            }
            else
            {
                args = new RecordArgs
                {
                    Kind = p.GetValue(kind) ?? string.Empty,
                    WorkOrderRef = p.GetValue(workOrder),
                    Findings = p.GetValue(findings),
                    Cause = p.GetValue(cause),
                    Actions = p.GetValue(actions),
                    Parts = ParseParts(p.GetValue(parts)),
                    Checklist = ParseChecks(p.GetValue(checks)),
                    TestResults = ParsePairs(p.GetValue(tests), "--test"),
                    CustomerName = p.GetValue(customer),
                    CustomerConfirmed = p.GetValue(confirmed),
                };
                if (env.Interactive && !p.GetValue(noPrompt))
                {
                    if (await RecordPrompts.CompleteAsync(env.Out, args, ct).ConfigureAwait(false) is not { } completed)
                    {
                        env.Out.MarkupLine("Not journaled.");
                        return ExitCodes.Failed;
                    }

                    args = completed;
                }
            }

            return await runner(p).RecordAsync(args, ct).ConfigureAwait(false);
        });
        return command;
    }

    public static Command Commission(AgentctlEnvironment env, Func<ParseResult, Runner> runner)
    {
        var workOrder = new Option<string?>("--work-order", "-w") { Description = "Work-order reference of the installation." };
        var checks = new Option<string[]>("--check") { Description = $"A step's answer: ITEM=yes|no; items: {string.Join(", ", ServiceChecklists.CommissioningManualItems.Select(i => i.Id))}. Repeatable.", Arity = ArgumentArity.ZeroOrMore };
        var tests = new Option<string[]>("--test") { Description = "A measurement: NAME=VALUE. Repeatable.", Arity = ArgumentArity.ZeroOrMore };
        var notes = new Option<string?>("--notes") { Description = "Remarks for the acceptance report." };
        var customer = new Option<string?>("--customer") { Description = "The customer who accepts the installation." };
        var confirmed = new Option<bool>("--customer-confirmed") { Description = "The customer accepted and signed." };
        var noPrompt = new Option<bool>("--no-prompt") { Description = "Do not prompt for missing answers, even on a terminal." };
        var command = new Command("commission", "Guided installation and commissioning checklist with the self-test; on success the charger leaves Commissioning (needs login).")
        {
            workOrder, checks, tests, notes, customer, confirmed, noPrompt,
        };
        command.SetAction(async (p, ct) =>
        {
            var args = new CommissionArgs
            {
                WorkOrderRef = p.GetValue(workOrder),
                Checklist = ParseChecks(p.GetValue(checks)),
                TestResults = ParsePairs(p.GetValue(tests), "--test"),
                Findings = p.GetValue(notes),
                CustomerName = p.GetValue(customer),
                CustomerConfirmed = p.GetValue(confirmed),
            };
            if (env.Interactive && !p.GetValue(noPrompt))
            {
                args = await RecordPrompts.CompleteAsync(env.Out, args, ct).ConfigureAwait(false);
            }

            return await runner(p).CommissionAsync(args, ct).ConfigureAwait(false);
        });
        return command;
    }

    public static Command Export(Func<ParseResult, Runner> runner)
    {
        var from = new Option<string>("--from") { Description = "Start of the window: ISO-8601 time or that long ago (90m, 2h, 7d).", DefaultValueFactory = _ => "24h" };
        var to = new Option<string?>("--to") { Description = "End of the window (default: now)." };
        var output = new Option<string?>("--output", "-o") { Description = "File to write (default: ./diag-<charger>-<time>.tar.gz)." };
        var command = new Command("export", "Diagnostics bundle (tar.gz) of a time window: journal, redacted configuration, sensors, self-test, state machine (needs login).") { from, to, output };
        command.SetAction((p, ct) =>
        {
            var now = DateTimeOffset.UtcNow;
            var args = new ExportArgs
            {
                From = Durations.ParseSince(p.GetValue(from)!, "--from", now),
                To = p.GetValue(to) is { } t ? Durations.ParseSince(t, "--to", now) : now,
            };
            if (args.To <= args.From)
            {
                throw new UsageException("--to must be after --from.");
            }

            return runner(p).ExportAsync(args, p.GetValue(output), ct);
        });
        return command;
    }

    public static Command Docs(Func<ParseResult, Runner> runner)
    {
        var list = new Command("list", "The documents cached for this charger's model.");
        list.SetAction((p, ct) => runner(p).DocsListAsync(ct));
        var showName = new Argument<string>("name") { Description = "The document's file name (from docs list)." };
        var show = new Command("show", "Print a text document.") { showName };
        show.SetAction((p, ct) => runner(p).DocsShowAsync(p.GetValue(showName)!, ct));
        var openName = new Argument<string>("name") { Description = "The document's file name (from docs list)." };
        var open = new Command("open", "Save a document under the agentctl state directory and open it ($PAGER for text, xdg-open otherwise, on a terminal).") { openName };
        open.SetAction((p, ct) => runner(p).DocsOpenAsync(p.GetValue(openName)!, ct));
        var docs = new Command("docs", "Technical documents cached on the agent for this charger model (manuals, wiring diagrams, repair guides).") { list, show, open };
        docs.SetAction((p, ct) => runner(p).DocsListAsync(ct));
        return docs;
    }

    private static async Task<RecordArgs> ReadJsonAsync(AgentctlEnvironment env, string source, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = source == "-" ? await env.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false) : await File.ReadAllTextAsync(source, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--from-json: cannot read {source}: {ex.Message}", ex);
        }

        try
        {
            return JsonSerializer.Deserialize(text, ConsoleJsonContext.Default.RecordArgs) ?? throw new JsonException("the file holds null");
        }
        catch (JsonException ex)
        {
            throw new UsageException($"--from-json: {source} is not a service record: {ex.Message}", ex);
        }
    }

    /// <summary>PARTNO:OLD:NEW (serials may be empty).</summary>
    public static List<PartReplaced>? ParseParts(string[]? values)
    {
        if (values is null || values.Length == 0)
        {
            return null;
        }

        return values.Select(v =>
        {
            var bits = v.Split(':');
            if (bits.Length is < 2 or > 3 || string.IsNullOrWhiteSpace(bits[0]))
            {
                throw new UsageException($"--part '{v}' must be PARTNO:OLD-SERIAL:NEW-SERIAL (a serial may be empty).");
            }

            static string? Blank(string s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
            return new PartReplaced(bits[0].Trim(), Blank(bits[1]), bits.Length == 3 ? Blank(bits[2]) : null);
        }).ToList();
    }

    /// <summary>ITEM=yes|no.</summary>
    public static Dictionary<string, bool>? ParseChecks(string[]? values)
    {
        var pairs = ParsePairs(values, "--check");
        return pairs?.ToDictionary(kv => kv.Key, kv => kv.Value.ToLowerInvariant() switch
        {
            "yes" or "y" or "true" or "ok" or "pass" or "1" => true,
            "no" or "n" or "false" or "fail" or "0" => false,
            _ => throw new UsageException($"--check {kv.Key}={kv.Value}: the answer must be yes or no."),
        }, StringComparer.Ordinal);
    }

    /// <summary>NAME=VALUE.</summary>
    public static Dictionary<string, string>? ParsePairs(string[]? values, string option)
    {
        if (values is null || values.Length == 0)
        {
            return null;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var v in values)
        {
            var at = v.IndexOf('=', StringComparison.Ordinal);
            if (at <= 0)
            {
                throw new UsageException($"{option} '{v}' must be NAME=VALUE.");
            }

            result[v[..at].Trim()] = v[(at + 1)..].Trim();
        }

        return result;
    }
}
