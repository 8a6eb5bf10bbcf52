using System.Globalization;
using Bunit;
using LearningNavigator.Chat;
using LearningNavigator.Conversations;
using LearningNavigator.Web.Components.Pages.Chat;

namespace LearningNavigator.Tests.Web.Chat;

public sealed class MessageListTests : ComponentTestContext
{
    [Fact]
    public void Streaming_tokens_re_render_only_the_message_being_written()
    {
        var question = Finished("q1", MessageAuthor.User, "What is ALGEE?");
        var earlier = Finished("a1", MessageAuthor.Assistant, "ALGEE is a five-step plan [1].");
        var streaming = ChatMessageModel.Streaming("a2");
        var list = Render<MessageList>(p => p.Add(x => x.Messages, new List<ChatMessageModel> { question, earlier, streaming }));
        var views = list.FindComponents<ChatMessageView>();
        var rendersBefore = views.Select(v => v.RenderCount).ToArray();

        for (var i = 0; i < 50; i++)
        {
            streaming.Append($"word{i} ");
        }

        list.WaitForAssertion(() => Assert.Contains("word49", views[2].Markup, StringComparison.Ordinal));
        Assert.Equal(rendersBefore[0], views[0].RenderCount);
        Assert.Equal(rendersBefore[1], views[1].RenderCount);
        Assert.True(views[2].RenderCount > rendersBefore[2]);
        Assert.Equal("true", views[2].Find("[data-testid=message-assistant]").GetAttribute("data-streaming"));
    }

    [Fact]
    public void Adding_a_message_does_not_re_render_the_finished_ones()
    {
        var messages = new List<ChatMessageModel> { Finished("q1", MessageAuthor.User, "Hello?"), Finished("a1", MessageAuthor.Assistant, "Hi [1].") };
        var list = Render<MessageList>(p => p.Add(x => x.Messages, messages));
        var first = list.FindComponents<ChatMessageView>()[1];
        var renders = first.RenderCount;

        messages.Add(Finished("q2", MessageAuthor.User, "Another question"));
        list.Render(p => p.Add(x => x.Messages, messages));

        Assert.Equal(3, list.FindComponents<ChatMessageView>().Count);
        Assert.Equal(renders, first.RenderCount);
    }

    [Fact]
    public void Finished_answer_renders_markdown_sanitised_with_citation_chips()
    {
        var answer = Finished("a1", MessageAuthor.Assistant, "**Assess** for risk [1].\n\n<script>alert(1)</script>", [Citation(1, "The ALGEE Action Plan")]);
        var list = Render<MessageList>(p => p.Add(x => x.Messages, new List<ChatMessageModel> { answer }));

        Assert.NotNull(list.Find("strong"));
        Assert.DoesNotContain("<script", list.Markup, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("The ALGEE Action Plan · Steps", list.Find("[data-testid=citation]").GetAttribute("title"));
        Assert.Equal("Steps", list.Find("[data-testid=citation] .label").TextContent);
        Assert.Equal("false", list.Find("[data-testid=message-assistant]").GetAttribute("data-streaming"));
    }

    [Fact]
    public void An_answer_finished_in_this_session_carries_its_timings_in_invariant_digits_whatever_the_page_culture()
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("es-ES");
        try
        {
            var answer = ChatMessageModel.Streaming("a1");
            var list = Render<MessageList>(p => p.Add(x => x.Messages, new List<ChatMessageModel> { answer }));
            Assert.False(list.Find("[data-testid=message-assistant]").HasAttribute("data-retrieval-ms"));

            answer.Append("Invoices are due in 30 days [1].");
            Assert.NotNull(answer.RequestFirstTokenMs);
            list.WaitForAssertion(() => Assert.Contains("30 days", list.Find("[data-testid=answer-text]").TextContent, StringComparison.Ordinal));
            Assert.False(list.Find("[data-testid=message-assistant]").HasAttribute("data-request-first-token-ms"));
            answer.Complete(
                new StoredMessage { Id = "a1", ConversationId = "c1", Author = MessageAuthor.Assistant, Text = "Invoices are due in 30 days [1].", CreatedAt = DateTimeOffset.UtcNow },
                new AnswerTimings(AcceptedMs: 1.5, RetrievalMs: 12.25, ModelFirstTokenMs: 3.5, FirstTokenMs: 20));

            list.WaitForAssertion(() => Assert.Equal("12.3", list.Find("[data-testid=message-assistant]").GetAttribute("data-retrieval-ms")));
            Assert.Equal("3.5", list.Find("[data-testid=message-assistant]").GetAttribute("data-model-first-token-ms"));
            // The page's own clock: from the bubble appearing to its first words, shown once the answer is done.
            var requestFirstToken = list.Find("[data-testid=message-assistant]").GetAttribute("data-request-first-token-ms");
            Assert.Equal(answer.RequestFirstTokenMs!.Value.ToString("0.0", CultureInfo.InvariantCulture), requestFirstToken);
            Assert.Matches(@"^\d+\.\d$", requestFirstToken);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Clicking_a_citation_chip_reports_that_citation()
    {
        Citation? opened = null;
        var citation = Citation(2, "Invoicing Guide");
        var answer = Finished("a1", MessageAuthor.Assistant, "Invoices are due in 30 days [2].", [citation]);
        var list = Render<MessageList>(p => p
            .Add(x => x.Messages, new List<ChatMessageModel> { answer })
            .Add(x => x.OnCitation, c => opened = c));

        list.Find("[data-testid=citation]").Click();

        Assert.Equal(citation, opened);
    }

    internal static Citation Citation(int number, string title) => new()
    {
        Number = number,
        ChunkId = $"doc#{number}",
        DocumentId = "doc",
        Title = title,
        Location = "Steps",
        PassageText = "Before. The quoted sentence. After.",
        Quote = "The quoted sentence.",
    };

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void A_weak_answer_says_it_was_flagged_unless_it_was_cut_short(bool interrupted, bool noteShown)
    {
        // Both are kept as weak answers for the admins; only the complete one means no document answered well.
        var answer = ChatMessageModel.FromStored(new StoredMessage
        {
            Id = "a1",
            ConversationId = "c1",
            Author = MessageAuthor.Assistant,
            Text = "Partial text",
            CreatedAt = DateTimeOffset.UtcNow,
            LowConfidence = true,
            Interrupted = interrupted,
        });

        var list = Render<MessageList>(p => p.Add(x => x.Messages, new List<ChatMessageModel> { answer }));

        Assert.Equal(noteShown, list.FindAll("[data-testid=low-confidence]").Count == 1);
        Assert.Equal(interrupted, list.FindAll("[data-testid=answer-interrupted]").Count == 1);
    }

    private static ChatMessageModel Finished(string id, MessageAuthor author, string text, IReadOnlyList<Citation>? citations = null) =>
        ChatMessageModel.FromStored(new StoredMessage
        {
            Id = id,
            ConversationId = "c1",
            Author = author,
            Text = text,
            CreatedAt = DateTimeOffset.UtcNow,
            Citations = citations ?? [],
        });
}
