using Charger.Cloud.AfterSales;
using Charger.Cloud.CustomerCare.Complaints;
using Charger.Cloud.CustomerCare.Data;

namespace Charger.Cloud.CustomerCare.Tests;

/// <summary>The complaint machine on its own: every trigger in every state, allowed or refused (table-driven).</summary>
public sealed class ComplaintWorkflowTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly Actor Sup = new("sup-1", "Zhao Lei", Roles.Supervisor);

    /// <summary>What each state allows and where it leads; every other (state, trigger) is refused.</summary>
    private static readonly Dictionary<ComplaintState, Dictionary<ComplaintTrigger, ComplaintState>> Allowed = new()
    {
        [ComplaintState.Recorded] = new() { [ComplaintTrigger.Investigate] = ComplaintState.Investigating },
        [ComplaintState.Investigating] = new()
        {
            [ComplaintTrigger.DetermineCause] = ComplaintState.Investigating,
            [ComplaintTrigger.UpdateProgress] = ComplaintState.Investigating,
            [ComplaintTrigger.RecordLessons] = ComplaintState.Investigating,
            [ComplaintTrigger.Plan] = ComplaintState.Planned, // once the cause is recorded (guard tested below)
        },
        [ComplaintState.Planned] = new()
        {
            [ComplaintTrigger.UpdateProgress] = ComplaintState.Planned,
            [ComplaintTrigger.RecordLessons] = ComplaintState.Planned,
            [ComplaintTrigger.StartWork] = ComplaintState.InProgress,
        },
        [ComplaintState.InProgress] = new()
        {
            [ComplaintTrigger.UpdateProgress] = ComplaintState.InProgress,
            [ComplaintTrigger.RecordLessons] = ComplaintState.InProgress,
            [ComplaintTrigger.CompleteMeasures] = ComplaintState.AwaitingRevisit,
        },
        [ComplaintState.AwaitingRevisit] = new()
        {
            [ComplaintTrigger.RecordLessons] = ComplaintState.AwaitingRevisit,
            [ComplaintTrigger.RecordRevisit] = ComplaintState.Satisfied, // score 5 here; below the threshold -> Reopened
        },
        [ComplaintState.Reopened] = new()
        {
            [ComplaintTrigger.DetermineCause] = ComplaintState.Reopened,
            [ComplaintTrigger.UpdateProgress] = ComplaintState.Reopened,
            [ComplaintTrigger.RecordLessons] = ComplaintState.Reopened,
            [ComplaintTrigger.Plan] = ComplaintState.Planned,
        },
        [ComplaintState.Satisfied] = new()
        {
            [ComplaintTrigger.RecordLessons] = ComplaintState.Satisfied,
            [ComplaintTrigger.Close] = ComplaintState.Closed, // once the lessons are recorded (guard tested below)
        },
        [ComplaintState.Closed] = new(),
    };

    public static TheoryData<ComplaintState, ComplaintTrigger> Every()
    {
        var data = new TheoryData<ComplaintState, ComplaintTrigger>();
        foreach (var state in Enum.GetValues<ComplaintState>())
        {
            foreach (var trigger in Enum.GetValues<ComplaintTrigger>())
            {
                data.Add(state, trigger);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Every))]
    public async Task Every_trigger_in_every_state_moves_as_the_table_says_or_is_refused_naming_the_state_and_allowed_triggers(ComplaintState state, ComplaintTrigger trigger)
    {
        // Arrive with the data the guards need, so that only the state decides (the guards have their own tests).
        var complaint = await ArriveAsync(state, withCause: true, withLessons: true);
        Assert.Equal(state, complaint.State);
        var transitionsBefore = complaint.Record.Transitions.Count;

        if (Allowed[state].TryGetValue(trigger, out var expected))
        {
            await FireAsync(complaint, trigger);
            Assert.Equal(expected, complaint.State);
            var last = complaint.Record.Transitions[^1];
            Assert.Equal(transitionsBefore + 1, complaint.Record.Transitions.Count);
            Assert.Equal((trigger, state, expected, "sup-1", T0), (last.Trigger!.Value, last.FromState!.Value, last.ToState, last.ActorId, last.At));
        }
        else
        {
            var refused = await Assert.ThrowsAsync<ComplaintTransitionRefusedException>(() => FireAsync(complaint, trigger));
            Assert.Equal(state, refused.State);
            Assert.Equal(trigger, refused.Trigger);
            Assert.Equal(Allowed[state].Keys.Order().ToList(), refused.Allowed);
            Assert.Contains(state.ToString(), refused.Message, StringComparison.Ordinal);
            Assert.Equal(state, complaint.State);
            Assert.Equal(transitionsBefore, complaint.Record.Transitions.Count);
        }
    }

    [Fact]
    public async Task Plan_without_cause_and_responsible_party_is_refused_naming_the_guard()
    {
        var complaint = await ArriveAsync(ComplaintState.Investigating, withCause: false, withLessons: false);
        var refused = await Assert.ThrowsAsync<ComplaintTransitionRefusedException>(() => FireAsync(complaint, ComplaintTrigger.Plan));
        Assert.Equal([Complaint.CauseGuard], refused.UnmetGuards);
        Assert.DoesNotContain(ComplaintTrigger.Plan, refused.Allowed);
        Assert.Equal(ComplaintState.Investigating, complaint.State);

        await complaint.DetermineCauseAsync("cable strain relief missing", "installer", Sup, T0, null);
        await FireAsync(complaint, ComplaintTrigger.Plan);
        Assert.Equal(ComplaintState.Planned, complaint.State);
    }

    [Fact]
    public async Task Unsatisfied_revisit_reopens_for_a_new_plan_and_satisfied_revisit_closes_only_with_lessons()
    {
        var complaint = await ArriveAsync(ComplaintState.AwaitingRevisit, withCause: true, withLessons: false);

        Assert.False(await complaint.RecordRevisitAsync(3, "still trips", Sup, T0));
        Assert.Equal(ComplaintState.Reopened, complaint.State);
        Assert.Equal(1, complaint.Record.PlanNumber);

        await complaint.PlanAsync(new ComplaintPlan("replace RCD", "eng-2", T0.AddDays(3)), Sup, T0, null);
        Assert.Equal((ComplaintState.Planned, 2, "replace RCD"), (complaint.State, complaint.Record.PlanNumber, complaint.Record.PlanMeasures));
        await complaint.StartWorkAsync(Sup, T0, null);
        await complaint.CompleteMeasuresAsync(Sup, T0, null);

        Assert.True(await complaint.RecordRevisitAsync(4, "works now", Sup, T0));
        Assert.Equal(ComplaintState.Satisfied, complaint.State);

        var refused = await Assert.ThrowsAsync<ComplaintTransitionRefusedException>(() => complaint.CloseAsync(Sup, T0, null));
        Assert.Equal([Complaint.LessonsGuard], refused.UnmetGuards);
        Assert.Equal(ComplaintState.Satisfied, complaint.State);

        await complaint.RecordLessonsAsync("RCD type A fitted where type B was needed", "checklist item: RCD type per model", Sup, T0);
        await complaint.CloseAsync(Sup, T0.AddHours(1), "customer satisfied");
        Assert.Equal(ComplaintState.Closed, complaint.State);
        Assert.Equal(T0.AddHours(1), complaint.Record.ClosedAt);
        Assert.Equal([3, 4], complaint.Record.Revisits.Select(r => r.Score));
        Assert.Equal([false, true], complaint.Record.Revisits.Select(r => r.Satisfied));
    }

    [Fact]
    public async Task The_satisfied_threshold_is_configurable()
    {
        var complaint = await ArriveAsync(ComplaintState.AwaitingRevisit, withCause: true, withLessons: false, threshold: 5);
        Assert.False(await complaint.RecordRevisitAsync(4, null, Sup, T0));
        Assert.Equal(ComplaintState.Reopened, complaint.State);
    }

    [Fact]
    public async Task The_graph_in_the_docs_is_the_machines_graph()
    {
        var mermaid = Complaint.ToMermaid();
        foreach (var state in Enum.GetNames<ComplaintState>())
        {
            Assert.Contains(state, mermaid, StringComparison.Ordinal);
        }

        Assert.Contains(Complaint.CauseGuard, mermaid, StringComparison.Ordinal);
        Assert.Contains(Complaint.LessonsGuard, mermaid, StringComparison.Ordinal);

        // Regenerates docs/complaint-states.md; the committed file must equal it (a stale file fails the test after rewriting it).
        var path = Path.Combine(RepositoryRoot(), "docs", "complaint-states.md");
        var expected = "# Complaint states\n\n" +
            "Generated from `Charger.Cloud.CustomerCare.Complaints.Complaint` by `ComplaintWorkflowTests.The_graph_in_the_docs_is_the_machines_graph`;\n" +
            "do not edit by hand. Policy 三(五): record with apology -> investigate (cause, responsible party) -> plan -> carry out with\n" +
            "progress updates -> revisit; an unsatisfied customer reopens it for a new plan, a satisfied one lets it close once the\n" +
            "lessons learned are recorded.\n\n```mermaid\n" + mermaid.Trim() + "\n```\n";
        var current = File.Exists(path) ? await File.ReadAllTextAsync(path) : null;
        if (current != expected)
        {
            await File.WriteAllTextAsync(path, expected);
        }

        Assert.Equal(expected, current);
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Agent.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Agent.sln not found above " + AppContext.BaseDirectory);
    }

    internal static async Task<Complaint> ArriveAsync(ComplaintState state, bool withCause, bool withLessons, int threshold = 4)
    {
        var complaint = new Complaint(
            Complaint.NewRecord(ContactChannel.Phone, "CUST-1", "charger trips every evening", "We are sorry for the trouble.", "CP-1", null, Sup, T0), threshold);
        if (state == ComplaintState.Recorded)
        {
            return complaint;
        }

        await complaint.InvestigateAsync("sup-1", Sup, T0, null);
        if (withCause)
        {
            await complaint.DetermineCauseAsync("RCD too sensitive", "installer", Sup, T0, null);
        }

        if (withLessons)
        {
            await complaint.RecordLessonsAsync("check RCD type", "commissioning checklist", Sup, T0);
        }

        if (state == ComplaintState.Investigating)
        {
            return complaint;
        }

        await complaint.PlanAsync(new ComplaintPlan("adjust RCD", "eng-1", T0.AddDays(2)), Sup, T0, null);
        if (state == ComplaintState.Planned)
        {
            return complaint;
        }

        await complaint.StartWorkAsync(Sup, T0, null);
        if (state == ComplaintState.InProgress)
        {
            return complaint;
        }

        await complaint.CompleteMeasuresAsync(Sup, T0, null);
        if (state == ComplaintState.AwaitingRevisit)
        {
            return complaint;
        }

        if (state == ComplaintState.Reopened)
        {
            await complaint.RecordRevisitAsync(2, "not fixed", Sup, T0);
            return complaint;
        }

        await complaint.RecordRevisitAsync(5, "fine", Sup, T0);
        if (state == ComplaintState.Satisfied)
        {
            return complaint;
        }

        await complaint.CloseAsync(Sup, T0, null);
        return complaint;
    }

    private static Task FireAsync(Complaint c, ComplaintTrigger trigger) => trigger switch
    {
        ComplaintTrigger.Investigate => c.InvestigateAsync(null, Sup, T0, "organised"),
        ComplaintTrigger.DetermineCause => c.DetermineCauseAsync("loose terminal", "installer", Sup, T0, null),
        ComplaintTrigger.Plan => c.PlanAsync(new ComplaintPlan("tighten terminals", "eng-1", T0.AddDays(1)), Sup, T0, null),
        ComplaintTrigger.StartWork => c.StartWorkAsync(Sup, T0, null),
        ComplaintTrigger.UpdateProgress => c.UpdateProgressAsync(ContactChannel.Phone, "engineer booked for Tuesday", Sup, T0),
        ComplaintTrigger.CompleteMeasures => c.CompleteMeasuresAsync(Sup, T0, null),
        ComplaintTrigger.RecordRevisit => c.RecordRevisitAsync(5, "good", Sup, T0),
        ComplaintTrigger.RecordLessons => c.RecordLessonsAsync("lesson", "improvement", Sup, T0),
        ComplaintTrigger.Close => c.CloseAsync(Sup, T0, null),
        _ => throw new ArgumentOutOfRangeException(nameof(trigger)),
    };
}
