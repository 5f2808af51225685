using Charger.Cloud.Web.Tests.Infrastructure;
using Charger.Protocol;

namespace Charger.Cloud.Web.Tests;

/// <summary>The one table of the UI (js/datatable.js) on the alarms page: server-side paging, sorting and CSV export.</summary>
[Collection(BrowserCollection.Name)]
public sealed class TableTests(BrowserFixture browser, CloudHost host) : UiTest(browser, host), IClassFixture<CloudHost>
{
    private static readonly string[] Codes =
    [
        FaultCatalogue.HighTemperature, FaultCatalogue.OverVoltage, FaultCatalogue.UnderVoltage, FaultCatalogue.PowerMeterFailure,
        FaultCatalogue.ReaderFailure, FaultCatalogue.WeakSignal, FaultCatalogue.InternalError, FaultCatalogue.OtherError,
        FaultCatalogue.HighHumidity, FaultCatalogue.FanFailure, FaultCatalogue.SensorFailure, FaultCatalogue.StorageFailure,
    ];

    [Fact]
    public async Task The_alarms_table_pages_sorts_on_the_server_and_exports_what_it_shows_as_CSV()
    {
        await using (var charger = await MqttCharger.ConnectAsync(Host, "CP-WEB-TBL"))
        {
            await charger.BootAsync();
            foreach (var fault in Codes)
            {
                await charger.FaultAsync(fault, Severity.Minor, "table test", blocksCharging: false);
            }
        }

        await SignInAsync(Page, await Host.CreateUserAsync("sup-table", "supervisor", "Tab Le"));
        await Page.GotoAsync("/#/alarms");
        var range = Page.GetByTestId("alarms-range");
        await Expect(range).ToHaveTextAsync("1–12 of 12");

        await Page.GetByTestId("alarms-table").GetByLabel("Rows per page").SelectOptionAsync("10");
        await Expect(range).ToHaveTextAsync("1–10 of 12");
        await Expect(Page.GetByTestId("alarms").Locator("tbody tr")).ToHaveCountAsync(10);
        await Page.GetByTestId("alarms-table").GetByRole(AriaRole.Button, new() { Name = "Next ›" }).ClickAsync();
        await Expect(range).ToHaveTextAsync("11–12 of 12");
        await Expect(Page.GetByTestId("alarms").Locator("tbody tr")).ToHaveCountAsync(2);

        // Sorting goes back to the first page and orders the whole list on the server.
        var code = Page.GetByTestId("alarms").Locator("th").Filter(new() { HasText = "Code" });
        await code.GetByRole(AriaRole.Button).ClickAsync();
        await Expect(code).ToHaveAttributeAsync("aria-sort", "ascending");
        await Expect(range).ToHaveTextAsync("1–10 of 12");
        var sorted = Codes.Order(StringComparer.Ordinal).ToArray();
        await Expect(Page.GetByTestId("alarms").Locator("tbody tr").First).ToHaveAttributeAsync("data-code", sorted[0]);
        await code.GetByRole(AriaRole.Button).ClickAsync();
        await Expect(code).ToHaveAttributeAsync("aria-sort", "descending");
        await Expect(Page.GetByTestId("alarms").Locator("tbody tr").First).ToHaveAttributeAsync("data-code", sorted[^1]);

        // The export is the whole filtered list in the table's order, not the page.
        var download = await Page.RunAndWaitForDownloadAsync(() => Page.GetByTestId("alarms-csv").ClickAsync());
        var path = await download.PathAsync();
        var lines = (await File.ReadAllLinesAsync(path!)).Skip(1).Where(l => l.Length > 0).ToList();
        Assert.Equal(sorted.Reverse(), lines.Select(l => l.Split(',')[2]));
        Assert.Equal("alarms.csv", download.SuggestedFilename);
    }
}
