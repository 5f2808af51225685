using System.Net;
using Charger.Cloud.Access;
using Charger.Cloud.Web.Tests.Infrastructure;

namespace Charger.Cloud.Web.Tests;

[Collection(BrowserCollection.Name)]
public sealed class SignInTests(BrowserFixture browser, CloudHost host) : UiTest(browser, host), IClassFixture<CloudHost>
{
    [Fact]
    public async Task The_first_run_admin_credential_signs_in_and_the_admin_sees_the_fleet_and_the_users_page()
    {
        var credential = AccessFiles.ReadCredential(Host.AdminCredentialFile);
        Assert.Equal("admin", credential.UserId);

        await SignInAsync(Page, credential);

        await Expect(Page.GetByTestId("signed-in-role")).ToHaveTextAsync("Administrator");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Fleet", Exact = true })).ToBeVisibleAsync();
        var nav = Page.GetByRole(AriaRole.Navigation, new() { Name = "Pages" });
        await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Users" })).ToBeVisibleAsync();
        // An admin runs no service operations: no KPIs, complaints or inquiries in their navigation.
        await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "KPIs" })).ToHaveCountAsync(0);
        await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Complaints" })).ToHaveCountAsync(0);

        // The users page is the one table: a page of users with the total, sortable on the server, exportable as CSV.
        await nav.GetByRole(AriaRole.Link, new() { Name = "Users" }).ClickAsync();
        var users = Page.GetByTestId("users-table");
        await Expect(users.Locator("tr[data-user='admin']")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("users-range")).ToContainTextAsync("1");
        await Expect(users.Locator("th[aria-sort='ascending']")).ToContainTextAsync("User");
        await users.Locator("th[aria-sort='ascending'] button").ClickAsync();
        await Expect(users.Locator("th[aria-sort='descending']")).ToContainTextAsync("User");
        await Expect(Page.GetByTestId("users-csv")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("format=csv"));
    }

    [Fact]
    public async Task A_wrong_password_is_shown_as_an_error_and_nobody_is_signed_in()
    {
        await Page.GotoAsync("/");
        await Page.GetByLabel("User").FillAsync("admin");
        await Page.GetByLabel("Password").FillAsync("not-the-password");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        var error = Page.GetByRole(AriaRole.Alert);
        await Expect(error).ToContainTextAsync("Sign-in refused");
        await Expect(error).ToContainTextAsync("Wrong user id or password");
        await Expect(Page.GetByTestId("signed-in-user")).ToHaveCountAsync(0);
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" })).ToBeVisibleAsync();
        var me = await Page.EvaluateAsync<int>("async () => (await fetch('/api/v1/auth/me')).status");
        Assert.Equal(401, me);
    }

    [Fact]
    public async Task Signing_out_returns_to_the_sign_in_form_and_ends_the_session()
    {
        var user = await Host.CreateUserAsync("auditor-signout", "auditor", "Ada Auditor");
        await SignInAsync(Page, user);
        await Expect(Page.GetByTestId("signed-in-role")).ToHaveTextAsync("Auditor");

        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Page.ReloadAsync();
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" })).ToBeVisibleAsync();
        Assert.Equal(401, await Page.EvaluateAsync<int>("async () => (await fetch('/api/v1/auth/me')).status"));
    }

    [Fact]
    public async Task An_auditor_reads_the_audit_log_where_the_admin_created_their_user_and_has_no_users_page()
    {
        var auditor = await Host.CreateUserAsync("auditor-log", "auditor", "Otto Auditor");
        await SignInAsync(Page, auditor);

        var nav = Page.GetByRole(AriaRole.Navigation, new() { Name = "Pages" });
        await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Users" })).ToHaveCountAsync(0);
        await nav.GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();

        var created = Page.GetByTestId("audit").Locator("tr", new() { HasText = "user.create" }).Filter(new() { HasText = "auditor-log" });
        await Expect(created).ToHaveCountAsync(1);
        await Expect(created).ToContainTextAsync("(admin, admin)");
    }

    [Fact]
    public async Task The_UI_is_served_with_a_strict_content_security_policy_and_without_sign_in()
    {
        using var http = new HttpClient { BaseAddress = Host.BaseUrl };
        foreach (var path in new[] { "/", "/js/main.js", "/app.css" })
        {
            using var response = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
            Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.Equal("nosniff", string.Join("", response.Headers.GetValues("X-Content-Type-Options")));
        }

        var html = await http.GetStringAsync("/");
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        // The data stays behind sign-in.
        using var chargers = await http.GetAsync("/api/v1/chargers");
        Assert.Equal(HttpStatusCode.Unauthorized, chargers.StatusCode);
    }
}
