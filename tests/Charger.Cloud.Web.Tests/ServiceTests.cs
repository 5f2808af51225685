using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Charger.Cloud.Web.Tests.Infrastructure;
using Charger.Protocol;

namespace Charger.Cloud.Web.Tests;

/// <summary>Alarms and work orders through the UI, by the roles that work them (Charger.Cloud.FieldService behind the API).</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class ServiceTests(BrowserFixture browser, CloudHost host) : UiTest(browser, host), IClassFixture<CloudHost>
{
    /// <summary>The actions a repair engineer may ever take on a work order (the API's path segments).</summary>
    private static readonly string[] EngineerActions = ["set-off", "arrive", "resolve", "wait-for-parts", "wait-for-customer", "resume", "escalate"];

    [Fact]
    public async Task A_ground_fault_raises_an_alarm_with_a_work_order_that_technical_support_acknowledges()
    {
        await RaiseGroundFaultAsync("CP-WEB-GF1");
        var support = await Host.CreateUserAsync("ts-ack", "technical-support", "Tom Support");
        await SignInAsync(Page, support);

        var row = await OpenAlarmAsync(Page, "CP-WEB-GF1");
        await Expect(row).ToContainTextAsync("critical");
        await Expect(row).ToContainTextAsync("active");
        await Expect(row.GetByRole(AriaRole.Link, new() { NameRegex = WorkOrderName() })).ToBeVisibleAsync();

        await row.GetByRole(AriaRole.Button, new() { Name = "Acknowledge" }).ClickAsync();

        await Expect(row).ToContainTextAsync("ts-ack");
        await Expect(row.GetByRole(AriaRole.Button, new() { Name = "Acknowledge" })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Technical_support_assigns_the_work_order_and_the_engineer_sees_it_with_only_their_actions()
    {
        await RaiseGroundFaultAsync("CP-WEB-GF2");
        var support = await Host.CreateUserAsync("ts-assign", "technical-support", "Tina Support");
        var engineer = await Host.CreateUserAsync("eng-assigned", "repair-engineer", "Ed Engineer");
        var other = await Host.CreateUserAsync("eng-other", "repair-engineer", "Olga Other");

        // Technical support: from the alarm to its work order; triage, then assign the engineer.
        await SignInAsync(Page, support);
        var row = await OpenAlarmAsync(Page, "CP-WEB-GF2");
        await row.GetByRole(AriaRole.Link, new() { NameRegex = WorkOrderName() }).ClickAsync();
        var workOrder = await Page.GetByTestId("work-order-id").InnerTextAsync();
        await Expect(Page.GetByTestId("work-order-state")).ToHaveTextAsync("open");
        await ActAsync(Page, "triage", "Triage", form => form.GetByLabel("Remote checks suggested to the customer").FillAsync("Reset the RCD once; it tripped again"));
        await Expect(Page.GetByTestId("work-order-state")).ToHaveTextAsync("triaged");
        await ActAsync(Page, "assign", "Assign", form => form.GetByLabel("Repair engineer").SelectOptionAsync(engineer.UserId));
        await Expect(Page.GetByTestId("work-order-state")).ToHaveTextAsync("assigned");
        await Expect(Page.GetByTestId("work-order-engineer")).ToHaveTextAsync(engineer.UserId);
        await Expect(Page.GetByTestId("work-order-history")).ToContainTextAsync("ts-assign");

        // The engineer: it is in their list, with only the actions a repair engineer may take.
        var engineerPage = await NewUserPageAsync();
        await SignInAsync(engineerPage, engineer);
        await engineerPage.GotoAsync("/#/work-orders");
        await Expect(engineerPage.GetByRole(AriaRole.Heading, new() { Name = "My work orders" })).ToBeVisibleAsync();
        var listed = engineerPage.GetByTestId("work-orders").Locator($"tr[data-work-order='{workOrder}']");
        await Expect(listed).ToContainTextAsync("assigned");
        await listed.GetByRole(AriaRole.Link, new() { Name = workOrder }).ClickAsync();
        var actions = engineerPage.GetByTestId("work-order-actions").Locator("button[data-action]");
        await Expect(engineerPage.GetByTestId("work-order-actions").GetByRole(AriaRole.Button, new() { Name = "En route" })).ToBeVisibleAsync();
        var shown = new List<string>();
        foreach (var button in await actions.AllAsync())
        {
            shown.Add((await button.GetAttributeAsync("data-action"))!);
        }

        Assert.Contains("set-off", shown);
        Assert.All(shown, a => Assert.Contains(a, EngineerActions));
        Assert.DoesNotContain("assign", shown);
        Assert.DoesNotContain("cancel", shown);

        // They set off with an agreed arrival time; next they can be on site.
        await ActAsync(engineerPage, "set-off", "En route", _ => Task.CompletedTask);
        await Expect(engineerPage.GetByTestId("work-order-state")).ToHaveTextAsync("en-route");
        await Expect(engineerPage.GetByTestId("work-order-actions").GetByRole(AriaRole.Button, new() { Name = "On site" })).ToBeVisibleAsync();

        // Another engineer sees the order but may not work it.
        var otherPage = await NewUserPageAsync();
        await SignInAsync(otherPage, other);
        await otherPage.GotoAsync("/#/work-orders/" + workOrder);
        await Expect(otherPage.GetByTestId("no-actions")).ToHaveTextAsync("This work order is not assigned to you.");
        await Expect(otherPage.GetByTestId("work-order-actions")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task An_auditor_sees_no_action_buttons_and_an_action_the_server_refuses_shows_its_error()
    {
        await RaiseGroundFaultAsync("CP-WEB-GF3");
        var auditor = await Host.CreateUserAsync("aud-view", "auditor", "Ann Auditor");
        var support = await Host.CreateUserAsync("ts-stale", "technical-support", "Sam Support");
        var first = await Host.CreateUserAsync("eng-first", "repair-engineer", "Fay First");
        var second = await Host.CreateUserAsync("eng-second", "repair-engineer", "Sid Second");

        // The auditor reads alarms and work orders and is offered nothing to do.
        await SignInAsync(Page, auditor);
        var row = await OpenAlarmAsync(Page, "CP-WEB-GF3");
        await Expect(Page.GetByTestId("alarms").Locator("tbody").GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        await Expect(Page.GetByTestId("alarms").GetByRole(AriaRole.Columnheader, new() { Name = "Actions" })).ToHaveCountAsync(0);
        await row.GetByRole(AriaRole.Link, new() { NameRegex = WorkOrderName() }).ClickAsync();
        var workOrder = await Page.GetByTestId("work-order-id").InnerTextAsync();
        await Expect(Page.GetByTestId("no-actions")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("work-order-actions")).ToHaveCountAsync(0);

        // Technical support triages and assigns the first engineer (through the API).
        using var api = await Host.SignedInClientAsync(support);
        await PostOkAsync(api, $"api/v1/work-orders/{workOrder}/triage", new { remoteChecks = "Asked the customer to reset the RCD" });
        await PostOkAsync(api, $"api/v1/work-orders/{workOrder}/assign", new { engineerId = first.UserId });

        // The first engineer opens the order; meanwhile it is re-assigned to the second; their click is refused and the
        // server's reason is shown.
        var engineerPage = await NewUserPageAsync();
        await SignInAsync(engineerPage, first);
        await engineerPage.GotoAsync("/#/work-orders/" + workOrder);
        await Expect(engineerPage.GetByTestId("work-order-engineer")).ToHaveTextAsync(first.UserId);
        await PostOkAsync(api, $"api/v1/work-orders/{workOrder}/assign", new { engineerId = second.UserId, reason = "closer to the site" });

        await engineerPage.GetByTestId("work-order-actions").GetByRole(AriaRole.Button, new() { Name = "En route" }).ClickAsync();
        var form = engineerPage.GetByTestId("action-form");
        await form.GetByRole(AriaRole.Button, new() { Name = "En route" }).ClickAsync();

        var error = form.GetByRole(AriaRole.Alert);
        await Expect(error).ToContainTextAsync("Not allowed");
        await Expect(error).ToContainTextAsync($"not assigned to {first.UserId}");
        await Expect(error).ToHaveAttributeAsync("data-status", "403");
    }

    [Fact]
    public async Task A_missing_field_is_named_in_the_error_the_form_shows()
    {
        await RaiseGroundFaultAsync("CP-WEB-GF4");
        var support = await Host.CreateUserAsync("ts-field", "technical-support", "Fred Support");
        await SignInAsync(Page, support);
        var row = await OpenAlarmAsync(Page, "CP-WEB-GF4");
        await row.GetByRole(AriaRole.Link, new() { NameRegex = WorkOrderName() }).ClickAsync();

        // The form does not stop an empty field itself (novalidate): the server's validation problem names it.
        await Page.GetByTestId("work-order-actions").GetByRole(AriaRole.Button, new() { Name = "Triage" }).ClickAsync();
        var form = Page.GetByTestId("action-form");
        await form.GetByRole(AriaRole.Button, new() { Name = "Triage" }).ClickAsync();

        var error = form.GetByRole(AriaRole.Alert);
        await Expect(error).ToContainTextAsync("remoteChecks:");
        await Expect(error).ToHaveAttributeAsync("data-status", "400");
        await Expect(Page.GetByTestId("work-order-state")).ToHaveTextAsync("open");
    }

    [Fact]
    public async Task A_service_specialist_opens_a_work_order_from_a_customer_call_and_finds_it_listed_with_its_SLA()
    {
        var specialist = await Host.CreateUserAsync("ss-call", "service-specialist", "Cai Specialist");
        await SignInAsync(Page, specialist);
        await Page.GotoAsync("/#/work-orders");
        await Page.GetByRole(AriaRole.Button, new() { Name = "New work order" }).ClickAsync();
        var form = Page.GetByTestId("create-work-order-form");
        await form.GetByLabel("Priority").SelectOptionAsync("high");
        await form.GetByLabel("Description").FillAsync("Customer called: the display of bay 3 stays dark");
        await form.GetByRole(AriaRole.Button, new() { Name = "Open work order" }).ClickAsync();

        await Expect(Page.GetByTestId("work-order-state")).ToHaveTextAsync("open");
        var workOrder = await Page.GetByTestId("work-order-id").InnerTextAsync();
        await Expect(Page.Locator("dl.facts").GetByText("Customer called: the display of bay 3 stays dark", new() { Exact = true })).ToBeVisibleAsync();
        // Triage is technical support's: the specialist has nothing to do on an open order.
        await Expect(Page.GetByTestId("no-actions")).ToBeVisibleAsync();

        await Page.GetByRole(AriaRole.Navigation, new() { Name = "Pages" }).GetByRole(AriaRole.Link, new() { Name = "Work orders" }).ClickAsync();
        var row = Page.GetByTestId("work-orders").Locator($"tr[data-work-order='{workOrder}']");
        await Expect(row).ToContainTextAsync("high");
        await Expect(row).ToContainTextAsync("within SLA");
        await Expect(row.Locator("time")).ToHaveCountAsync(3);
    }

    [GeneratedRegex("^WO-\\d+$")]
    private static partial Regex WorkOrderName();

    private async Task RaiseGroundFaultAsync(string chargerId)
    {
        await using var charger = await MqttCharger.ConnectAsync(Host, chargerId);
        await charger.BootAsync();
        await charger.StateAsync(DiagnosticState.Booting, DiagnosticState.Operational);
        await charger.FaultAsync(FaultCatalogue.GroundFailure, Severity.Critical, "RCD tripped", value: 30, unit: "mA");
    }

    /// <summary>Opens the alarms page and waits (the page refreshes itself) for the charger's ground-fault alarm with its work order.</summary>
    private static async Task<ILocator> OpenAlarmAsync(IPage page, string chargerId)
    {
        await page.GotoAsync("/#/alarms");
        var row = page.GetByTestId("alarms").Locator($"tr[data-charger='{chargerId}'][data-code='GroundFailure']");
        await Expect(row.GetByRole(AriaRole.Link, new() { NameRegex = WorkOrderName() })).ToBeVisibleAsync();
        return row;
    }

    /// <summary>Clicks an action of the work order, fills its form and submits it.</summary>
    private static async Task ActAsync(IPage page, string action, string label, Func<ILocator, Task> fill)
    {
        await page.GetByTestId("work-order-actions").Locator($"button[data-action='{action}']").ClickAsync();
        var form = page.GetByTestId("action-form");
        await fill(form);
        await form.GetByRole(AriaRole.Button, new() { Name = label }).ClickAsync();
        await Expect(form).ToHaveCountAsync(0);
    }

    private static async Task PostOkAsync(HttpClient api, string path, object body)
    {
        using var response = await api.PostAsJsonAsync(path, body);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
