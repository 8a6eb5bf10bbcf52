using Bunit;
using LearningNavigator.Conversations;
using LearningNavigator.Conversations.Sqlite;
using LearningNavigator.Knowledge;
using LearningNavigator.Tests.Integration;
using LearningNavigator.Tests.TestSupport;
using LearningNavigator.Web.Components.Pages.Chat;
using Microsoft.Extensions.DependencyInjection;

namespace LearningNavigator.Tests.Web.Chat;

/// <summary>
/// When the search or the store fails, the page says so and stays usable: an unhandled exception would end the
/// circuit and leave the answer spinning for good.
/// </summary>
public sealed class ChatFailureTests : DomainChatTestContext
{
    private readonly FailingRetriever retriever = new();
    private SwitchableStore storeSwitch = default!;

    public ChatFailureTests()
        : base("ln-bunit-failure", TimeSpan.Zero)
    {
        Services.AddSingleton<IKnowledgeRetriever>(retriever);
        Services.AddSingleton(sp =>
        {
            var (store, control) = SwitchableStore.Wrap(sp.GetRequiredService<SqliteConversationStore>());
            storeSwitch = control;
            return store;
        });
    }

    [Fact]
    public async Task A_failed_search_shows_the_failure_keeps_the_question_and_lets_the_person_ask_again()
    {
        var page = Render<ChatPage>();
        retriever.Failure = new InvalidOperationException("The index is unreadable.");

        await AskAsync(page, "How do I invoice for a course I taught?");

        page.WaitForAssertion(() => Assert.Contains("could not be completed", page.Find("[data-testid=chat-notice]").TextContent, StringComparison.Ordinal));
        Assert.NotNull(page.Find("[data-testid=answer-interrupted]"));
        Assert.Empty(page.FindAll("[data-testid=chat-stop]"));
        var store = Services.GetRequiredService<IConversationStore>();
        var conversation = Assert.Single(await store.ListConversationsAsync(UserId, 10, CancellationToken.None));
        var stored = await store.GetMessagesAsync(conversation.Id, CancellationToken.None);
        Assert.Equal([MessageAuthor.User, MessageAuthor.Assistant], stored.Select(m => m.Author));
        Assert.True(stored[^1].Interrupted);

        // Rating that answer while the store is down says so and leaves the page working.
        storeSwitch.Down = true;
        page.Find("[data-testid=feedback-up]").Click();
        page.WaitForAssertion(() => Assert.Contains("could not be saved", page.Find("[data-testid=feedback-status]").TextContent, StringComparison.Ordinal));
        Assert.Equal("false", page.Find("[data-testid=feedback-up]").GetAttribute("aria-pressed"));
        storeSwitch.Down = false;

        retriever.Failure = null;
        await AskAsync(page, "How do I invoice for a course I taught?");
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=message-assistant]")[^1].QuerySelectorAll("[data-testid=citation]")));
    }

    [Fact]
    public async Task A_question_the_store_cannot_take_is_not_shown_as_sent_and_the_page_keeps_working()
    {
        var page = Render<ChatPage>();
        storeSwitch.Down = true;

        page.Find("[data-testid=chat-input]").Input("How do I order participant manuals?");
        await page.Find("form[data-testid=chat-composer]").SubmitAsync();

        page.WaitForAssertion(() => Assert.Contains("could not be sent", page.Find("[data-testid=chat-notice]").TextContent, StringComparison.Ordinal));
        Assert.Empty(page.FindAll("[data-testid=message-user]"));
        Assert.Empty(page.FindAll("[data-testid=message-assistant]"));
        Assert.Empty(page.FindAll("[data-testid=chat-stop]"));
        // The question goes back into the box, so sending it again needs no retyping.
        Assert.Equal("How do I order participant manuals?", page.Find("[data-testid=chat-input]").GetAttribute("value"));

        storeSwitch.Down = false;
        await page.Find("form[data-testid=chat-composer]").SubmitAsync();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=message-user]")));
        page.WaitForAssertion(() => Assert.Contains("How do I order participant manuals?", page.Find("[data-testid=conversation-item]").TextContent, StringComparison.Ordinal));
    }
}
