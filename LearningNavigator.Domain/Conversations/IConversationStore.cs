namespace LearningNavigator.Conversations;

/// <summary>
/// Durable home of users, conversations, messages and feedback. Every write is idempotent:
/// writing the same record twice leaves one row, so a retry after a failure never duplicates.
/// </summary>
public interface IConversationStore
{
    Task UpsertUserAsync(UserProfile user, CancellationToken cancellationToken);
    Task<UserProfile?> GetUserAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Creates the conversation if its id is new; otherwise leaves the stored one as it is.</summary>
    Task CreateConversationAsync(Conversation conversation, CancellationToken cancellationToken);
    Task<Conversation?> GetConversationAsync(string conversationId, CancellationToken cancellationToken);
    /// <summary>The user's conversations, most recently active first.</summary>
    Task<IReadOnlyList<Conversation>> ListConversationsAsync(string userId, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the message (insert, or replace the row with the same id) and bumps the conversation's
    /// UpdatedAt and MessageCount only on first insert, in one transaction.
    /// </summary>
    Task SaveMessageAsync(StoredMessage message, CancellationToken cancellationToken);
    /// <summary>Messages of a conversation in the order they were written.</summary>
    Task<IReadOnlyList<StoredMessage>> GetMessagesAsync(string conversationId, CancellationToken cancellationToken);
    Task<StoredMessage?> GetMessageAsync(string messageId, CancellationToken cancellationToken);

    /// <summary>One feedback per (message, user): a second call replaces the first.</summary>
    Task SaveFeedbackAsync(MessageFeedback feedback, CancellationToken cancellationToken);
    Task<MessageFeedback?> GetFeedbackAsync(string messageId, string userId, CancellationToken cancellationToken);

    /// <summary>
    /// Gives the user's conversation a new title. False, changing nothing, when the conversation does not exist
    /// or belongs to someone else. The title must not be blank.
    /// </summary>
    Task<bool> RenameConversationAsync(string userId, string conversationId, string title, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the user's conversation with its messages and their feedback. False, deleting nothing, when the
    /// conversation does not exist or belongs to someone else.
    /// </summary>
    Task<bool> DeleteConversationAsync(string userId, string conversationId, CancellationToken cancellationToken);
}
