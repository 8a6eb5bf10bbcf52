using System.Net;
using System.Text.RegularExpressions;
using LearningNavigator.Tests.Integration;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OtpNet;

namespace LearningNavigator.Tests.EndToEnd;

/// <summary>
/// A local admin, with admin MFA on as the app ships, enrols an authenticator in Chromium and signs in again with
/// a code computed by Otp.NET from the key the page showed. The pages are checked with axe in English and Spanish.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AdminMfaFlowTests(BrowserFixture browser) : IAsyncLifetime, IDisposable
{
    private readonly NavigatorAppFactory app = new();
    private string baseUrl = string.Empty;

    public Task InitializeAsync()
    {
        app.ExtraSettings["Auth:RequireAdminMfa"] = "true";
        app.ExtraSettings["Retrieval:Local:Mode"] = "Bm25";
        app.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        app.StartServer();
        baseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => app.Dispose();

    [Fact]
    public async Task Admin_enrols_an_authenticator_then_signs_in_with_its_code()
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 }, Locale = "en-US" });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(baseUrl + "/admin/documents");
        await BrowserSteps.SubmitSignInAsync(page, "admin@example.org");

        // The password was right, but the admin page waits for an authenticator.
        await Assertions.Expect(page.GetByTestId("mfa-page")).ToHaveAttributeAsync("data-state", "Enrol");
        Assert.EndsWith("/account/mfa?returnUrl=%2Fadmin%2Fdocuments", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByTestId("mfa-qr")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "mfa-enrol.png"), FullPage = true });
        await BrowserSteps.AssertAccessibleAsync(page, "enrolment (en)");
        var secret = Regex.Match(await page.GetByTestId("mfa-uri").TextContentAsync() ?? string.Empty, "secret=([A-Z2-7]+)").Groups[1].Value;
        Assert.NotEmpty(secret);
        var totp = new Totp(Base32Encoding.ToBytes(secret));

        await page.GetByTestId("mfa-code").FillAsync(totp.ComputeTotp());
        await page.GetByTestId("mfa-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("mfa-recovery-codes").Locator("li")).ToHaveCountAsync(10);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "mfa-recovery-codes.png"), FullPage = true });
        await page.GetByTestId("mfa-continue").ClickAsync();
        await page.Locator("[data-testid=documents-page][data-interactive=true]").WaitForAsync();

        // Signed out and back in: the password, then the code step, in Spanish this time.
        await page.GetByTestId("sign-out").ClickAsync();
        await page.GetByTestId("culture-es").ClickAsync();
        await page.GotoAsync(baseUrl + "/admin/documents");
        await BrowserSteps.SubmitSignInAsync(page, "admin@example.org");
        await Assertions.Expect(page.GetByTestId("login-code-page")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Introduzca el código de su aplicación de autenticación");
        await BrowserSteps.AssertAccessibleAsync(page, "code step (es)");
        await page.GetByTestId("mfa-code").FillAsync("000000" == totp.ComputeTotp() ? "111111" : "000000");
        await page.GetByTestId("mfa-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("mfa-error")).ToBeVisibleAsync();
        await page.GetByTestId("mfa-code").FillAsync(totp.ComputeTotp());
        await page.GetByTestId("mfa-submit").ClickAsync();
        await page.Locator("[data-testid=documents-page][data-interactive=true]").WaitForAsync();
        Assert.EndsWith("/admin/documents", page.Url, StringComparison.Ordinal);
        await context.CloseAsync();
    }
}
