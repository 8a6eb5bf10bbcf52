using LearningNavigator.Escalations;
using LearningNavigator.Web.Auth;
using Microsoft.Playwright;

using static LearningNavigator.Tests.EndToEnd.BrowserSteps;

namespace LearningNavigator.Tests.EndToEnd;

/// <summary>From "Ask a person" in the chat to the admin's answer shown to the instructor, in real Chromium.</summary>
[Collection(BrowserCollection.Name)]
public sealed class EscalationFlowTests(BrowserFixture browser)
{
    [Fact]
    public async Task An_instructor_asks_a_person_the_admin_resolves_and_the_open_chat_shows_the_answer()
    {
        var instructorEmail = await browser.CreateAccountAsync(AppRoles.Instructor);
        var adminEmail = await browser.CreateAccountAsync(AppRoles.Admin);
        var tag = Guid.NewGuid().ToString("N")[..6];
        var question = $"How do I order participant manuals for group {tag}?";

        var instructor = await NewPageAsync("en-US");
        await SignInAsync(instructor, instructorEmail);
        await AskAsync(instructor, question);
        var answer = instructor.GetByTestId("message-assistant").Last;
        await answer.GetByTestId("ask-person-open").ClickAsync();
        await Assertions.Expect(answer.GetByTestId("ask-person-email")).ToHaveValueAsync(instructorEmail);
        await answer.GetByTestId("ask-person-note").FillAsync("A client needs 40 copies by Friday.");
        await instructor.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("escalation-ask-en.png") });
        await answer.GetByTestId("ask-person-send").ClickAsync();
        await Assertions.Expect(answer.GetByTestId("escalation-status")).ToHaveTextAsync("Sent to a person: New");

        var admin = await NewPageAsync("en-US");
        await SignInAsync(admin, adminEmail);
        await admin.GetByTestId("nav-escalations").ClickAsync();
        await admin.Locator("[data-testid=escalations-page][data-interactive=true]").WaitForAsync();
        await admin.GetByTestId("escalation-status-filter").SelectOptionAsync(nameof(EscalationStatus.New));
        await admin.GetByTestId("escalation-row").Filter(new() { HasText = tag }).GetByRole(AriaRole.Button).ClickAsync();
        var detail = admin.GetByTestId("escalation-detail");
        await Assertions.Expect(detail.Locator("h2")).ToHaveTextAsync(question);
        await Assertions.Expect(detail.GetByTestId("escalation-note")).ToHaveTextAsync("A client needs 40 copies by Friday.");
        await detail.GetByTestId("escalation-start").ClickAsync();
        await Assertions.Expect(detail.GetByTestId("escalation-detail-status")).ToHaveTextAsync("In progress");
        await Assertions.Expect(answer.GetByTestId("escalation-status")).ToHaveTextAsync("Sent to a person: In progress");

        await detail.GetByTestId("escalation-resolution-input").FillAsync("Order the 40 manuals from the materials portal; rush delivery takes two working days.");
        await detail.GetByTestId("escalation-resolve").ClickAsync();
        await Assertions.Expect(detail).ToHaveAttributeAsync("data-status", "Resolved");
        await admin.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("escalation-admin-resolved-en.png"), FullPage = true });

        // The instructor's chat was open all along: the answer arrives without a reload.
        await Assertions.Expect(answer.GetByTestId("escalation-resolution")).ToContainTextAsync("rush delivery takes two working days");
        await instructor.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("escalation-resolved-en.png") });

        // And it is still there on the next visit.
        await instructor.ReloadAsync();
        await Assertions.Expect(instructor.GetByTestId("message-assistant").Last.GetByTestId("escalation-resolution")).ToContainTextAsync("rush delivery");
        await instructor.Context.CloseAsync();
        await admin.Context.CloseAsync();
    }

    [Theory]
    [InlineData("en")]
    [InlineData("es")]
    public async Task Axe_finds_no_serious_or_critical_violation_on_the_escalation_queue_and_the_ask_form(string language)
    {
        var locale = language == "es" ? "es-ES" : "en-US";
        var instructor = await NewPageAsync(locale);
        await SignInAsync(instructor, await browser.CreateAccountAsync(AppRoles.Instructor));
        await AskAsync(instructor, language == "es" ? "¿Cómo facturo un curso que impartí?" : "How do I invoice for a course I taught?");
        await instructor.GetByTestId("message-assistant").Last.GetByTestId("ask-person-open").ClickAsync();
        await AssertAccessibleAsync(instructor, $"ask-a-person form ({language})");
        await instructor.GetByTestId("ask-person-send").ClickAsync();
        await instructor.GetByTestId("escalation-status").WaitForAsync();

        var admin = await NewPageAsync(locale);
        await SignInAsync(admin, await browser.CreateAccountAsync(AppRoles.Admin));
        await admin.GotoAsync(browser.BaseUrl + "/admin/escalations");
        await admin.Locator("[data-testid=escalations-page][data-interactive=true]").WaitForAsync();
        await Assertions.Expect(admin.Locator("h1")).ToHaveTextAsync(language == "es" ? "Escalaciones" : "Escalations");
        await admin.GetByTestId("escalation-detail").WaitForAsync();
        await AssertAccessibleAsync(admin, $"escalations ({language})");
        await admin.ScreenshotAsync(new PageScreenshotOptions { Path = Shot($"escalations-{language}.png"), FullPage = true });
        await instructor.Context.CloseAsync();
        await admin.Context.CloseAsync();
    }

    private async Task<IPage> NewPageAsync(string locale)
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 }, Locale = locale });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(browser.BaseUrl + "/");
        return page;
    }

    private static string Shot(string name) => Path.Combine(BrowserFixture.ScreenshotDirectory, name);
}
