namespace LearningNavigator.Conversations;

/// <summary>
/// Durable home of users, conversations, messages, feedback and the daily usage counters kept from them.
/// Every write is idempotent: writing the same record twice leaves one row, so a retry after a failure
/// never duplicates.
/// </summary>
/// <remarks>
/// Reads that take a user id only return what that user owns; they are what anything acting for a signed-in
/// person calls. Reads by id alone are for code that has already checked ownership (the answer pipeline)
/// and for operators' tools (export).
/// </remarks>
public interface IConversationStore
{
    Task UpsertUserAsync(UserProfile user, CancellationToken cancellationToken);
    Task<UserProfile?> GetUserAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Creates the conversation if its id is new; otherwise leaves the stored one as it is.</summary>
    Task CreateConversationAsync(Conversation conversation, CancellationToken cancellationToken);
    /// <summary>The conversation whoever owns it; see the remarks on the interface.</summary>
    Task<Conversation?> GetConversationAsync(string conversationId, CancellationToken cancellationToken);
    /// <summary>The conversation if it exists and belongs to <paramref name="userId"/>; otherwise null.</summary>
    Task<Conversation?> GetConversationAsync(string userId, string conversationId, CancellationToken cancellationToken);
    /// <summary>The user's conversations, most recently active first.</summary>
    Task<IReadOnlyList<Conversation>> ListConversationsAsync(string userId, int limit, CancellationToken cancellationToken);
    /// <summary>Conversations created on a UTC day, oldest first (analytics).</summary>
    Task<IReadOnlyList<Conversation>> ListConversationsStartedOnAsync(DateOnly day, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the message (insert, or replace the row with the same id) and bumps the conversation's
    /// UpdatedAt and MessageCount only on first insert, in one transaction, together with the daily usage.
    /// </summary>
    Task SaveMessageAsync(StoredMessage message, CancellationToken cancellationToken);
    /// <summary>Messages of a conversation in the order they were written.</summary>
    Task<IReadOnlyList<StoredMessage>> GetMessagesAsync(string conversationId, CancellationToken cancellationToken);
    /// <summary>
    /// Up to <paramref name="pageSize"/> messages of the user's conversation, in the order they were written,
    /// after the point <paramref name="continuationToken"/> (from the previous page) marks. Another user's
    /// or an unknown conversation reads as an empty last page.
    /// </summary>
    /// <exception cref="ArgumentException">The token was not issued by this store for this conversation.</exception>
    Task<MessagePage> GetMessagePageAsync(string userId, string conversationId, int pageSize, string? continuationToken, CancellationToken cancellationToken);
    Task<StoredMessage?> GetMessageAsync(string messageId, CancellationToken cancellationToken);

    /// <summary>One feedback per (message, user): a second call replaces the first.</summary>
    Task SaveFeedbackAsync(MessageFeedback feedback, CancellationToken cancellationToken);
    Task<MessageFeedback?> GetFeedbackAsync(string messageId, string userId, CancellationToken cancellationToken);

    /// <summary>Usage rows of the UTC days from <paramref name="from"/> to <paramref name="to"/>, both included.</summary>
    Task<IReadOnlyList<DailyUsage>> GetDailyUsageAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken);

    /// <summary>Every user profile, in no particular order (export).</summary>
    IAsyncEnumerable<UserProfile> ReadAllUsersAsync(CancellationToken cancellationToken);
    /// <summary>Every conversation, in no particular order (export).</summary>
    IAsyncEnumerable<Conversation> ReadAllConversationsAsync(CancellationToken cancellationToken);
    /// <summary>Every feedback, in no particular order (export).</summary>
    IAsyncEnumerable<MessageFeedback> ReadAllFeedbackAsync(CancellationToken cancellationToken);
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
