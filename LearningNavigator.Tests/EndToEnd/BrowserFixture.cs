using System.Net;
using LearningNavigator.Tests.Integration;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace LearningNavigator.Tests.EndToEnd;

/// <summary>
/// The real app on Kestrel (loopback, a free port) and Debian's Chromium driven by Playwright.
/// The offline answerer waits a little between words so streaming can be seen, as a person would.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? playwright;

    public BrowserFixture() => App = new(wordDelay: TimeSpan.FromMilliseconds(10)) { TestServices = Faults.Install };

    public NavigatorAppFactory App { get; }

    /// <summary>Off unless a test turns a fault on; tests of this collection run one at a time.</summary>
    public BrowserFaults Faults { get; } = new();

    public string BaseUrl { get; private set; } = string.Empty;

    public IBrowser Browser { get; private set; } = default!;

    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        App.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        App.StartServer();
        BaseUrl = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');

        Assertions.SetDefaultExpectTimeout(20_000);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("LN_CHROMIUM_PATH") ?? "/usr/bin/chromium",
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        });
        Directory.CreateDirectory(ScreenshotDirectory);
    }

    public async Task<IPage> NewSignedInPageAsync(string email, int width = 1280, int height = 860)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height }, Locale = "en-US" });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(BaseUrl + "/");
        await page.GetByTestId("login-email").FillAsync(email);
        await page.GetByTestId("login-password").FillAsync(NavigatorAppFactory.Password);
        await page.GetByTestId("login-submit").ClickAsync();
        // The composer marks itself once the interactive circuit is up; typing before that would be lost.
        await page.Locator("[data-testid=chat-composer][data-interactive=true]").WaitForAsync();
        return page;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
        App.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
