using LearningNavigator.Chat;
using LearningNavigator.Conversations;
using LearningNavigator.Web.Auth;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace LearningNavigator.Tests.Integration;

/// <summary>The answer pipeline as the app wires it: sample library, Lucene index, extractive answerer, SQLite.</summary>
public sealed class AnsweringTests(NavigatorAppFixture app) : IClassFixture<NavigatorAppFixture>
{
    private AnswerPipeline Pipeline => app.Factory.Services.GetRequiredService<AnswerPipeline>();

    private IConversationStore Store => app.Factory.Services.GetRequiredService<IConversationStore>();

    [Fact]
    public async Task An_answer_and_its_question_are_persisted_with_citations_and_measurements()
    {
        var userId = await UserIdAsync("instructor@example.org");
        var conversationId = Guid.NewGuid().ToString("N");

        var events = await AskAsync(userId, AppRoles.Instructor, conversationId, "What are the steps of the ALGEE action plan?");

        var completed = Assert.IsType<AnswerCompleted>(events[^1]);
        Assert.Contains(events, e => e is AnswerDelta);
        var stored = await Store.GetMessagesAsync(conversationId, CancellationToken.None);
        Assert.Equal(2, stored.Count);
        Assert.Equal(MessageAuthor.User, stored[0].Author);
        Assert.Equal("What are the steps of the ALGEE action plan?", stored[0].Text);
        var answer = stored[1];
        Assert.Equal(completed.AssistantMessage.Id, answer.Id);
        Assert.Equal(MessageAuthor.Assistant, answer.Author);
        Assert.NotEmpty(answer.Citations);
        Assert.All(answer.Citations, c => Assert.Contains($"[{c.Number}]", answer.Text, StringComparison.Ordinal));
        Assert.Contains(answer.Citations, c => c.PassageText.Contains("ALGEE", StringComparison.Ordinal));
        Assert.Equal("extractive-v1", answer.Model);
        Assert.True(answer.OutputTokens > 0);
        Assert.True(answer.InputTokens > 0);
        Assert.NotNull(answer.LatencyMs);
        Assert.NotNull(answer.TimeToFirstTokenMs);
        Assert.True(answer.TimeToFirstTokenMs <= answer.LatencyMs);
        Assert.False(answer.LowConfidence);
        Assert.False(answer.Interrupted);

        var conversation = await Store.GetConversationAsync(conversationId, CancellationToken.None);
        Assert.Equal(userId, conversation!.UserId);
        Assert.Equal(2, conversation.MessageCount);
        Assert.Contains(await Store.ListConversationsAsync(userId, 50, CancellationToken.None), c => c.Id == conversationId);
    }

    [Fact]
    public async Task The_algee_question_is_answered_with_the_five_steps_from_the_sample_library()
    {
        var events = await AskAsync(await UserIdAsync("instructor@example.org"), AppRoles.Instructor, Guid.NewGuid().ToString("N"), "What are the steps of the ALGEE action plan?");

        var answer = Assert.IsType<AnswerCompleted>(events[^1]).AssistantMessage.Text;
        foreach (var step in new[] { "Assess for risk of suicide or harm", "Listen nonjudgmentally", "Give reassurance and information", "Encourage appropriate professional help", "Encourage self-help" })
        {
            Assert.True(answer.Contains(step, StringComparison.Ordinal), $"Step '{step}' is missing from the answer:\n{answer}");
        }
    }

