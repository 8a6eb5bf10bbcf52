using LearningNavigator.Aws;
using LearningNavigator.Chat;
using LearningNavigator.Conversations;
using LearningNavigator.Generation.Bedrock;
using LearningNavigator.Web.Auth;
using LearningNavigator.Web.Resources;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.Logging;
using Microsoft.JSInterop;

namespace LearningNavigator.Web.Components.Pages.Chat;

/// <summary>UI state of the chat: which conversation is open, its messages, the stream in flight.</summary>
/// <remarks>
/// Regenerate asks the last question again under a new answer id. The earlier answer stays in the store (its
/// feedback and measurements remain part of the record) and the page shows only the latest answer to a
/// question, on screen now and when the conversation is opened again.
/// </remarks>
public sealed partial class ChatPage : IDisposable
{
    private const int SidebarLimit = 50;

    private readonly List<ChatMessageModel> messages = [];
    private IReadOnlyList<Conversation> conversations = [];
    private CurrentUser? user;
    private RoleExperience? experience;
    private string language = LocalizationExtensions.CurrentLanguage;
    private string? activeConversationId;
    private string? title;
    private string? notice;
    private string? liveStatus;
    private bool streaming;
    private bool drawerOpen;
    private Citation? openCitation;
    private CancellationTokenSource? answerCancellation;
    private ChatComposer? composer;
    private ConversationSidebar? sidebar;
    private ElementReference scroller;
    private ElementReference drawerToggle;
    private DrawerFocus pendingFocus;

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

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    [Inject]
    private ILogger<ChatPage> Logger { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        language = LocalizationExtensions.CurrentLanguage;
        user = CurrentUser.From((await AuthenticationState).User);
        if (user is not null)
        {
            experience = RoleExperience.For(user.Role, language);
            await RefreshSidebarAsync();
        }
    }

    protected override async Task OnParametersSetAsync()
    {
        drawerOpen = false;
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
            notice = L["Chat.NotYours"];
            return;
        }

        activeConversationId = conversation.Id;
        title = conversation.Title;
        foreach (var stored in LatestAnswers(await Store.GetMessagesAsync(conversation.Id, CancellationToken.None)))
        {
            var feedback = stored.Author == MessageAuthor.Assistant
                ? await Store.GetFeedbackAsync(stored.Id, user.Id, CancellationToken.None)
                : null;
            messages.Add(ChatMessageModel.FromStored(stored, feedback));
        }

