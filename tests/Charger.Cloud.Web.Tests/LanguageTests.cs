using System.Text.RegularExpressions;
using Charger.Cloud.Web.Tests.Infrastructure;
using Charger.Protocol;

namespace Charger.Cloud.Web.Tests;

/// <summary>The UI in English and Simplified Chinese: every page's own text from the translation table, chosen per user.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class LanguageTests(BrowserFixture browser, CloudHost host) : UiTest(browser, host), IClassFixture<CloudHost>
{
    /// <summary>Words both languages write the same (abbreviations), and the data of this test shown in headers.</summary>
    private static readonly string[] Shared = ["SLA", "KPI", "KPIs", "MTTR", "MTBF", "CSV", "English"];

    [GeneratedRegex("[A-Za-z]{3,}")]
    private static partial Regex LatinWord();

    private static List<string> English(IEnumerable<string> texts, params string[] data) =>
        texts.Where(text => LatinWord().Matches(text).Any(m => !Shared.Contains(m.Value) && !data.Any(d => d.Contains(m.Value, StringComparison.Ordinal))))
            .ToList();

    /// <summary>Signs in through the form whatever its language (by the controls' ids).</summary>
    private static async Task SignInAnyLanguageAsync(IPage page, (string UserId, string Password) credential)
    {
        await page.Locator("#login-user").FillAsync(credential.UserId);
        await page.Locator("#login-password").FillAsync(credential.Password);
        await page.Locator("[data-testid='login-form'] button[type='submit']").ClickAsync();
        await Expect(page.GetByTestId("signed-in-user")).ToContainTextAsync(credential.UserId);
    }

    [Fact]
    public async Task A_supervisor_who_picks_Chinese_sees_every_page_of_theirs_in_Chinese()
    {
        await using (var charger = await MqttCharger.ConnectAsync(Host, "CP-WEB-ZH"))
        {
            await charger.BootAsync();
            await charger.FaultAsync(FaultCatalogue.GroundFailure, Severity.Critical, "residual current 30 mA", value: 30, unit: "mA");
        }

        var boss = await Host.CreateUserAsync("sup-zh", "supervisor", "Li Wei");
        await SignInAsync(Page, boss);
        await Page.Locator("#lang").SelectOptionAsync("zh");
        await Expect(Page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");

        foreach (var route in new[] { "fleet", "alarms", "work-orders", "complaints", "inquiries", "kpis", "audit" })
        {
            await Page.GotoAsync("/#/" + route);
            var page = Page.Locator($"[data-route='{route}']");
            await Expect(page.Locator("table, p.empty, form").First).ToBeVisibleAsync();
            var texts = await Page.Locator(
                $"header nav a, header button, [data-route='{route}'] :is(h1, h2, h3, th, label, button, caption, dt, p.empty)").AllInnerTextsAsync();
            var english = English(texts, "sup-zh", "Li Wei", "CP-WEB-ZH");
            Assert.True(english.Count == 0, $"#/{route} shows English: {string.Join(" | ", english)}");
        }

        await Expect(Page.GetByTestId("signed-in-role")).ToHaveTextAsync("售后主管");
    }

    [Fact]
    public async Task The_choice_is_kept_for_the_user_who_made_it_and_another_user_keeps_theirs()
    {
        var chooser = await Host.CreateUserAsync("ts-zh", "technical-support", "Chen");
        var other = await Host.CreateUserAsync("eng-en", "repair-engineer", "Ed");
        await SignInAsync(Page, chooser);
        await Page.Locator("#lang").SelectOptionAsync("zh");
        await Expect(Page.Locator("header nav a").First).ToHaveTextAsync("充电桩总览");

        await Page.ReloadAsync();
        await Expect(Page.Locator("header nav a").First).ToHaveTextAsync("充电桩总览");

        // Signed out, the form stays in the last language used here; the other user, who never chose, gets the browser's.
        await Page.Locator("header button.link").ClickAsync();
        await Expect(Page.Locator("[data-testid='login-form'] h1")).ToHaveTextAsync("登录");
        await SignInAnyLanguageAsync(Page, other);
        await Expect(Page.Locator("header nav a").First).ToHaveTextAsync("Fleet");
        await Expect(Page.Locator("html")).ToHaveAttributeAsync("lang", "en-GB");

        await Page.Locator("header button.link").ClickAsync();
        await SignInAnyLanguageAsync(Page, chooser);
        await Expect(Page.Locator("header nav a").First).ToHaveTextAsync("充电桩总览");
    }

    [Fact]
    public async Task A_browser_set_to_Chinese_starts_in_Chinese_with_dates_in_its_form()
    {
        var context = await BrowserFixture.Browser.NewContextAsync(new() { BaseURL = Host.BaseUrl.ToString(), Locale = "zh-CN", TimezoneId = "Asia/Shanghai" });
        try
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync("/");
            await Expect(page.Locator("[data-testid='login-form'] h1")).ToHaveTextAsync("登录");
            await Expect(page.Locator("label[for='login-user']")).ToHaveTextAsync("用户");

            await SignInAnyLanguageAsync(page, await Host.CreateUserAsync("eng-zh", "repair-engineer", "Zhang"));
            await using (var charger = await MqttCharger.ConnectAsync(Host, "CP-WEB-ZH2"))
            {
                await charger.BootAsync();
            }

            // The fleet's "last seen" in the zh-CN form of Intl (yyyy/MM/dd HH:mm:ss), in the browser's time zone.
            var seen = page.GetByTestId("chargers").Locator("tr[data-charger='CP-WEB-ZH2'] time");
            await Expect(seen).ToHaveTextAsync(DateZh());
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    [GeneratedRegex(@"^\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}$")]
    private static partial Regex DateZh();
}
