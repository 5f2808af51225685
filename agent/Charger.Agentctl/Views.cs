using System.Globalization;
using Charger.Agent.EngineerConsole.Contracts;
using Charger.Protocol;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Charger.Agentctl;

/// <summary>The tables agentctl prints for people (scripts use --json).</summary>
internal static class Views
{
    public static IRenderable Status(StatusData s)
    {
        var grid = new Grid().AddColumn().AddColumn();
        void Row(string key, string value) => grid.AddRow(new Markup($"[bold]{key}[/]"), new Markup(value));
        Row("charger", Esc(s.ChargerId));
        Row("state", StateMarkup(s.State));
        Row("charging", s.ChargingPermitted ? "[green]permitted[/]" : "[red]blocked[/]");
        Row("active faults", s.ActiveFaults.Count == 0 ? "none" : Esc(string.Join(", ", s.ActiveFaults.Select(f => $"{f.Code} ({f.Component})"))));
        Row("cloud link", s.Connected ? "[green]connected[/]" : "[yellow]not connected[/]");
        Row("outbox", Esc($"{s.Outbox.Pending} unacknowledged" + (s.Outbox.OldestPending is { } o ? $", oldest {Time(o)}" : string.Empty)
            + $"; last seq {s.Outbox.LastSeq}, acked up to {s.Outbox.AckedUpTo}; telemetry queued {s.Outbox.TelemetryQueued}"));
        Row("versions", Esc($"agent {s.Versions.Agent}, protocol v{s.Versions.Protocol}, firmware {s.Versions.Firmware ?? "?"}, model {s.Versions.Model ?? "?"}, serial {s.Versions.Serial ?? "?"}"));
        Row("uptime", Esc($"{Uptime(s.UptimeSeconds)} (since {Time(s.StartedAt)})"));
        Row("counters", Esc(string.Create(CultureInfo.InvariantCulture,
            $"energy {s.Counters.EnergyWh / 1000:0.###} kWh, contactor cycles {s.Counters.ContactorCycles}, operating {s.Counters.OperatingHours:0.##} h, above 40 °C {s.Counters.HoursAbove40C:0.##} h, humid {s.Counters.HumidityExposureHours:0.##} h")));
        Row("board", s.Simulated ? "simulated (sim commands available)" : "hardware");
        Row("engineer", s.Engineer is null ? "not logged in" : Esc(s.Engineer));
        var rows = new List<IRenderable> { grid };
        if (s.ActiveFaults.Count > 0)
        {
            rows.Add(ActiveFaults(s.ActiveFaults));
        }

        return new Rows(rows);
    }

    public static Table ActiveFaults(IReadOnlyList<ActiveFaultData> faults)
    {
        var table = new Table().Title("active faults").AddColumns("code", "component", "severity", "blocks", "latches", "raised", "value", "cause present");
        foreach (var f in faults)
        {
            table.AddRow(Esc(f.Code), Esc(f.Component), SeverityMarkup(f.Severity), YesNo(f.BlocksCharging), YesNo(f.Latching), Esc(Time(f.RaisedAt)),
                Esc(Value(f.Value, f.Unit)), f.CausePresent ? "[red]yes[/]" : "no");
        }

        return table;
    }

    public static IRenderable Sensors(SensorsData s)
    {
        var sensors = new Table().Title($"sensors{(s.Timestamp is { } t ? $" at {Esc(Time(t))}" : string.Empty)}").AddColumns("sensor", "value", "unit", "limit", "health");
        foreach (var r in s.Sensors)
        {
            sensors.AddRow(Esc(r.Name), Esc(r.Value?.ToString("0.###", CultureInfo.InvariantCulture) ?? "-"), Esc(r.Unit),
                Esc(Limit(r.Min, r.Max, r.Unit)), HealthMarkup(r.Health, r.Detail));
        }

        var inputs = new Table().Title("inputs").AddColumns("input", "state", "normal", "health");
        foreach (var i in s.Inputs)
        {
            inputs.AddRow(Esc(i.Name), i.Active is { } a ? (a ? "active" : "inactive") : "-", i.Normal ? "active" : "inactive", HealthMarkup(i.Health, null));
        }

        return new Rows(sensors, inputs, new Markup(Esc($"energy pulses {s.EnergyPulses}, contactor {(s.ContactorClosed ? "closed" : "open")}")));
    }

    public static IRenderable Faults(FaultsData f)
    {
        var rows = new List<IRenderable> { f.Active.Count == 0 ? new Markup("no active fault") : ActiveFaults(f.Active) };
        if (f.History.Count > 0)
        {
            var table = new Table().Title("fault history").AddColumns("seq", "time", "event", "code", "component", "severity", "value", "detail");
            foreach (var h in f.History)
            {
                table.AddRow(h.Seq.ToString(CultureInfo.InvariantCulture), Esc(Time(h.Ts)), h.Event == "raised" ? "[red]raised[/]" : "[green]cleared[/]",
                    Esc(h.Code), Esc(h.Component), h.Severity is { } sev ? SeverityMarkup(sev) : "", Esc(Value(h.Value, h.Unit)), Esc(h.Detail ?? ""));
            }

            rows.Add(table);
        }

        return new Rows(rows);
    }

    public static string StepLine(SelfTestStepData s) =>
        $"[[{s.Index}/{s.Of}]] {(s.Pass ? "[green]PASS[/]" : "[red]FAIL[/]")} {Esc(s.Name)}: {Esc(s.Seen)} (expected {Esc(s.Expected)})";

