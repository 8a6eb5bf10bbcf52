using LearningNavigator.Web.Auth;
using Microsoft.Playwright;

namespace LearningNavigator.Tests.EndToEnd;

[Collection(BrowserCollection.Name)]
public sealed class AnalyticsDashboardTests(BrowserFixture browser)
{
    [Theory]
    [InlineData("en")]
    [InlineData("es")]
    public async Task An_admin_sees_the_dashboard_accessible_exports_a_table_as_it_shows_and_opens_a_transcript(string language)
    {
        var email = await browser.CreateAccountAsync(AppRoles.Admin);
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            Locale = language == "es" ? "es-ES" : "en-US",
        });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(browser.BaseUrl + "/");
        await BrowserSteps.SignInAsync(page, email);
        var question = language == "es" ? "¿Cuáles son los pasos del plan de acción ALGEE?" : "What are the steps of the ALGEE action plan?";
        await BrowserSteps.AskAsync(page, question);

        await page.GotoAsync(browser.BaseUrl + "/admin/analytics?range=today");
        await page.Locator("[data-testid=analytics-page][data-interactive=true]").WaitForAsync();
        await Assertions.Expect(page.GetByTestId("table-questions")).ToContainTextAsync(question);
        await BrowserSteps.AssertAccessibleAsync(page, $"analytics ({language})");
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
        await BrowserSteps.AssertAccessibleAsync(page, $"transcript ({language})");
        await context.CloseAsync();
    }
}
