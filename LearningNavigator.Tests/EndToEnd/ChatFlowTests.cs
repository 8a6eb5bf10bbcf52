using System.Globalization;
using LearningNavigator.Conversations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace LearningNavigator.Tests.EndToEnd;

[Collection(BrowserCollection.Name)]
public sealed class ChatFlowTests(BrowserFixture browser)
{
    private const string AlgeeQuestion = "What are the steps of the ALGEE action plan?";
    private const string RefundQuestion = "How do I process a refund for a cancelled course?";

    [Fact]
    public async Task Instructor_asks_sees_a_streamed_cited_answer_rates_it_and_finds_it_again_after_reload()
    {
        var page = await browser.NewSignedInPageAsync("instructor@example.org");
        await Assertions.Expect(page.GetByTestId("chat-welcome")).ToContainTextAsync("courses, scheduling, invoicing");

        await page.GetByTestId("chat-input").FillAsync(AlgeeQuestion);
        await page.GetByTestId("chat-input").PressAsync("Enter");

        await Assertions.Expect(page.GetByTestId("message-user")).ToHaveTextAsync(AlgeeQuestion);
        var answer = page.GetByTestId("message-assistant").Last;
        // Seen mid-stream: the stop button is offered and the message says it is still being written.
        await Assertions.Expect(page.Locator("[data-testid=message-assistant][data-streaming=true]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("chat-stop")).ToBeVisibleAsync();
        await Assertions.Expect(answer).ToHaveAttributeAsync("data-streaming", "false");
        await Assertions.Expect(page.GetByTestId("chat-stop")).ToHaveCountAsync(0);
        // The server's own time to the first word, timed from the key press reaching the circuit: never less
        // than the search it includes.
        var serverFirstWord = double.Parse((await answer.GetAttributeAsync("data-request-first-token-ms"))!, CultureInfo.InvariantCulture);
        var search = double.Parse((await answer.GetAttributeAsync("data-retrieval-ms"))!, CultureInfo.InvariantCulture);
        Assert.InRange(serverFirstWord, search, 60_000);

        var chips = answer.GetByTestId("citation");
        Assert.True(await chips.CountAsync() >= 1, "The answer has no citation chip.");
        await chips.First.ClickAsync();
        var panel = page.GetByTestId("citation-panel");
        await Assertions.Expect(panel).ToBeVisibleAsync();
        await Assertions.Expect(panel).ToContainTextAsync("ALGEE");
        // Where the passage came from: the document's title (the heading or page is checked in ChatPageTests).
        await Assertions.Expect(panel.GetByTestId("citation-title")).ToHaveTextAsync("The ALGEE Action Plan");
        await Assertions.Expect(panel.GetByTestId("citation-quote")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "chat-citation-panel.png") });
        await page.GetByTestId("citation-close").ClickAsync();
        await Assertions.Expect(panel).ToHaveCountAsync(0);

        await answer.GetByTestId("feedback-down").ClickAsync();
        await answer.GetByTestId("feedback-comment").FillAsync("Please add the page number.");
        await answer.GetByTestId("feedback-submit").ClickAsync();
        await Assertions.Expect(answer.GetByTestId("feedback-status")).ToContainTextAsync("Comment saved");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "chat-answer.png") });

        var messageId = await StoredAnswerIdAsync(page);
        var store = browser.App.Services.GetRequiredService<IConversationStore>();
        var message = await store.GetMessageAsync(messageId, CancellationToken.None);
        var feedback = await store.GetFeedbackAsync(messageId, (await store.GetConversationAsync(message!.ConversationId, CancellationToken.None))!.UserId, CancellationToken.None);
        Assert.Equal(FeedbackRating.Down, feedback!.Rating);
        Assert.Equal("Please add the page number.", feedback.Comment);

        await page.GetByTestId("new-conversation").ClickAsync();
        await Assertions.Expect(page.GetByTestId("chat-welcome")).ToBeVisibleAsync();
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("conversation-item").Filter(new() { HasText = "ALGEE action plan" }).First).ToBeVisibleAsync();
        await page.GetByTestId("conversation-item").Filter(new() { HasText = "ALGEE action plan" }).First.ClickAsync();
        await Assertions.Expect(page.GetByTestId("message-assistant")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("message-assistant").GetByTestId("citation").First).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Staff_get_the_staff_only_procedure_cited_and_an_instructor_does_not()
    {
        var staff = await browser.NewSignedInPageAsync("staff@example.org");
        await AskAndWaitAsync(staff, RefundQuestion);
        await Assertions.Expect(staff.GetByTestId("message-assistant").Last.Locator("[data-testid=citation][data-document-id=staff-refund-procedure]").First).ToBeVisibleAsync();
        await staff.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "staff-refund.png") });
        await staff.Context.CloseAsync();

        var instructor = await browser.NewSignedInPageAsync("instructor@example.org");
        await AskAndWaitAsync(instructor, RefundQuestion);
        await Assertions.Expect(instructor.GetByTestId("message-assistant").Last.Locator("[data-testid=citation][data-document-id=staff-refund-procedure]")).ToHaveCountAsync(0);
        await Assertions.Expect(instructor.GetByTestId("message-assistant").Last).Not.ToContainTextAsync("Course Operations Desk");
        await instructor.Context.CloseAsync();
    }

    [Fact]
    public async Task Stop_at_once_ends_the_stream_and_keeps_the_question_and_the_interrupted_answer()
    {
        var page = await browser.NewSignedInPageAsync("instructor@example.org");
        const string Question = "What should I do for self-care after supporting someone in crisis?";
        await page.GetByTestId("chat-input").FillAsync(Question);
        await page.GetByTestId("chat-send").ClickAsync();

        // Straight after sending, possibly before any word: the partial text itself is covered by ChatStopTests.
        await page.GetByTestId("chat-stop").ClickAsync();

        var answer = page.GetByTestId("message-assistant").Last;
        await Assertions.Expect(answer).ToHaveAttributeAsync("data-streaming", "false");
        await Assertions.Expect(answer.GetByTestId("answer-interrupted")).ToBeVisibleAsync();
        var store = browser.App.Services.GetRequiredService<IConversationStore>();
        var stored = await store.GetMessageAsync(await StoredAnswerIdAsync(page), CancellationToken.None);
        Assert.NotNull(stored);
        Assert.True(stored.Interrupted);
        var conversation = await store.GetMessagesAsync(stored.ConversationId, CancellationToken.None);
        Assert.Contains(conversation, m => m.Author == MessageAuthor.User && m.Text == Question);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Shift_enter_breaks_the_line_and_too_long_a_question_gets_a_clear_message_and_cannot_be_sent()
    {
        var page = await browser.NewSignedInPageAsync("staff@example.org");

        // Shift+Enter breaks the line instead of sending.
        var input = page.GetByTestId("chat-input");
        await input.PressSequentiallyAsync("First line");
        await input.PressAsync("Shift+Enter");
        await input.PressSequentiallyAsync("second line");
        await Assertions.Expect(input).ToHaveValueAsync("First line\nsecond line");
        await Assertions.Expect(page.GetByTestId("message-user")).ToHaveCountAsync(0);

        await input.FillAsync(new string('a', 2001));

        await Assertions.Expect(page.GetByTestId("chat-input-error")).ToContainTextAsync("limit is 2,000");
        await Assertions.Expect(page.GetByTestId("chat-send")).ToBeDisabledAsync();
        await Assertions.Expect(page.GetByTestId("message-user")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    private static async Task AskAndWaitAsync(IPage page, string question)
    {
        await page.GetByTestId("chat-input").FillAsync(question);
        await page.GetByTestId("chat-send").ClickAsync();
        await Assertions.Expect(page.GetByTestId("message-assistant").Last).ToHaveAttributeAsync("data-streaming", "false");
    }

    private static async Task<string> StoredAnswerIdAsync(IPage page) =>
        await page.GetByTestId("message-assistant").Last.GetAttributeAsync("data-message-id")
        ?? throw new InvalidOperationException("The answer carries no message id.");
}
