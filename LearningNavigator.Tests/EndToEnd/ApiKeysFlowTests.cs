using System.Net;
using System.Net.Http.Headers;
using LearningNavigator.Web.Auth;
using Microsoft.Playwright;

namespace LearningNavigator.Tests.EndToEnd;

/// <summary>The API keys page in a real browser, in both languages: accessible, and the key it shows works.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ApiKeysFlowTests(BrowserFixture browser)
{
    [Theory]
    [InlineData("en", "Create key")]
    [InlineData("es", "Crear clave")]
    public async Task A_person_creates_a_key_that_opens_the_api_and_revokes_it_and_axe_finds_no_serious_violation(string language, string createLabel)
    {
        var email = await browser.CreateAccountAsync(AppRoles.Instructor);
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 860 },
            Locale = language == "es" ? "es-ES" : "en-US",
        });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(browser.BaseUrl + "/");
        await BrowserSteps.SignInAsync(page, email);

        await page.GotoAsync(browser.BaseUrl + "/account/api-keys");
        await page.Locator("[data-testid=api-key-form][data-interactive=true]").WaitForAsync();
        await Assertions.Expect(page.GetByTestId("api-key-create")).ToHaveTextAsync(createLabel);
        await BrowserSteps.AssertAccessibleAsync(page, $"API keys, empty ({language})");

        await page.GetByTestId("api-key-name").FillAsync("LMS");
        await page.GetByTestId("api-key-create").ClickAsync();
        var secret = await page.GetByTestId("api-key-secret").InputValueAsync();
        await Assertions.Expect(page.GetByTestId("api-key-row")).ToHaveCountAsync(1);
        await BrowserSteps.AssertAccessibleAsync(page, $"API keys, key shown ({language})");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, $"api-keys-{language}.png") });

        using var api = new HttpClient { BaseAddress = new Uri(browser.BaseUrl) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/conversations")).StatusCode);

        await page.GetByTestId("api-key-revoke").ClickAsync();
        await Assertions.Expect(page.GetByTestId("api-keys-empty")).ToBeVisibleAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/api/v1/conversations")).StatusCode);
        await context.CloseAsync();
    }
}
