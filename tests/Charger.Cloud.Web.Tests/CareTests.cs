using System.Net.Http.Json;
using Charger.Cloud.Web.Tests.Infrastructure;

namespace Charger.Cloud.Web.Tests;

/// <summary>Complaints and KPIs through the UI (Charger.Cloud.CustomerCare behind the API).</summary>
[Collection(BrowserCollection.Name)]
public sealed class CareTests(BrowserFixture browser, CloudHost host) : UiTest(browser, host), IClassFixture<CloudHost>
{
    [Fact]
    public async Task A_service_specialist_records_a_complaint_and_only_the_supervisor_is_offered_its_investigation()
    {
        var specialist = await Host.CreateUserAsync("ss-complaint", "service-specialist", "Sue Specialist");
        var supervisor = await Host.CreateUserAsync("sup-complaint", "supervisor", "Paul Supervisor");
        using (var api = await Host.SignedInClientAsync(specialist))
        using (var created = await api.PostAsJsonAsync("api/v1/customers", new { id = "CUST-WEB-1", name = "Harbour Car Park", tier = "standard" }))
        {
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        }

        await SignInAsync(Page, specialist);
        await Page.GetByRole(AriaRole.Navigation, new() { Name = "Pages" }).GetByRole(AriaRole.Link, new() { Name = "Complaints" }).ClickAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Record a complaint" }).ClickAsync();
        var form = Page.GetByTestId("create-complaint-form");
        await form.GetByLabel("Customer id").FillAsync("CUST-WEB-1");
        await form.GetByLabel("Complaint").FillAsync("The engineer came two days late");
        await form.GetByLabel("Apology given").FillAsync("We are sorry for the delay");
        await form.GetByRole(AriaRole.Button, new() { Name = "Record" }).ClickAsync();

        await Expect(Page.GetByTestId("complaint-state")).ToHaveTextAsync("Recorded");
        var complaint = await Page.GetByTestId("complaint-id").InnerTextAsync();

        // The complaints list shows it in the one table.
        await Page.GetByRole(AriaRole.Navigation, new() { Name = "Pages" }).GetByRole(AriaRole.Link, new() { Name = "Complaints" }).ClickAsync();
        await Expect(Page.GetByTestId("complaints-table").Locator($"tr[data-complaint='{complaint}']")).ToContainTextAsync("CUST-WEB-1");
        await Page.GotoAsync("/#/complaints/" + complaint);
        await Expect(Page.GetByText("The engineer came two days late")).ToBeVisibleAsync();
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Investigate" })).ToHaveCountAsync(0);

        var supervisorPage = await NewUserPageAsync();
        await SignInAsync(supervisorPage, supervisor);
        await supervisorPage.GotoAsync("/#/complaints/" + complaint);
        await supervisorPage.GetByTestId("complaint-actions").GetByRole(AriaRole.Button, new() { Name = "Investigate" }).ClickAsync();
        var action = supervisorPage.GetByTestId("action-form");
        await action.GetByLabel("Investigator").FillAsync("sup-complaint");
        await action.GetByRole(AriaRole.Button, new() { Name = "Investigate" }).ClickAsync();
        await Expect(supervisorPage.GetByTestId("complaint-state")).ToHaveTextAsync("Investigating");
    }

    [Fact]
    public async Task A_supervisor_reads_the_KPIs_and_a_role_that_may_not_gets_the_servers_refusal_shown()
    {
        var supervisor = await Host.CreateUserAsync("sup-kpi", "supervisor", "Kim Supervisor");
        var support = await Host.CreateUserAsync("ts-kpi", "technical-support", "Ken Support");

        await SignInAsync(Page, supervisor);
        await Page.GetByRole(AriaRole.Navigation, new() { Name = "Pages" }).GetByRole(AriaRole.Link, new() { Name = "KPIs" }).ClickAsync();
        var kpis = Page.GetByTestId("kpis");
        await Expect(kpis).ToContainTextAsync("Repair timeliness rate");
        await Expect(kpis).ToContainTextAsync("Repair success (first-time fix) rate");
        await Expect(kpis).ToContainTextAsync("MTTR");

        var supportPage = await NewUserPageAsync();
        await SignInAsync(supportPage, support);
        await Expect(supportPage.GetByRole(AriaRole.Navigation, new() { Name = "Pages" }).GetByRole(AriaRole.Link, new() { Name = "KPIs" })).ToHaveCountAsync(0);
        await supportPage.GotoAsync("/#/kpis");
        var error = supportPage.GetByRole(AriaRole.Alert);
        await Expect(error).ToContainTextAsync("Forbidden");
        await Expect(error).ToContainTextAsync("Your role may not do this.");
        await Expect(error).ToHaveAttributeAsync("data-status", "403");
        await Expect(supportPage.GetByTestId("kpis")).ToHaveCountAsync(0);
    }
}
