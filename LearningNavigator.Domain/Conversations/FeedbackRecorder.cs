namespace LearningNavigator.Conversations;

public enum FeedbackOutcome
{
    Saved,
    /// <summary>No such message, or it sits in someone else's conversation: the two read the same to the caller.</summary>
    NotFound,
    /// <summary>Only answers are rated, not the person's own questions.</summary>
    NotAnAnswer,
    CommentTooLong,
}

/// <summary>
/// Feedback from anything acting for a signed-in person (the API): the message must be an answer in one of that
/// person's own conversations, so nobody can rate, or learn of, another user's messages.
/// </summary>
public sealed class FeedbackRecorder(IConversationStore store, TimeProvider time)
{
    public const int MaxCommentLength = 1000;

    public async Task<FeedbackOutcome> SaveAsync(string userId, string messageId, FeedbackRating rating, string? comment, CancellationToken cancellationToken)
    {
        var trimmed = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
        if (trimmed?.Length > MaxCommentLength)
        {
            return FeedbackOutcome.CommentTooLong;
        }

        var message = await store.GetMessageAsync(messageId, cancellationToken);
        if (message is null || await store.GetConversationAsync(userId, message.ConversationId, cancellationToken) is null)
        {
            return FeedbackOutcome.NotFound;
        }

        if (message.Author != MessageAuthor.Assistant)
        {
            return FeedbackOutcome.NotAnAnswer;
        }

        await store.SaveFeedbackAsync(
            new MessageFeedback { MessageId = messageId, UserId = userId, Rating = rating, Comment = trimmed, CreatedAt = time.GetUtcNow() },
            cancellationToken);
        return FeedbackOutcome.Saved;
    }
}
