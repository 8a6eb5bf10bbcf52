using LearningNavigator.Conversations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace LearningNavigator.Tests.EndToEnd;

/// <summary>What a person sees in the browser when the search or the store fails under them.</summary>
[Collection(BrowserCollection.Name)]
public sealed class FailureNoticeFlowTests(BrowserFixture browser)
{
    private const string InvoiceQuestion = "How do I submit an invoice for a course I taught?";

    [Fact]
    public async Task A_failed_search_and_a_rating_that_cannot_be_saved_are_said_plainly_and_the_chat_goes_on()
    {
        var page = await browser.NewSignedInPageAsync("instructor@example.org");
        try
        {
            browser.Faults.SearchDown = true;
            await AskAsync(page, InvoiceQuestion);

            await Assertions.Expect(page.GetByTestId("chat-notice")).ToContainTextAsync("could not be completed");
            var answer = page.GetByTestId("message-assistant").Last;
            await Assertions.Expect(answer).ToHaveAttributeAsync("data-streaming", "false");
            await Assertions.Expect(answer.GetByTestId("answer-interrupted")).ToBeVisibleAsync();
            // Cut short by a failure, not "no document answers this".
            await Assertions.Expect(answer.GetByTestId("low-confidence")).ToHaveCountAsync(0);
            await Assertions.Expect(page.GetByTestId("message-user").Last).ToContainTextAsync(InvoiceQuestion);
            await Assertions.Expect(page.GetByTestId("chat-stop")).ToHaveCountAsync(0);
            browser.Faults.SearchDown = false;

            browser.Faults.StoreDown = true;
            await answer.GetByTestId("feedback-up").ClickAsync();
            await Assertions.Expect(answer.GetByTestId("feedback-status")).ToContainTextAsync("could not be saved");
            await Assertions.Expect(answer.GetByTestId("feedback-up")).ToHaveAttributeAsync("aria-pressed", "false");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "chat-failure-notices.png"), FullPage = true });
            browser.Faults.StoreDown = false;

            // Both back: the same question gets a cited answer in the same conversation.
            await AskAsync(page, InvoiceQuestion);
            var again = page.GetByTestId("message-assistant").Last;
            await Assertions.Expect(again).ToHaveAttributeAsync("data-streaming", "false");
            await Assertions.Expect(again.GetByTestId("citation").First).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId("message-user")).ToHaveCountAsync(2);
        }
        finally
        {
            browser.Faults.SearchDown = false;
            browser.Faults.StoreDown = false;
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task A_question_the_store_cannot_take_is_not_shown_as_sent()
    {
        var page = await browser.NewSignedInPageAsync("staff@example.org");
        // The switch is made when the app first resolves its store; resolving it here makes sure it exists.
        _ = browser.App.Services.GetRequiredService<IConversationStore>();
        try
        {
            browser.Faults.StoreDown = true;
            await AskAsync(page, "How do I order participant manuals?");

            await Assertions.Expect(page.GetByTestId("chat-notice")).ToContainTextAsync("could not be sent");
            await Assertions.Expect(page.GetByTestId("message-user")).ToHaveCountAsync(0);
            await Assertions.Expect(page.GetByTestId("message-assistant")).ToHaveCountAsync(0);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "chat-not-sent.png"), FullPage = true });
            await Assertions.Expect(page.GetByTestId("chat-input")).ToHaveValueAsync("How do I order participant manuals?");
            browser.Faults.StoreDown = false;

            // The question is back in the box: sending it again is one click.
            await page.GetByTestId("chat-send").ClickAsync();
            await Assertions.Expect(page.GetByTestId("message-assistant").Last).ToHaveAttributeAsync("data-streaming", "false");
            await Assertions.Expect(page.GetByTestId("message-user")).ToHaveCountAsync(1);
        }
        finally
        {
            browser.Faults.StoreDown = false;
            await page.Context.CloseAsync();
        }
    }

    private static async Task AskAsync(IPage page, string question)
    {
        await page.GetByTestId("chat-input").FillAsync(question);
        await page.GetByTestId("chat-send").ClickAsync();
    }
}
