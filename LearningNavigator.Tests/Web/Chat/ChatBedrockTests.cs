using System.Globalization;
using System.Security.Claims;
using Bunit;
using LearningNavigator.Chat;
using LearningNavigator.Conversations;
using LearningNavigator.Tests.Fakes;
using LearningNavigator.Web.Components.Pages.Chat;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LearningNavigator.Tests.Web.Chat;

/// <summary>
/// The chat page over Claude on Bedrock as production wires it, against the loopback runtime that speaks the real
/// event stream: a model failure is named in the notice, and an answer the model cut short can be regenerated.
/// </summary>
public sealed class ChatBedrockTests : ComponentTestContext, IAsyncLifetime
{
    private const string UserId = "user-instructor";
    private const string Question = "How do I listen to someone in distress?";
    private const string Failed = "The answer could not be completed. What came through is kept; please try again.";

    private readonly BedrockTestHost host = BedrockTestHost.Start();
    private readonly CultureInfo originalCulture = CultureInfo.CurrentCulture;
    private readonly CultureInfo originalUiCulture = CultureInfo.CurrentUICulture;

    public ChatBedrockTests()
    {
        Services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        Services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        Services.AddSingleton(host.Get<AnswerPipeline>());
        Services.AddSingleton(host.Get<IConversationStore>());
        Services.AddSingleton(host.Get<TimeProvider>());
        var auth = AddAuthorization();
        auth.SetAuthorized("instructor@example.org");
        auth.SetRoles(AppRoles.Instructor);
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, UserId));
    }

    private IConversationStore Store => host.Get<IConversationStore>();

    public Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (originalCulture, originalUiCulture);
        await DisposeAsync();
        await host.DisposeAsync();
    }

    [Fact]
    public async Task A_model_aws_refuses_is_named_in_the_notice_and_the_question_is_kept()
    {
        UseCulture("en");
        host.Runtime.EnqueueError(403, "AccessDeniedException", "User: arn:aws:sts::111122223333:assumed-role/app is not authorized to perform: bedrock:InvokeModelWithResponseStream");
        var page = Render<ChatPage>();

        await AskAsync(page, Question);

        Assert.Equal(
            $"Amazon Bedrock denied access: check the AWS credentials and that their IAM policy allows this call. {Failed}",
            page.Find("[data-testid=chat-notice]").TextContent);
        Assert.DoesNotContain("arn:aws", page.Markup, StringComparison.Ordinal);
        Assert.Equal(Question, page.Find("[data-testid=message-user]").TextContent.Trim());
        Assert.NotNull(page.Find("[data-testid=answer-interrupted]"));
    }

    [Fact]
    public async Task In_spanish_the_cause_is_worded_from_the_resources()
    {
        UseCulture("es");
        for (var i = 0; i < 3; i++)
        {
            host.Runtime.EnqueueError(429, "ThrottlingException", "Too many requests, please wait before trying again.");
        }

        var page = Render<ChatPage>();

        await AskAsync(page, Question);

        Assert.Equal(
            "Amazon Bedrock está limitando las solicitudes (demasiadas a la vez); inténtalo de nuevo en un momento. No se pudo completar la respuesta. Se conserva lo que llegó; inténtalo de nuevo.",
            page.Find("[data-testid=chat-notice]").TextContent);
    }

    [Fact]
    public async Task An_answer_the_model_cut_short_is_kept_marked_and_regenerate_gives_the_whole_answer()
    {
        UseCulture("en");
        // The runtime sends two pieces, then a modelStreamErrorException event: no retry once text has streamed.
        host.Runtime.EnqueueStream(host.Runtime.DefaultStream with { FailAfterPieces = 2 });
        var page = Render<ChatPage>();

        await AskAsync(page, Question);

        var partial = page.Find("[data-testid=message-assistant]");
        var partialId = partial.GetAttribute("data-message-id");
        Assert.Contains("Listen without", partial.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("judgement", partial.TextContent, StringComparison.Ordinal);
        Assert.NotNull(page.Find("[data-testid=answer-interrupted]"));
        Assert.Equal($"Amazon Bedrock stopped the answer part-way. {Failed}", page.Find("[data-testid=chat-notice]").TextContent);

        page.Find("[data-testid=regenerate]").Click();

        page.WaitForAssertion(() =>
        {
            var answer = Assert.Single(page.FindAll("[data-testid=message-assistant]"));
            Assert.NotEqual(partialId, answer.GetAttribute("data-message-id"));
            Assert.Equal("false", answer.GetAttribute("data-streaming"));
        }, TimeSpan.FromSeconds(20));
        var whole = page.Find("[data-testid=message-assistant]");
        Assert.Contains("Listen without judgement", whole.TextContent, StringComparison.Ordinal);
        Assert.Single(whole.QuerySelectorAll("[data-testid=citation]"));
        Assert.Empty(page.FindAll("[data-testid=answer-interrupted]"));
        Assert.Empty(page.FindAll("[data-testid=chat-notice]"));
        Assert.Single(page.FindAll("[data-testid=message-user]"));
        Assert.Equal(2, host.Runtime.Requests.Count);

        var conversation = Assert.Single(await Store.ListConversationsAsync(UserId, 10, CancellationToken.None));
        var stored = await Store.GetMessagesAsync(conversation.Id, CancellationToken.None);
        Assert.Equal([MessageAuthor.User, MessageAuthor.Assistant, MessageAuthor.Assistant], stored.Select(m => m.Author));
        Assert.Equal(("Listen without ", true), (stored[1].Text, stored[1].Interrupted));
        Assert.Equal(("Listen without judgement [1].", false), (stored[2].Text, stored[2].Interrupted));
    }

    /// <summary>Types the question, sends it and waits until the latest answer has stopped streaming.</summary>
    private static async Task AskAsync(IRenderedComponent<ChatPage> page, string question)
    {
        page.Find("[data-testid=chat-input]").Input(question);
        await page.Find("form[data-testid=chat-composer]").SubmitAsync();
        page.WaitForAssertion(
            () => Assert.Equal("false", page.FindAll("[data-testid=message-assistant]")[^1].GetAttribute("data-streaming")),
            TimeSpan.FromSeconds(20));
    }

    /// <summary>The app always runs a circuit in English or Spanish; the test runner's own culture may be neither.</summary>
    private static void UseCulture(string name) =>
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(name);
}
