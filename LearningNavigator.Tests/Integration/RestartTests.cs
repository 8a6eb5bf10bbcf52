using LearningNavigator.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace LearningNavigator.Tests.Integration;

public sealed class RestartTests
{
    [Fact]
    public async Task A_second_start_skips_unchanged_documents_and_keeps_conversations()
    {
        using var data = new TempDirectory("ln-restart");
        int documents;
        string conversationId = Guid.NewGuid().ToString("N");
        using (var first = new NavigatorAppFactory(data.Path))
        {
            using var client = await SignIn.AsAsync(first, "instructor@example.org");
            var report = first.Services.GetRequiredService<LibraryStartup>().LastReport!;
            documents = report.Indexed.Count;
            Assert.True(documents >= 12, $"Only {documents} sample documents were indexed.");
            Assert.Empty(report.Failed);
            await foreach (var _ in first.Services.GetRequiredService<Chat.AnswerPipeline>().AskAsync(
                new Chat.AskRequest { UserId = "someone", Role = AppRoles.Instructor, ConversationId = conversationId, Text = "How do I order participant manuals?" },
                CancellationToken.None))
            {
            }
        }

        using var second = new NavigatorAppFactory(data.Path);
        using var again = await SignIn.AsAsync(second, "instructor@example.org");
        var secondReport = second.Services.GetRequiredService<LibraryStartup>().LastReport!;

        Assert.Empty(secondReport.Indexed);
        Assert.Equal(documents, secondReport.Skipped.Count);
        var store = second.Services.GetRequiredService<Conversations.IConversationStore>();
        Assert.Equal(2, (await store.GetMessagesAsync(conversationId, CancellationToken.None)).Count);
    }
}
