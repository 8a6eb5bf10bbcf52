using LearningNavigator.Conversations;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Logging;

namespace LearningNavigator.Web.Components.Pages.Chat;

/// <summary>What a person said about an answer.</summary>
public sealed record FeedbackSubmission(string MessageId, FeedbackRating Rating, string? Comment);

public sealed partial class FeedbackBar
{
    public const int MaxCommentLength = 1000;

    private bool commentOpen;
    private string comment = string.Empty;
    private string? status;

    [Parameter, EditorRequired]
    public required ChatMessageModel Message { get; set; }

    [Parameter]
    public EventCallback<FeedbackSubmission> OnFeedback { get; set; }

    [Inject]
    private ILogger<FeedbackBar> Logger { get; set; } = default!;

    protected override void OnInitialized() => comment = Message.FeedbackComment ?? string.Empty;

    private async Task RateAsync(FeedbackRating rating)
    {
        // The rating is saved at once; the comment is a second, optional step.
        var before = Message.Rating;
        Message.Rating = rating;
        if (!await SaveAsync(new FeedbackSubmission(Message.Id, rating, NullIfBlank(comment))))
        {
            Message.Rating = before;
            return;
        }

        status = L["Feedback.Thanks"];
        commentOpen = true;
    }

    private async Task SubmitCommentAsync()
    {
        if (Message.Rating is not { } rating)
        {
            return;
        }

        var saved = NullIfBlank(comment);
        if (await SaveAsync(new FeedbackSubmission(Message.Id, rating, saved)))
        {
            Message.FeedbackComment = saved;
            status = L["Feedback.CommentSaved"];
            commentOpen = false;
        }
    }

    /// <summary>
    /// A store that is down must cost the person their click, not the page: an exception escaping an event
    /// handler would end the circuit.
    /// </summary>
    private async Task<bool> SaveAsync(FeedbackSubmission submission)
    {
        try
        {
            await OnFeedback.InvokeAsync(submission);
            return true;
        }
        catch (Exception ex)
        {
            Log.SaveFailed(Logger, ex, submission.MessageId);
            status = L["Feedback.Failed"];
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "Feedback on message {MessageId} could not be saved")]
        public static partial void SaveFailed(ILogger logger, Exception exception, string messageId);
    }

    private static string? NullIfBlank(string text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
