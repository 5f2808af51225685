using Charger.Cloud.Access;
using Charger.Cloud.Web.Tests.Infrastructure;
using Charger.Protocol;

namespace Charger.Cloud.Web.Tests;

[Collection(BrowserCollection.Name)]
public sealed class FleetTests(BrowserFixture browser, CloudHost host) : UiTest(browser, host), IClassFixture<CloudHost>
{
    [Fact]
    public async Task The_fleet_lists_a_charger_that_published_events_over_MQTT_with_its_state_and_active_fault()
    {
        await using (var charger = await MqttCharger.ConnectAsync(Host, "CP-WEB-001"))
        {
            await charger.BootAsync();
            await charger.StateAsync(DiagnosticState.Booting, DiagnosticState.Operational);
            await charger.FaultAsync(FaultCatalogue.GroundFailure, Severity.Critical, "residual current 31 mA", value: 31, unit: "mA");
            await charger.StateAsync(DiagnosticState.Operational, DiagnosticState.Faulted);
        }

        var engineer = await Host.CreateUserAsync("eng-fleet", "repair-engineer", "Eve Engineer");
        await SignInAsync(Page, engineer);

        var row = Page.GetByTestId("chargers").Locator("tr[data-charger='CP-WEB-001']");
        await Expect(row).ToContainTextAsync("Faulted");
        await Expect(row).ToContainTextAsync("EVB-22-WEB");
        await Expect(row).ToContainTextAsync("fw-9.2");
        await Expect(row.Locator("td").Nth(4)).ToHaveTextAsync("1");
        var fault = Page.GetByTestId("active-faults").Locator("tr[data-charger='CP-WEB-001'][data-code='GroundFailure']");
        await Expect(fault).ToContainTextAsync("critical");
        await Expect(fault).ToContainTextAsync("31 mA");

        await row.GetByRole(AriaRole.Link, new() { Name = "CP-WEB-001" }).ClickAsync();

        await Expect(Page.GetByTestId("charger-id")).ToHaveTextAsync("CP-WEB-001");
        await Expect(Page.GetByTestId("charger-faults")).ToContainTextAsync("GroundFailure");
        var events = Page.GetByTestId("events");
        await Expect(events.Locator("tbody tr")).ToHaveCountAsync(4);
        await Expect(events.Locator("tr[data-seq='3']")).ToContainTextAsync("fault.raised");
        await Expect(events.Locator("tr[data-seq='1']")).ToContainTextAsync("boot");
        // Newest first.
        await Expect(events.Locator("tbody tr").First).ToHaveAttributeAsync("data-seq", "4");
    }

    [Fact]
    public async Task The_open_fleet_page_shows_a_charger_that_reports_after_it_was_opened_without_polling()
    {
        var engineer = await Host.CreateUserAsync("eng-live", "repair-engineer", "Liv Live");
        await Page.Clock.InstallAsync();
        await SignInAsync(Page, engineer);
        await Expect(Page.Locator("[data-route='fleet'] h1")).ToHaveTextAsync("Fleet");
        var chargers = Page.GetByTestId("chargers").Locator("tr[data-charger='CP-WEB-LIVE']");
        await Expect(chargers).ToHaveCountAsync(0);

        // From here the page's timers stand still: only the live stream can bring what the charger reports.
        var now = await Page.EvaluateAsync<double>("Date.now()");
        await Page.Clock.PauseAtAsync(DateTimeOffset.FromUnixTimeMilliseconds((long)now + 2000).UtcDateTime);
        await using (var charger = await MqttCharger.ConnectAsync(Host, "CP-WEB-LIVE"))
        {
            await charger.BootAsync();
            await charger.FaultAsync(FaultCatalogue.GroundFailure, Severity.Critical, "residual current 30 mA", value: 30, unit: "mA");
        }

        await Expect(chargers).ToHaveCountAsync(1);
        await Expect(Page.GetByTestId("active-faults").Locator("tr[data-charger='CP-WEB-LIVE'][data-code='GroundFailure']")).ToContainTextAsync("30 mA");
        await Expect(chargers.Locator("td").Nth(4)).ToHaveTextAsync("1");
    }

    [Fact]
    public async Task Text_a_charger_sends_is_shown_as_text_and_never_run_as_markup()
    {
        const string Hostile = "<img src=x id=injected onerror=\"document.title='pwned'\"><b>bold</b>";
        await using (var charger = await MqttCharger.ConnectAsync(Host, "CP-WEB-XSS"))
        {
            await charger.BootAsync();
            await charger.FaultAsync(FaultCatalogue.HighTemperature, Severity.Major, Hostile);
        }

        await SignInAsync(Page, AccessFiles.ReadCredential(Host.AdminCredentialFile));

        var fault = Page.GetByTestId("active-faults").Locator("tr[data-charger='CP-WEB-XSS']");
        await Expect(fault).ToContainTextAsync(Hostile);
        await Expect(Page.Locator("#injected")).ToHaveCountAsync(0);
        await Expect(fault.Locator("b")).ToHaveCountAsync(0);
        Assert.NotEqual("pwned", await Page.TitleAsync());
    }
}
