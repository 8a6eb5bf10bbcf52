using LearningNavigator.Conversations;

namespace LearningNavigator.Tests.Faults;

/// <summary>
/// The real store behind a switch: for a while every call throws (the database is unreachable) or waits (the
/// database is slow), then everything works again. Counts the faults it caused so a test can show it bit.
/// </summary>
public sealed class FaultyConversationStore(IConversationStore inner) : IConversationStore
{
    private long faultsUntil;
    private long stallUntil;
    private int faults;

    public int FaultsInjected => Volatile.Read(ref faults);

    public void ThrowFor(TimeSpan window) => Volatile.Write(ref faultsUntil, Environment.TickCount64 + (long)window.TotalMilliseconds);

    public void StallFor(TimeSpan window) => Volatile.Write(ref stallUntil, Environment.TickCount64 + (long)window.TotalMilliseconds);

    private async Task FaultAsync(CancellationToken cancellationToken)
    {
        var now = Environment.TickCount64;
        if (now < Volatile.Read(ref faultsUntil))
        {
            Interlocked.Increment(ref faults);
            throw new InvalidOperationException("The conversation store is unavailable (injected fault).");
        }

        var stall = Volatile.Read(ref stallUntil) - now;
        if (stall > 0)
        {
            Interlocked.Increment(ref faults);
            await Task.Delay(TimeSpan.FromMilliseconds(stall), cancellationToken);
        }
    }

    public async Task UpsertUserAsync(UserProfile user, CancellationToken cancellationToken)
    {
        await FaultAsync(cancellationToken);
        await inner.UpsertUserAsync(user, cancellationToken);
    }

    public async Task<UserProfile?> GetUserAsync(string userId, CancellationToken cancellationToken)
    {
        await FaultAsync(cancellationToken);
        return await inner.GetUserAsync(userId, cancellationToken);
    }

    public async Task CreateConversationAsync(Conversation conversation, CancellationToken cancellationToken)
    {
        await FaultAsync(cancellationToken);
        await inner.CreateConversationAsync(conversation, cancellationToken);
    }

    public async Task<Conversation?> GetConversationAsync(string conversationId, CancellationToken cancellationToken)
    {
        await FaultAsync(cancellationToken);
        return await inner.GetConversationAsync(conversationId, cancellationToken);
    }

    public async Task<Conversation?> GetConversationAsync(string userId, string conversationId, CancellationToken cancellationToken)
    {
        await FaultAsync(cancellationToken);
        return await inner.GetConversationAsync(userId, conversationId, cancellationToken);
    }

    public async Task<IReadOnlyList<Conversation>> ListConversationsAsync(string userId, int limit, CancellationToken cancellationToken)
    {
        await FaultAsync(cancellationToken);
        return await inner.ListConversationsAsync(userId, limit, cancellationToken);
    }

    public async Task<IReadOnlyList<Conversation>> ListConversationsStartedOnAsync(DateOnly day, CancellationToken cancellationToken)
    {
        await FaultAsync(cancellationToken);
        return await inner.ListConversationsStartedOnAsync(day, cancellationToken);
    }

    public async Task SaveMessageAsync(StoredMessage message, CancellationToken cancellationToken)
    {
        await FaultAsync(cancellationToken);
        await inner.SaveMessageAsync(message, cancellationToken);
    }

    public async Task<IReadOnlyList<StoredMessage>> GetMessagesAsync(string conversationId, CancellationToken cancellationToken)
    {
        await FaultAsync(cancellationToken);
        return await inner.GetMessagesAsync(conversationId, cancellationToken);
    }

    public async Task<MessagePage> GetMessagePageAsync(string userId, string conversationId, int pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        await FaultAsync(cancellationToken);
        return await inner.GetMessagePageAsync(userId, conversationId, pageSize, continuationToken, cancellationToken);
    }

    public async Task<StoredMessage?> GetMessageAsync(string messageId, CancellationToken cancellationToken)
    {
        await FaultAsync(cancellationToken);
        return await inner.GetMessageAsync(messageId, cancellationToken);
    }

    public async Task SaveFeedbackAsync(MessageFeedback feedback, CancellationToken cancellationToken)
    {
        await FaultAsync(cancellationToken);
        await inner.SaveFeedbackAsync(feedback, cancellationToken);
    }

    public async Task<MessageFeedback?> GetFeedbackAsync(string messageId, string userId, CancellationToken cancellationToken)
    {
        await FaultAsync(cancellationToken);
        return await inner.GetFeedbackAsync(messageId, userId, cancellationToken);
    }

    public async Task<IReadOnlyList<DailyUsage>> GetDailyUsageAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        await FaultAsync(cancellationToken);
        return await inner.GetDailyUsageAsync(from, to, cancellationToken);
    }

    public IAsyncEnumerable<UserProfile> ReadAllUsersAsync(CancellationToken cancellationToken) => inner.ReadAllUsersAsync(cancellationToken);

    public IAsyncEnumerable<Conversation> ReadAllConversationsAsync(CancellationToken cancellationToken) => inner.ReadAllConversationsAsync(cancellationToken);

    public IAsyncEnumerable<MessageFeedback> ReadAllFeedbackAsync(CancellationToken cancellationToken) => inner.ReadAllFeedbackAsync(cancellationToken);

    public async Task<bool> RenameConversationAsync(string userId, string conversationId, string title, CancellationToken cancellationToken)
    {
        await FaultAsync(cancellationToken);
        return await inner.RenameConversationAsync(userId, conversationId, title, cancellationToken);
    }

    public async Task<bool> DeleteConversationAsync(string userId, string conversationId, CancellationToken cancellationToken)
    {
        await FaultAsync(cancellationToken);
        return await inner.DeleteConversationAsync(userId, conversationId, cancellationToken);
    }
}
