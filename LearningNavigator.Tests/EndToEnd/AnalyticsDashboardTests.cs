using System.Security.Claims;
using Deque.AxeCore.Playwright;
using LearningNavigator.Tests.Integration;
using LearningNavigator.Web.Auth;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace LearningNavigator.Tests.EndToEnd;

[Collection(BrowserCollection.Name)]
public sealed class AnalyticsDashboardTests(BrowserFixture browser)
{
    private static readonly string[] BlockingImpacts = ["serious", "critical"];

    [Theory]
    [InlineData("en")]
    [InlineData("es")]
    public async Task An_admin_sees_the_dashboard_accessible_exports_a_table_as_it_shows_and_opens_a_transcript(string language)
    {
        var email = await CreateAdminAsync();
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            Locale = language == "es" ? "es-ES" : "en-US",
        });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(browser.BaseUrl + "/");
        await page.GetByTestId("login-email").FillAsync(email);
        await page.GetByTestId("login-password").FillAsync(NavigatorAppFactory.Password);
        await page.GetByTestId("login-submit").ClickAsync();
        await page.Locator("[data-testid=chat-composer][data-interactive=true]").WaitForAsync();
        var question = language == "es" ? "¿Cuáles son los pasos del plan de acción ALGEE?" : "What are the steps of the ALGEE action plan?";
        await page.GetByTestId("chat-input").FillAsync(question);
        await page.GetByTestId("chat-send").ClickAsync();
        await Assertions.Expect(page.GetByTestId("message-assistant").Last).ToHaveAttributeAsync("data-streaming", "false");

        await page.GotoAsync(browser.BaseUrl + "/admin/analytics?range=today");
        await page.Locator("[data-testid=analytics-page][data-interactive=true]").WaitForAsync();
        await Assertions.Expect(page.GetByTestId("table-questions")).ToContainTextAsync(question);
        var result = await page.RunAxe();
        var blocking = result.Violations.Where(v => BlockingImpacts.Contains(v.Impact))
            .Select(v => $"{v.Impact} {v.Id}: {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}").ToList();
        Assert.True(blocking.Count == 0, $"axe on analytics ({language}):\n{string.Join('\n', blocking)}");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, $"analytics-{language}-desktop.png"), FullPage = true });

        // The CSV carries the rows the table shows, in the same order.
        var shown = await page.GetByTestId("table-questions").Locator("tbody tr td:first-child").AllInnerTextsAsync();
        var href = await page.GetByTestId("csv-questions").GetAttributeAsync("href");
        var csv = await (await page.APIRequest.GetAsync(browser.BaseUrl + "/" + href)).TextAsync();
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Question,Times,Wordings,LastAskedUtc,ConversationId", lines[0]);
        Assert.Equal(shown, lines.Skip(1).Select(l => l.Split(',')[0].Trim('"')));

        // Other tests ask too, so the row is found by its wording rather than its place.
        await page.GetByTestId("table-questions").Locator("tbody tr", new() { HasText = question }).Locator("a").First.ClickAsync();
        await Assertions.Expect(page.GetByTestId("transcript-message").First).ToContainTextAsync(question);
        var transcript = await page.RunAxe();
        Assert.DoesNotContain(transcript.Violations, v => BlockingImpacts.Contains(v.Impact));
        await context.CloseAsync();
    }

    private async Task<string> CreateAdminAsync()
    {
        var email = $"admin-{Guid.NewGuid():N}@example.org";
        await using var scope = browser.App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = "Ada" };
        Assert.True((await users.CreateAsync(user, NavigatorAppFactory.Password)).Succeeded);
        Assert.True((await users.AddClaimAsync(user, new Claim(ClaimTypes.Role, AppRoles.Admin))).Succeeded);
        return email;
    }
}