    [Fact]
    public async Task Staff_get_the_staff_only_procedure_and_instructors_never_do()
    {
        const string question = "How do I process a refund for a cancelled course?";
        var staff = await AskAsync(await UserIdAsync("staff@example.org"), AppRoles.Staff, Guid.NewGuid().ToString("N"), question);
        var instructor = await AskAsync(await UserIdAsync("instructor@example.org"), AppRoles.Instructor, Guid.NewGuid().ToString("N"), question);

        var staffAnswer = Assert.IsType<AnswerCompleted>(staff[^1]).AssistantMessage;
        var instructorPassages = Assert.Single(instructor.OfType<PassagesRetrieved>()).Passages;
        Assert.Contains(staffAnswer.Citations, c => c.DocumentId == "staff-refund-procedure");
        Assert.DoesNotContain(instructorPassages, p => p.DocumentId == "staff-refund-procedure");
        Assert.DoesNotContain("Course Operations Desk", Assert.IsType<AnswerCompleted>(instructor[^1]).AssistantMessage.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_off_topic_question_is_answered_honestly_and_flagged_low_confidence()
    {
        var conversationId = Guid.NewGuid().ToString("N");
        var events = await AskAsync(await UserIdAsync("instructor@example.org"), AppRoles.Instructor, conversationId, "What is the capital of Mongolia?");

        var answer = Assert.IsType<AnswerCompleted>(events[^1]).AssistantMessage;
        Assert.True(answer.LowConfidence);
        Assert.Empty(answer.Citations);
        Assert.Contains("know", answer.Text, StringComparison.OrdinalIgnoreCase);
        // The flag is kept with the answer, so the offer of a person survives a reload and reaches the analytics.
        var stored = Assert.Single(await Store.GetMessagesAsync(conversationId, CancellationToken.None), m => m.Author == MessageAuthor.Assistant);
        Assert.True(stored.LowConfidence);
    }

    [Theory]
    [InlineData(AppRoles.Instructor, "instructor@example.org", "en")]
    [InlineData(AppRoles.Instructor, "instructor@example.org", "es")]
    [InlineData(AppRoles.Staff, "staff@example.org", "en")]
    [InlineData(AppRoles.Staff, "staff@example.org", "es")]
    [InlineData(AppRoles.Admin, "admin@example.org", "en")]
    [InlineData(AppRoles.Admin, "admin@example.org", "es")]
    public async Task Each_role_is_greeted_its_own_way_and_every_suggested_question_gets_a_cited_answer(string role, string email, string language)
    {
        var experience = RoleExperience.For(role, language);
        var others = new[] { AppRoles.Instructor, AppRoles.Staff, AppRoles.Admin }.Where(r => r != role);
        Assert.All(others, other => Assert.NotEqual(RoleExperience.For(other, language).Greeting, experience.Greeting));
        Assert.InRange(experience.SuggestedQuestions.Count, 3, 4);

        var userId = await UserIdAsync(email);
        foreach (var question in experience.SuggestedQuestions)
        {
            var answer = Assert.IsType<AnswerCompleted>((await AskAsync(userId, role, Guid.NewGuid().ToString("N"), question))[^1]).AssistantMessage;
            // A suggestion the library cannot answer for this role would be a broken promise on the first screen.
            Assert.False(answer.LowConfidence, $"'{question}' ({role}) was not answered from the library.");
            Assert.NotEmpty(answer.Citations);
        }
    }

    [Fact]
    public async Task A_question_over_the_limit_is_refused_and_nothing_is_stored()
    {
        var userId = await UserIdAsync("instructor@example.org");
        var conversationId = Guid.NewGuid().ToString("N");

        var error = await Assert.ThrowsAsync<InvalidQuestionException>(() => AskAsync(userId, AppRoles.Instructor, conversationId, new string('x', ChatInput.MaxLength + 1)));

        Assert.Contains("2,000", error.Message, StringComparison.Ordinal);
        Assert.Null(await Store.GetConversationAsync(conversationId, CancellationToken.None));
    }

    [Fact]
    public async Task Nobody_can_write_into_another_persons_conversation()
    {
        var conversationId = Guid.NewGuid().ToString("N");
        await AskAsync(await UserIdAsync("instructor@example.org"), AppRoles.Instructor, conversationId, "How do I order participant manuals?");
        var staffId = await UserIdAsync("staff@example.org");

        await Assert.ThrowsAsync<ConversationAccessDeniedException>(
            () => AskAsync(staffId, AppRoles.Staff, conversationId, "And the shipping time?"));

        Assert.Equal(2, (await Store.GetMessagesAsync(conversationId, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Stopping_mid_answer_keeps_the_partial_answer_marked_interrupted()
    {
        var conversationId = Guid.NewGuid().ToString("N");
        using var stop = new CancellationTokenSource();
        var request = new AskRequest
        {
            UserId = await UserIdAsync("instructor@example.org"),
            Role = AppRoles.Instructor,
            ConversationId = conversationId,
            Text = "What are the steps of the ALGEE action plan?",
        };

        AnswerCompleted? completed = null;
        var deltas = 0;
        await foreach (var update in Pipeline.AskAsync(request, stop.Token))
        {
            if (update is AnswerDelta && ++deltas == 3)
            {
                await stop.CancelAsync();
            }

            completed = update as AnswerCompleted ?? completed;
        }

        Assert.NotNull(completed);
        var stored = (await Store.GetMessagesAsync(conversationId, CancellationToken.None))[^1];
        Assert.True(stored.Interrupted);
        Assert.False(string.IsNullOrWhiteSpace(stored.Text));
        Assert.Equal(completed.AssistantMessage.Text, stored.Text);
    }

    private async Task<List<AnswerEvent>> AskAsync(string userId, string role, string conversationId, string text)
    {
        var events = new List<AnswerEvent>();
        var request = new AskRequest { UserId = userId, Role = role, ConversationId = conversationId, Text = text };
        await foreach (var update in Pipeline.AskAsync(request, CancellationToken.None))
        {
            events.Add(update);
        }

        return events;
    }

    private async Task<string> UserIdAsync(string email)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        return (await users.FindByEmailAsync(email))!.Id;
    }
}
