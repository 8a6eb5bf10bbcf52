using Bunit;
using LearningNavigator.Conversations;
using LearningNavigator.Web.Components.Pages.Chat;
using Microsoft.Extensions.DependencyInjection;

namespace LearningNavigator.Tests.Web.Chat;

/// <summary>Stop, with the offline answerer slowed down enough to be caught mid-answer.</summary>
public sealed class ChatStopTests() : DomainChatTestContext("ln-bunit-stop", TimeSpan.FromMilliseconds(50))
{
    [Fact]
    public async Task Stop_ends_the_stream_keeps_the_partial_answer_and_offers_regenerate()
    {
        var page = Render<ChatPage>();
        page.Find("[data-testid=chat-input]").Input("What are the steps of the ALGEE action plan?");
        var sending = page.Find("form[data-testid=chat-composer]").SubmitAsync();

        page.WaitForAssertion(() => Assert.NotEmpty(page.Find("[data-testid=message-assistant][data-streaming=true]").TextContent.Trim()), TimeSpan.FromSeconds(20));
        page.Find("[data-testid=chat-stop]").Click();
        await sending;

        page.WaitForAssertion(() => Assert.Equal("false", page.Find("[data-testid=message-assistant]").GetAttribute("data-streaming")), TimeSpan.FromSeconds(20));
        Assert.NotNull(page.Find("[data-testid=answer-interrupted]"));
        Assert.NotNull(page.Find("[data-testid=regenerate]"));
        Assert.Empty(page.FindAll("[data-testid=chat-stop]"));
        var store = Services.GetRequiredService<IConversationStore>();
        var conversation = Assert.Single(await store.ListConversationsAsync(UserId, 10, CancellationToken.None));
        var answer = (await store.GetMessagesAsync(conversation.Id, CancellationToken.None))[^1];
        Assert.True(answer.Interrupted);
        Assert.False(string.IsNullOrWhiteSpace(answer.Text));
        Assert.DoesNotContain("Encourage self-help", answer.Text, StringComparison.Ordinal);
    }
}