        MarkLatest();
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            await using var module = await JS.InvokeAsync<IJSObjectReference>("import", "./js/chat.js");
            await module.InvokeVoidAsync("followScroll", scroller);
        }

        var focus = pendingFocus;
        pendingFocus = DrawerFocus.None;
        if (focus == DrawerFocus.Search && sidebar is not null)
        {
            await sidebar.FocusSearchAsync();
        }
        else if (focus == DrawerFocus.Toggle)
        {
            await drawerToggle.FocusAsync();
        }
    }

    private Task AskSuggestedAsync(string question) => composer?.AskAsync(question) ?? Task.CompletedTask;

    private Task AskAsync(string question)
    {
        var userMessage = new ChatMessageModel { Id = NewId(), Author = MessageAuthor.User };
        userMessage.Text.Append(question);
        messages.Add(userMessage);
        return AnswerAsync(userMessage, removeOnInvalid: true);
    }

    /// <summary>Asks the last question again; the new answer takes the old one's place on screen.</summary>
    private async Task RegenerateAsync()
    {
        var lastQuestion = messages.LastOrDefault(m => m.Author == MessageAuthor.User);
        if (streaming || lastQuestion is null)
        {
            return;
        }

        messages.RemoveAll(m => m.Author == MessageAuthor.Assistant && messages.IndexOf(m) > messages.IndexOf(lastQuestion));
        await AnswerAsync(lastQuestion, removeOnInvalid: false);
    }

    private async Task AnswerAsync(ChatMessageModel question, bool removeOnInvalid)
    {
        if (user is null || activeConversationId is null || streaming)
        {
            return;
        }

        notice = null;
        streaming = true;
        liveStatus = L["Chat.Answering"];
        using var cancellation = answerCancellation = new CancellationTokenSource();
        var answer = ChatMessageModel.Streaming(NewId(), CircuitInboundClock.CurrentMessage);
        var accepted = false;
        var unexpectedFailure = false;
        messages.Add(answer);
        MarkLatest();
        var request = new AskRequest
        {
            UserId = user.Id,
            Role = user.Role,
            ConversationId = activeConversationId,
            Text = question.Text.ToString(),
            Language = language,
            UserMessageId = question.Id,
            AssistantMessageId = answer.Id,
        };

        try
        {
            // Words are gathered off the circuit's dispatcher; this loop wakes once per frame, not once per word.
            await foreach (var update in Pipeline.AskAsync(request, cancellation.Token).InFramesAsync(ChatMessageView.StreamingFrame, Time, cancellation.Token))
            {
                switch (update)
                {
                    case QuestionAccepted:
                        accepted = true;
                        break;
                    case AnswerDelta delta:
                        answer.Append(delta.Text);
                        break;
                    case AnswerCompleted completed:
                        answer.Complete(completed.AssistantMessage, completed.Timings);
                        // Straight after the finished answer, not after the sidebar's refresh below.
                        MarkLatest();
                        break;
                }
            }

            liveStatus = answer.Interrupted ? L["Chat.AnswerStopped"] : L["Chat.AnswerReady"];
        }
        catch (Exception ex) when (ex is InvalidQuestionException or RateLimitExceededException)
        {
            Withdraw();
            notice = ex.Message;
            liveStatus = null;
        }
        catch (AnswerGenerationException ex)
        {
            answer.Complete(ex.PartialAnswer);
            // An AWS failure names its cause (throttled, access denied…) before the rest of the notice.
            notice = BedrockChatClient.AwsExceptionOf(ex) is { } aws ? $"{Cause(aws)} {L["Chat.Failed"]}" : L["Chat.Failed"];
            liveStatus = null;
        }
        catch (OperationCanceledException)
        {
            answer.Abort();
            liveStatus = L["Chat.AnswerStopped"];
        }
        catch (Exception ex)
        {
            // Anything else would end the circuit and freeze the page mid-answer. Once the question was accepted the
            // pipeline stored it and what had streamed; before that nothing was stored, so nothing stays on screen.
            Log.AnswerFailed(Logger, ex, request.ConversationId);
            if (accepted)
            {
                answer.Abort();
                notice = L["Chat.Failed"];
            }
            else
            {
                Withdraw();
                notice = L["Chat.NotSent"];
            }

            liveStatus = null;
            unexpectedFailure = true;
        }
        finally
        {
            streaming = false;
            answerCancellation = null;
        }

        MarkLatest();
        // The store may be what failed: the sidebar and the address wait for the next answer that succeeds.
        if (unexpectedFailure)
        {
            return;
        }

        title ??= question.Text.ToString();
        await RefreshSidebarAsync();
        // Only the first answer gives a new conversation its address; navigating again would re-render the page.
        if (ConversationId != activeConversationId)
        {
            Navigation.NavigateTo($"c/{activeConversationId}", new NavigationOptions { ReplaceHistoryEntry = true });
        }

        // Nothing was stored for this exchange, so nothing of it stays on screen (a regenerated question stays);
        // a new question goes back into the box to be sent again.
        void Withdraw()
        {
            messages.Remove(answer);
            if (removeOnInvalid)
            {
                messages.Remove(question);
                composer?.Restore(question.Text.ToString());
            }
        }
    }

    /// <summary>
    /// Why AWS failed the answer. In English, the domain's own words, which name the settings to check; in another
    /// language, the kind of failure from the resources.
    /// </summary>
    private string Cause(AwsRequestException aws) =>
        language == "en" ? aws.Message : L[$"Chat.Cause.{aws.Failure}", aws.Service];

    /// <summary>Only the latest answer offers regenerate and follow-up questions.</summary>
    private void MarkLatest()
    {
        var latest = messages.LastOrDefault(m => m.Author == MessageAuthor.Assistant);
        foreach (var message in messages.Where(m => m.Author == MessageAuthor.Assistant))
        {
            var isLatest = ReferenceEquals(message, latest);
            var followUps = isLatest && !message.IsStreaming && user is not null
                ? FollowUpSuggestions.For(
                    message.Citations.Select(c => (c.Title, FollowUpSuggestions.HeadingFromLocation(c.Location))),
                    messages.Where(m => m.Author == MessageAuthor.User).Select(m => m.Text.ToString()),
                    user.Role,
                    language)
                : [];
            message.SetLatest(isLatest, followUps);
        }
    }

    /// <summary>A regenerated question has several answers in the store; the conversation shows the last.</summary>
    private static IEnumerable<StoredMessage> LatestAnswers(IReadOnlyList<StoredMessage> stored) =>
        stored.Where((m, i) => m.Author == MessageAuthor.User || i == stored.Count - 1 || stored[i + 1].Author == MessageAuthor.User);

    private void Stop() => answerCancellation?.Cancel();

    private void StartNewConversation() => Navigation.NavigateTo(string.Empty);

    private void OpenCitation(Citation citation) => openCitation = citation;

    // Focus moves once the drawer is on screen (after the render): into its search box on open, back to the
    // button that opened it on close.
    private void OpenDrawer()
    {
        drawerOpen = true;
        pendingFocus = DrawerFocus.Search;
    }

    private void CloseDrawer()
    {
        if (drawerOpen)
        {
            drawerOpen = false;
            pendingFocus = DrawerFocus.Toggle;
        }
    }

    private void OnDrawerKeyDown(KeyboardEventArgs e)
    {
        if (e.Key == "Escape")
        {
            CloseDrawer();
        }
    }

    private async Task RenameAsync(ConversationRename rename)
    {
        if (user is null || !await Store.RenameConversationAsync(user.Id, rename.ConversationId, rename.Title, CancellationToken.None))
        {
            return;
        }

        if (rename.ConversationId == activeConversationId)
        {
            title = rename.Title.Trim();
        }

        liveStatus = L["Sidebar.Renamed"];
        await RefreshSidebarAsync();
    }

    private async Task DeleteAsync(string conversationId)
    {
        if (user is null || !await Store.DeleteConversationAsync(user.Id, conversationId, CancellationToken.None))
        {
            return;
        }

        liveStatus = L["Sidebar.Deleted"];
        await RefreshSidebarAsync();
        if (conversationId == activeConversationId)
        {
            answerCancellation?.Cancel();
            activeConversationId = null;
            Navigation.NavigateTo(string.Empty);
        }
    }

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

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "An answer failed unexpectedly in conversation {ConversationId}")]
        public static partial void AnswerFailed(ILogger logger, Exception exception, string conversationId);
    }

    private enum DrawerFocus
    {
        None,
        Search,
        Toggle,
    }
}
