using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using Deque.AxeCore.Playwright;
using LearningNavigator.Tests.Integration;
using LearningNavigator.Web.Auth;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace LearningNavigator.Tests.EndToEnd;

/// <summary>The API keys page in a real browser, in both languages: accessible, and the key it shows works.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ApiKeysFlowTests(BrowserFixture browser)
{
    private static readonly string[] BlockingImpacts = ["serious", "critical"];

    [Theory]
    [InlineData("en", "Create key")]
    [InlineData("es", "Crear clave")]
    public async Task A_person_creates_a_key_that_opens_the_api_and_revokes_it_and_axe_finds_no_serious_violation(string language, string createLabel)
    {
        var email = await CreateAccountAsync();
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 860 },
            Locale = language == "es" ? "es-ES" : "en-US",
        });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(browser.BaseUrl + "/");
        await page.GetByTestId("login-email").FillAsync(email);
        await page.GetByTestId("login-password").FillAsync(NavigatorAppFactory.Password);
        await page.GetByTestId("login-submit").ClickAsync();
        await page.Locator("[data-testid=chat-composer][data-interactive=true]").WaitForAsync();

        await page.GotoAsync(browser.BaseUrl + "/account/api-keys");
        await page.Locator("[data-testid=api-key-form][data-interactive=true]").WaitForAsync();
        await Assertions.Expect(page.GetByTestId("api-key-create")).ToHaveTextAsync(createLabel);
        await AssertAccessibleAsync(page, $"API keys, empty ({language})");

        await page.GetByTestId("api-key-name").FillAsync("LMS");
        await page.GetByTestId("api-key-create").ClickAsync();
        var secret = await page.GetByTestId("api-key-secret").InputValueAsync();
        await Assertions.Expect(page.GetByTestId("api-key-row")).ToHaveCountAsync(1);
        await AssertAccessibleAsync(page, $"API keys, key shown ({language})");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, $"api-keys-{language}.png") });

        using var api = new HttpClient { BaseAddress = new Uri(browser.BaseUrl) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/conversations")).StatusCode);

        await page.GetByTestId("api-key-revoke").ClickAsync();
        await Assertions.Expect(page.GetByTestId("api-keys-empty")).ToBeVisibleAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/api/v1/conversations")).StatusCode);
        await context.CloseAsync();
    }

    private static async Task AssertAccessibleAsync(IPage page, string what)
    {
        var result = await page.RunAxe();
        var blocking = result.Violations
            .Where(v => BlockingImpacts.Contains(v.Impact))
            .Select(v => $"{v.Impact} {v.Id}: {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}")
            .ToList();
        Assert.True(blocking.Count == 0, $"axe on {what}:\n{string.Join('\n', blocking)}");
    }

    private async Task<string> CreateAccountAsync()
    {
        var email = $"keys-{Guid.NewGuid():N}@example.org";
        await using var scope = browser.App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = "Kim" };
        Assert.True((await users.CreateAsync(user, NavigatorAppFactory.Password)).Succeeded);
        Assert.True((await users.AddClaimAsync(user, new Claim(ClaimTypes.Role, AppRoles.Instructor))).Succeeded);
        return email;
    }
}