    public static IRenderable SelfTest(SelfTestData r)
    {
        var table = new Table().Title($"self-test by {Esc(r.Engineer)} at {Esc(Time(r.At))}").AddColumns("#", "step", "result", "seen", "expected");
        foreach (var s in r.Steps)
        {
            table.AddRow(s.Index.ToString(CultureInfo.InvariantCulture), Esc(s.Name), s.Pass ? "[green]PASS[/]" : "[red]FAIL[/]", Esc(s.Seen), Esc(s.Expected));
        }

        var failed = r.Steps.Count(s => !s.Pass);
        var summary = r.Pass
            ? $"[green]self-test PASSED[/] ({r.Steps.Count} steps); journaled as service record seq {r.RecordSeq?.ToString(CultureInfo.InvariantCulture) ?? "?"}"
            : $"[red]self-test FAILED[/] ({failed} of {r.Steps.Count} steps); journaled as service record seq {r.RecordSeq?.ToString(CultureInfo.InvariantCulture) ?? "?"}";
        return new Rows(table, new Markup(summary));
    }

    public static IRenderable Record(RecordData d)
    {
        var r = d.Record;
        var grid = new Grid().AddColumn().AddColumn();
        void Row(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                grid.AddRow(new Markup($"[bold]{key}[/]"), new Markup(Esc(value)));
            }
        }

        Row("kind", r.Kind);
        Row("engineer", r.EngineerId);
        Row("work order", r.WorkOrderRef);
        Row("findings", r.Findings);
        Row("cause", r.Cause);
        Row("actions", r.Actions);
        Row("customer", r.CustomerName is null ? null : $"{r.CustomerName} ({(r.CustomerConfirmed ? "confirmed" : "not confirmed")})");
        var rows = new List<IRenderable> { grid };
        if (r.Parts is { Count: > 0 } parts)
        {
            var table = new Table().Title("parts replaced").AddColumns("part number", "old serial", "new serial");
            foreach (var p in parts)
            {
                table.AddRow(Esc(p.PartNumber), Esc(p.OldSerial ?? "-"), Esc(p.NewSerial ?? "-"));
            }

            rows.Add(table);
        }

        if (r.Checklist is { Count: > 0 } checklist)
        {
            var table = new Table().Title("checklist").AddColumns("item", "answer");
            foreach (var (item, done) in checklist)
            {
                table.AddRow(Esc(item), done ? "[green]yes[/]" : "[red]no[/]");
            }

            rows.Add(table);
        }

        if (r.TestResults is { Count: > 0 } tests)
        {
            var table = new Table().Title("test results").AddColumns("test", "result");
            foreach (var (test, result) in tests)
            {
                table.AddRow(Esc(test), Esc(result));
            }

            rows.Add(table);
        }

        rows.Add(new Markup(Esc($"{r.Kind} record journaled as seq {d.Seq?.ToString(CultureInfo.InvariantCulture) ?? "?"} at {Time(d.At)}; state {d.State}")));
        return new Rows(rows);
    }

    public static IRenderable Export(ExportData d, string path)
    {
        var table = new Table().Title($"diagnostics bundle {Esc(path)}").AddColumns("entry", "bytes");
        foreach (var e in d.Entries)
        {
            table.AddRow(Esc(e.Name), e.Bytes.ToString(CultureInfo.InvariantCulture));
        }

        return new Rows(table, new Markup(Esc($"{d.Bytes} bytes (sha256 {d.Sha256}), {d.Events} journal events{(d.Truncated ? " (truncated: the newest kept)" : string.Empty)}")));
    }

    public static IRenderable Docs(DocsListData d)
    {
        if (d.Documents.Count == 0)
        {
            return new Markup(Esc($"no documents cached for model {d.Model} (in {d.Directory})"));
        }

        var table = new Table().Title($"documents for model {Esc(d.Model)}").AddColumns("name", "title", "type", "bytes", "modified");
        foreach (var doc in d.Documents)
        {
            table.AddRow(Esc(doc.Name), Esc(doc.Title ?? ""), Esc(doc.MediaType), doc.Bytes.ToString(CultureInfo.InvariantCulture), Esc(Time(doc.Modified)));
        }

        return table;
    }

    public static string Esc(string text) => Markup.Escape(text);

    public static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Uptime(double seconds)
    {
        var t = TimeSpan.FromSeconds(seconds);
        return t.TotalDays >= 1 ? $"{(int)t.TotalDays}d {t:hh\\:mm\\:ss}" : t.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture);
    }

    private static string Value(double? value, string? unit) =>
        value is { } v ? $"{v.ToString("0.##", CultureInfo.InvariantCulture)} {unit}".Trim() : "";

    private static string Limit(double? min, double? max, string unit) => (min, max) switch
    {
        ({ } a, { } b) => string.Create(CultureInfo.InvariantCulture, $"{a:0.##}..{b:0.##} {unit}"),
        (null, { } b) => string.Create(CultureInfo.InvariantCulture, $"<= {b:0.##} {unit}"),
        ({ } a, null) => string.Create(CultureInfo.InvariantCulture, $">= {a:0.##} {unit}"),
        _ => "-",
    };

    private static string YesNo(bool b) => b ? "yes" : "no";

    private static string HealthMarkup(string health, string? detail)
    {
        var text = Esc(detail is null ? health : $"{health}: {detail}");
        return health == "ok" ? $"[green]{text}[/]" : $"[red]{text}[/]";
    }

    private static string StateMarkup(DiagnosticState state) => state switch
    {
        DiagnosticState.Operational => "[green]Operational[/]",
        DiagnosticState.Faulted => "[red]Faulted[/]",
        DiagnosticState.Degraded => "[yellow]Degraded[/]",
        _ => $"[blue]{state}[/]",
    };

    private static string SeverityMarkup(Severity severity) => severity switch
    {
        Severity.Critical => "[red]critical[/]",
        Severity.Major => "[darkorange]major[/]",
        Severity.Minor => "[yellow]minor[/]",
        _ => "warning",
    };
}
