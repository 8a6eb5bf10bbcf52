using Bunit;
using LearningNavigator.Conversations;
using LearningNavigator.Web.Components.Pages.Chat;
using Microsoft.Extensions.DependencyInjection;

namespace LearningNavigator.Tests.Web.Chat;

/// <summary>The chat page over the real domain: sample library, Lucene index, extractive answerer, SQLite.</summary>
public sealed class ChatPageTests() : DomainChatTestContext("ln-bunit", TimeSpan.Zero)
{
    [Fact]
    public void Empty_chat_greets_the_role_and_offers_suggested_questions()
    {
        var page = Render<ChatPage>();

        Assert.Contains("courses, scheduling, invoicing", page.Find("[data-testid=chat-welcome]").TextContent, StringComparison.Ordinal);
        Assert.InRange(page.FindAll("[data-testid=suggested-question]").Count, 3, 4);
    }

    [Fact]
    public async Task Asking_streams_an_answer_whose_citation_chip_opens_the_passage_panel()
    {
        var page = Render<ChatPage>();

        await AskAsync(page, "What are the steps of the ALGEE action plan?");
        page.FindAll("[data-testid=citation]")[0].Click();

        var panel = page.Find("[data-testid=citation-panel]");
        Assert.Contains("ALGEE", panel.TextContent, StringComparison.Ordinal);
        Assert.NotEmpty(page.Find("[data-testid=citation-quote]").TextContent);
        page.Find("[data-testid=citation-close]").Click();
        Assert.Empty(page.FindAll("[data-testid=citation-panel]"));
    }

    [Fact]
    public async Task A_passage_from_a_pdf_is_shown_with_its_document_page_and_heading()
    {
        var page = Render<ChatPage>();

        await AskAsync(page, "What is the maximum number of participants in a virtual course?");
        var chips = page.FindAll("[data-testid=citation]");
        var fromPdf = Enumerable.Range(0, chips.Count).FirstOrDefault(i =>
        {
            page.FindAll("[data-testid=citation]")[i].Click();
            return page.Find("[data-testid=citation-title]").TextContent == "Course Formats and Scheduling";
        }, -1);

        Assert.True(fromPdf >= 0, "No citation points at the course formats PDF.");
        // "p. 1 · Participant numbers": the PDF page and the heading the passage sits under.
        Assert.Matches(@"^p\. \d+ · \S", page.Find("[data-testid=citation-location]").TextContent);
    }

    [Fact]
    public async Task Feedback_buttons_save_the_rating_and_comment_in_the_store()
    {
        var page = Render<ChatPage>();
        await AskAsync(page, "How do I invoice for a course I taught?");
        var messageId = page.Find("[data-testid=message-assistant]").GetAttribute("data-message-id")!;
        var store = Services.GetRequiredService<IConversationStore>();

        page.Find("[data-testid=feedback-up]").Click();
        page.WaitForAssertion(() => Assert.Equal(FeedbackRating.Up, store.GetFeedbackAsync(messageId, UserId, CancellationToken.None).Result?.Rating));
        page.Find("[data-testid=feedback-down]").Click();
        page.Find("[data-testid=feedback-comment]").Input("It missed the deadline.");
        page.Find("[data-testid=feedback-submit]").Click();

        page.WaitForAssertion(() =>
        {
            var saved = store.GetFeedbackAsync(messageId, UserId, CancellationToken.None).Result;
            Assert.Equal(FeedbackRating.Down, saved?.Rating);
            Assert.Equal("It missed the deadline.", saved?.Comment);
        });
        Assert.Equal("true", page.Find("[data-testid=feedback-down]").GetAttribute("aria-pressed"));
    }

    [Fact]
    public async Task A_new_conversation_appears_in_the_sidebar_after_the_first_answer()
    {
        var page = Render<ChatPage>();

        await AskAsync(page, "How do I order participant manuals?");

        page.WaitForAssertion(() => Assert.Contains("How do I order participant manuals?", page.Find("[data-testid=conversation-item]").TextContent, StringComparison.Ordinal));
    }
}
