using LearningNavigator.Chat;
using LearningNavigator.Conversations;
using LearningNavigator.Generation.Bedrock;
using LearningNavigator.Web.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.JSInterop;

namespace LearningNavigator.Web.Components.Pages.Chat;

/// <summary>UI state of the chat: which conversation is open, its messages, the stream in flight.</summary>
public sealed partial class ChatPage : IDisposable
{
    private const int SidebarLimit = 50;

    private readonly List<ChatMessageModel> messages = [];
    private IReadOnlyList<Conversation> conversations = [];
    private CurrentUser? user;
    private RoleExperience? experience;
    private string? activeConversationId;
    private string? title;
    private string? notice;
    private bool streaming;
    private Citation? openCitation;
    private CancellationTokenSource? answerCancellation;
    private ChatComposer? composer;
    private ElementReference scroller;

    [Parameter]
    public string? ConversationId { get; set; }

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Inject]
    private AnswerPipeline Pipeline { get; set; } = default!;

    [Inject]
    private IConversationStore Store { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        user = CurrentUser.From((await AuthenticationState).User);
        if (user is not null)
        {
            experience = RoleExperience.For(user.Role, "en");
            await RefreshSidebarAsync();
        }
    }

    protected override async Task OnParametersSetAsync()
    {
        // After the first answer the URL is updated to the new conversation; that is not a switch.
        if (user is null || (ConversationId is not null && ConversationId == activeConversationId))
        {
            return;
        }

        answerCancellation?.Cancel();
        messages.Clear();
        notice = null;
        openCitation = null;
        if (ConversationId is null)
        {
            activeConversationId = NewId();
            title = null;
            return;
        }

        var conversation = await Store.GetConversationAsync(user.Id, ConversationId, CancellationToken.None);
        if (conversation is null)
        {
            activeConversationId = NewId();
            notice = "That conversation does not exist or is not yours. Here is a new one.";
            return;
        }

        activeConversationId = conversation.Id;
        title = conversation.Title;
        foreach (var stored in await Store.GetMessagesAsync(conversation.Id, CancellationToken.None))
        {
            var feedback = stored.Author == MessageAuthor.Assistant
                ? await Store.GetFeedbackAsync(stored.Id, user.Id, CancellationToken.None)
                : null;
            messages.Add(ChatMessageModel.FromStored(stored, feedback));
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            await using var module = await JS.InvokeAsync<IJSObjectReference>("import", "./js/chat.js");
            await module.InvokeVoidAsync("followScroll", scroller);
        }
    }

    private Task AskSuggestedAsync(string question) => composer?.AskAsync(question) ?? Task.CompletedTask;

    private async Task AskAsync(string question)
    {
        if (user is null || activeConversationId is null || streaming)
        {
            return;
        }

        notice = null;
        streaming = true;
        using var cancellation = answerCancellation = new CancellationTokenSource();
        var userMessage = new ChatMessageModel { Id = NewId(), Author = MessageAuthor.User };
        userMessage.Text.Append(question);
        var answer = ChatMessageModel.Streaming(NewId());
        messages.Add(userMessage);
        messages.Add(answer);
        var request = new AskRequest
        {
            UserId = user.Id,
            Role = user.Role,
            ConversationId = activeConversationId,
            Text = question,
            UserMessageId = userMessage.Id,
            AssistantMessageId = answer.Id,
        };

        try
        {
            await foreach (var update in Pipeline.AskAsync(request, cancellation.Token))
            {
                switch (update)
                {
                    case AnswerDelta delta:
                        answer.Append(delta.Text);
                        break;
                    case AnswerCompleted completed:
                        answer.Complete(completed.AssistantMessage);
                        break;
                }
            }
        }
        catch (InvalidQuestionException ex)
        {
            messages.Remove(userMessage);
            messages.Remove(answer);
            notice = ex.Message;
        }
        catch (RateLimitExceededException ex)
        {
            messages.Remove(userMessage);
            messages.Remove(answer);
            notice = ex.Message;
        }
        catch (AnswerGenerationException ex)
        {
            answer.Complete(ex.PartialAnswer);
            notice = BedrockChatClient.AwsExceptionOf(ex) is { } aws
                ? $"{aws.Message} What came through is kept; please try again."
                : "The answer could not be completed. What came through is kept; please try again.";
        }
        catch (OperationCanceledException)
        {
            answer.Abort();
        }
        finally
        {
            streaming = false;
            answerCancellation = null;
        }

        title ??= question;
        await RefreshSidebarAsync();
        Navigation.NavigateTo($"c/{activeConversationId}", new NavigationOptions { ReplaceHistoryEntry = true });
    }

    private void Stop() => answerCancellation?.Cancel();

    private void StartNewConversation() => Navigation.NavigateTo(string.Empty);

    private void OpenCitation(Citation citation) => openCitation = citation;

    private async Task SaveFeedbackAsync(FeedbackSubmission submission)
    {
        if (user is null)
        {
            return;
        }

        await Store.SaveFeedbackAsync(
            new MessageFeedback
            {
                MessageId = submission.MessageId,
                UserId = user.Id,
                Rating = submission.Rating,
                Comment = submission.Comment,
                CreatedAt = DateTimeOffset.UtcNow,
            },
            CancellationToken.None);
    }

    private async Task RefreshSidebarAsync()
    {
        if (user is not null)
        {
            conversations = await Store.ListConversationsAsync(user.Id, SidebarLimit, CancellationToken.None);
        }
    }

    private static string NewId() => Guid.CreateVersion7().ToString("N");

    public void Dispose() => answerCancellation?.Cancel();
}
