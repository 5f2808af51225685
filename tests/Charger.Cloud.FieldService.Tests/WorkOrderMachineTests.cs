using Charger.Cloud.AfterSales;
using Charger.Cloud.FieldService.WorkOrders;
using S = Charger.Cloud.FieldService.WorkOrders.WorkOrderState;
using T = Charger.Cloud.FieldService.WorkOrders.WorkOrderTrigger;

namespace Charger.Cloud.FieldService.Tests;

public sealed class WorkOrderMachineTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 10, 9, 0, 0, TimeSpan.Zero);
    private static readonly Actor Supervisor = new("sup-li", "Li", Roles.Supervisor);
    private static readonly StaffMember Engineer = new("eng-zhang", "Zhang", Roles.RepairEngineer, "north", Active: true);

    /// <summary>Every permitted (state, trigger) and where it leads; every other pair must be refused.</summary>
    private static readonly Dictionary<(S, T), S> Allowed = new()
    {
        [(S.Open, T.Triage)] = S.Triaged,
        [(S.Triaged, T.Assign)] = S.Assigned,
        [(S.Assigned, T.Assign)] = S.Assigned,
        [(S.Assigned, T.SetOff)] = S.EnRoute,
        [(S.EnRoute, T.Arrive)] = S.OnSite,
        [(S.OnSite, T.Resolve)] = S.Resolved,
        [(S.Resolved, T.Confirm)] = S.Confirmed,
        [(S.Confirmed, T.Close)] = S.Closed,
        [(S.Resolved, T.Reopen)] = S.Triaged,
        [(S.Confirmed, T.Reopen)] = S.Triaged,
        [(S.Closed, T.Reopen)] = S.Triaged,
        [(S.Resolved, T.ReopenToAssigned)] = S.Assigned,
        [(S.Confirmed, T.ReopenToAssigned)] = S.Assigned,
        [(S.Closed, T.ReopenToAssigned)] = S.Assigned,
        [(S.Assigned, T.WaitForParts)] = S.WaitingForParts,
        [(S.EnRoute, T.WaitForParts)] = S.WaitingForParts,
        [(S.OnSite, T.WaitForParts)] = S.WaitingForParts,
        [(S.Assigned, T.WaitForCustomer)] = S.WaitingForCustomer,
        [(S.EnRoute, T.WaitForCustomer)] = S.WaitingForCustomer,
        [(S.OnSite, T.WaitForCustomer)] = S.WaitingForCustomer,
        [(S.WaitingForParts, T.Resume)] = S.EnRoute, // the fixture paused from en route
        [(S.WaitingForCustomer, T.Resume)] = S.EnRoute,
        [(S.Escalated, T.DecideReplace)] = S.Assigned,
        [(S.Escalated, T.DecideTakeOutOfService)] = S.Resolved,
        [(S.Escalated, T.DecideContinue)] = S.EnRoute, // the fixture was escalated from en route
        [(S.Open, T.Escalate)] = S.Escalated,
        [(S.Triaged, T.Escalate)] = S.Escalated,
        [(S.Assigned, T.Escalate)] = S.Escalated,
        [(S.EnRoute, T.Escalate)] = S.Escalated,
        [(S.OnSite, T.Escalate)] = S.Escalated,
        [(S.WaitingForParts, T.Escalate)] = S.Escalated,
        [(S.WaitingForCustomer, T.Escalate)] = S.Escalated,
        [(S.Open, T.Cancel)] = S.Cancelled,
        [(S.Triaged, T.Cancel)] = S.Cancelled,
        [(S.Assigned, T.Cancel)] = S.Cancelled,
        [(S.EnRoute, T.Cancel)] = S.Cancelled,
        [(S.OnSite, T.Cancel)] = S.Cancelled,
        [(S.WaitingForParts, T.Cancel)] = S.Cancelled,
        [(S.WaitingForCustomer, T.Cancel)] = S.Cancelled,
        [(S.Escalated, T.Cancel)] = S.Cancelled,
        [(S.Resolved, T.Cancel)] = S.Cancelled,
        [(S.Confirmed, T.Cancel)] = S.Cancelled,
    };

    public static TheoryData<S, T> AllPairs()
    {
        var data = new TheoryData<S, T>();
        foreach (var s in Enum.GetValues<S>())
        {
            foreach (var t in Enum.GetValues<T>())
            {
                data.Add(s, t);
            }
        }

        return data;
    }

    private static WorkOrder InState(S state)
    {
        var row = new WorkOrderRow
        {
            Id = 7, State = state, CreatedAt = Now.AddHours(-5), EngineerId = "eng-zhang", ReturnState = S.EnRoute,
            LastResolvedAt = Now.AddDays(-1), ResolvedAt = Now.AddDays(-1),
        };
        if (state is S.WaitingForParts or S.WaitingForCustomer)
        {
            row.Pauses.Add(new WorkOrderPauseRow { Waiting = state, From = Now.AddHours(-1) });
        }

        return new WorkOrder(row, TimeSpan.FromDays(30));
    }

    private static TransitionRequest FullRequest() => new(Supervisor, Now, "because")
    {
        Engineer = Engineer, RemoteChecks = "power-cycle the charger", ArrivalAt = Now.AddHours(2),
    };

    [Theory]
    [MemberData(nameof(AllPairs))]
    public async Task Every_trigger_in_every_state_moves_as_the_table_says_or_is_refused_naming_the_state(S state, T trigger)
    {
        var order = InState(state);
        if (Allowed.TryGetValue((state, trigger), out var expected))
        {
            await order.FireAsync(trigger, FullRequest());
            Assert.Equal(expected, order.State);
            var recorded = Assert.Single(order.Row.Transitions);
            Assert.Equal((trigger.ToString(), state, expected, "sup-li", "because"), (recorded.Action, recorded.FromState!.Value, recorded.ToState!.Value, recorded.ActorId, recorded.Reason));
            Assert.Equal(Now, recorded.At);
        }
        else
        {
            var ex = await Assert.ThrowsAsync<WorkOrderTransitionException>(() => order.FireAsync(trigger, FullRequest()));
            Assert.Equal(state, ex.State);
            Assert.Contains(state.ToString(), ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(trigger, ex.Permitted);
            Assert.Equal(state, order.State);
            Assert.Empty(order.Row.Transitions);
            Assert.Equal(Allowed.Keys.Where(k => k.Item1 == state).Select(k => k.Item2).Order(), ex.Permitted.Order());
        }
    }

    [Fact]
    public void The_permitted_triggers_of_each_state_are_those_of_the_table()
    {
        foreach (var s in Enum.GetValues<S>())
        {
            Assert.Equal(Allowed.Keys.Where(k => k.Item1 == s).Select(k => k.Item2).Order(), InState(s).PermittedTriggers.Order());
        }
    }

    [Fact]
    public async Task Assigning_a_disabled_engineer_is_refused_by_the_guard_with_its_description()
    {
        var order = InState(S.Triaged);
        var ex = await Assert.ThrowsAsync<WorkOrderTransitionException>(() =>
            order.FireAsync(T.Assign, FullRequest() with { Engineer = Engineer with { Active = false } }));
        Assert.Contains("the engineer is an active repair engineer", ex.UnmetGuards);
        Assert.Equal(S.Triaged, order.State);
    }

    [Fact]
    public async Task Assigning_a_user_who_is_not_a_repair_engineer_is_refused()
    {
        var order = InState(S.Triaged);
        await Assert.ThrowsAsync<WorkOrderTransitionException>(() =>
            order.FireAsync(T.Assign, FullRequest() with { Engineer = Engineer with { Role = Roles.TechnicalSupport } }));
    }

    [Fact]
    public async Task Reopening_after_the_window_is_refused_with_the_guard_named()
    {
        var order = InState(S.Closed);
        order.Row.LastResolvedAt = Now.AddDays(-31);
        var ex = await Assert.ThrowsAsync<WorkOrderTransitionException>(() => order.FireAsync(T.Reopen, FullRequest()));
        Assert.Contains("within the reopen window", ex.UnmetGuards);
        Assert.Equal(S.Closed, order.State);
    }

    [Fact]
    public async Task Cancelling_without_a_reason_is_refused()
    {
        var order = InState(S.Open);
        var ex = await Assert.ThrowsAsync<WorkOrderTransitionException>(() => order.FireAsync(T.Cancel, FullRequest() with { Reason = null }));
        Assert.Contains("a reason is given", ex.UnmetGuards);
    }

    [Fact]
    public async Task Waiting_pauses_the_clock_and_resume_returns_to_the_state_it_paused_from()
    {
        var order = InState(S.OnSite);
        await order.FireAsync(T.WaitForParts, FullRequest());
        var pause = Assert.Single(order.Row.Pauses);
        Assert.Null(pause.To);
        await order.FireAsync(T.Resume, FullRequest() with { At = Now.AddHours(3) });
        Assert.Equal(S.OnSite, order.State);
        Assert.Equal(Now.AddHours(3), pause.To);
    }

    [Fact]
    public async Task Escalating_from_waiting_and_continuing_returns_to_the_work_and_ends_the_pause()
    {
        var order = InState(S.Assigned);
        await order.FireAsync(T.WaitForCustomer, FullRequest());
        await order.FireAsync(T.Escalate, FullRequest() with { Reason = "burnt smell at the connector", At = Now.AddHours(1) });
        Assert.Equal(Now.AddHours(1), order.Row.Pauses.Single().To);
        await order.FireAsync(T.DecideContinue, FullRequest());
        Assert.Equal(S.Assigned, order.State);
        Assert.Equal(SupervisorDecision.ContinueRepair, order.Row.Decision);
    }

    [Fact]
    public async Task The_first_assignment_is_the_response_and_a_reassignment_keeps_it()
    {
        var order = InState(S.Triaged);
        await order.FireAsync(T.Assign, FullRequest());
        await order.FireAsync(T.Assign, FullRequest() with { At = Now.AddHours(1), Engineer = Engineer with { UserId = "eng-wang" } });
        Assert.Equal(Now, order.Row.RespondedAt);
        Assert.Equal("eng-wang", order.Row.EngineerId);
    }

    [Fact]
    public void The_states_graph_in_the_docs_is_current()
    {
        var path = Path.Combine(RepoRoot(), "docs", "work-order-states.md");
        var expected = "# Work order states\n\n" +
            "Generated from `WorkOrder` (cloud/Charger.Cloud.FieldService/WorkOrders/WorkOrder.cs) with Stateless' `MermaidGraph` by the test\n" +
            "`WorkOrderMachineTests.The_states_graph_in_the_docs_is_current`, which rewrites this file when the machine changes.\n\n" +
            "```mermaid\n" + WorkOrder.MermaidGraphText().ReplaceLineEndings("\n").TrimEnd() + "\n```\n";
        var current = File.Exists(path) ? File.ReadAllText(path) : null;
        if (current != expected)
        {
            File.WriteAllText(path, expected);
        }

        Assert.True(current == expected, $"{path} was out of date and has been regenerated: commit it.");
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Agent.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Agent.sln not found above the test binaries.");
    }
}
