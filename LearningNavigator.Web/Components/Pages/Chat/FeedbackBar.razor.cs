using LearningNavigator.Conversations;
using Microsoft.AspNetCore.Components;

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

    protected override void OnInitialized() => comment = Message.FeedbackComment ?? string.Empty;

    private async Task RateAsync(FeedbackRating rating)
    {
        // The rating is saved at once; the comment is a second, optional step.
        Message.Rating = rating;
        await OnFeedback.InvokeAsync(new FeedbackSubmission(Message.Id, rating, NullIfBlank(comment)));
        status = L["Feedback.Thanks"];
        commentOpen = true;
    }

    private async Task SubmitCommentAsync()
    {
        if (Message.Rating is not { } rating)
        {
            return;
        }

        Message.FeedbackComment = NullIfBlank(comment);
        await OnFeedback.InvokeAsync(new FeedbackSubmission(Message.Id, rating, Message.FeedbackComment));
        status = L["Feedback.CommentSaved"];
        commentOpen = false;
    }

    private static string? NullIfBlank(string text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
