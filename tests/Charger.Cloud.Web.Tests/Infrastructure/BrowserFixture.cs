namespace Charger.Cloud.Web.Tests.Infrastructure;

/// <summary>
/// One headless Chromium for the whole run: Debian's <c>/usr/bin/chromium</c> (./test.sh installs it), driven by
/// Playwright; Playwright's own browser download is never used. Each test gets a fresh context (no shared cookies).
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: install Debian's chromium (./test.sh does: apt-get install chromium)");
        // Auto-waiting assertions: generous for a loaded 2-core machine; they return as soon as the page shows it.
        SetDefaultExpectTimeout(20_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumPath, Headless = true, Args = ["--no-sandbox"] });
    }

    public async Task DisposeAsync()
    {
        await Browser.CloseAsync();
        _playwright?.Dispose();
    }
}

/// <summary>Every browser test shares the one browser and runs one after the other (2-core machines).</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}

/// <summary>
/// A browser test against a <see cref="CloudHost"/>: a fresh browser context and page per test; every console error,
/// uncaught script error or Content-Security-Policy violation of the page fails the test.
/// </summary>
public abstract class UiTest : IAsyncLifetime
{
    private readonly List<string> _scriptErrors = [];
    private readonly List<IPage> _pages = [];
    private readonly List<IBrowserContext> _contexts = [];
    private IBrowserContext? _context;

    protected UiTest(BrowserFixture browser, CloudHost host)
    {
        BrowserFixture = browser;
        Host = host;
    }

    protected BrowserFixture BrowserFixture { get; }

    protected CloudHost Host { get; }

    protected IPage Page { get; private set; } = null!;

    /// <summary>Errors the page reported so far (console errors, uncaught exceptions, CSP violations).</summary>
    protected IReadOnlyList<string> ScriptErrors => _scriptErrors;

    /// <summary>
    /// Console errors that are not script errors, by substring: the browser logs every HTTP error answer (the 401 of
    /// /auth/me before sign-in, a refused sign-in, a 403) as "Failed to load resource"; the UI handles those itself.
    /// </summary>
    protected List<string> ExpectedConsoleErrors { get; } = ["Failed to load resource: the server responded with a status of"];

    public virtual async Task InitializeAsync()
    {
        _context = await BrowserFixture.Browser.NewContextAsync(new() { BaseURL = Host.BaseUrl.ToString(), Locale = "en-GB", TimezoneId = "UTC" });
        Page = await NewPageAsync(_context);
    }

    /// <summary>A page in a context of its own (another user signed in beside the first).</summary>
    protected async Task<IPage> NewUserPageAsync()
    {
        var context = await BrowserFixture.Browser.NewContextAsync(new() { BaseURL = Host.BaseUrl.ToString(), Locale = "en-GB", TimezoneId = "UTC" });
        return await NewPageAsync(context);
    }

    private async Task<IPage> NewPageAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        _pages.Add(page);
        if (context != _context)
        {
            _contexts.Add(context);
        }

        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !ExpectedConsoleErrors.Any(e => message.Text.Contains(e, StringComparison.Ordinal)))
            {
                lock (_scriptErrors)
                {
                    _scriptErrors.Add("console: " + message.Text);
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (_scriptErrors)
            {
                _scriptErrors.Add("page error: " + error);
            }
        };
        return page;
    }

    public virtual async Task DisposeAsync()
    {
        // WEB_TESTS_SCREENSHOTS=DIR keeps a full-page screenshot of every page of every test (to look at the UI).
        if (Environment.GetEnvironmentVariable("WEB_TESTS_SCREENSHOTS") is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
            var n = 0;
            foreach (var page in _pages)
            {
                await page.ScreenshotAsync(new() { Path = Path.Combine(directory, $"{GetType().Name}-{Guid.NewGuid():N}-{n++}.png"), FullPage = true });
            }
        }

        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }

        if (_context is not null)
        {
            await _context.CloseAsync();
        }

        Assert.True(_scriptErrors.Count == 0, "the page reported errors:\n" + string.Join("\n", _scriptErrors));
    }

    /// <summary>Opens the UI and signs in through the form; returns when the shell shows the user.</summary>
    protected static async Task SignInAsync(IPage page, (string UserId, string Password) credential)
    {
        await page.GotoAsync("/");
        await page.GetByLabel("User").FillAsync(credential.UserId);
        await page.GetByLabel("Password").FillAsync(credential.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByTestId("signed-in-user")).ToContainTextAsync(credential.UserId);
    }
}
