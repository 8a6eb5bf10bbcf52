namespace LearningNavigator.Conversations;

/// <summary>
/// The analytics side of the conversation store: the aggregates kept on write, and a bounded read of raw
/// messages for the tables that need text. Both stores implement it next to <see cref="IConversationStore"/>.
/// </summary>
public interface IUsageStore
{
    /// <summary>Usage rows of the UTC days from <paramref name="from"/> to <paramref name="to"/>, both included.</summary>
    Task<IReadOnlyList<DailyUsage>> GetDailyUsageAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken);

    /// <summary>Citation counts of the UTC days from <paramref name="from"/> to <paramref name="to"/>, both included.</summary>
    Task<IReadOnlyList<CitationUsage>> GetCitationUsageAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken);

    /// <summary>Active-user markers of the UTC days from <paramref name="from"/> to <paramref name="to"/>, both included.</summary>
    Task<IReadOnlyList<ActiveUserKey>> GetActiveUsersAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken);

    /// <summary>
    /// Up to <see cref="MessageQuery.Limit"/> messages written in [From, To), newest first, with what the query
    /// asks for. Reads raw messages: for tables, never for counts.
    /// </summary>
    Task<IReadOnlyList<AnalyticsMessage>> ListMessagesAsync(MessageQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Writes conversations with their messages and feedback as if each had been saved alone (same rows, same
    /// counters), but in as few round trips as the store allows. For seeding and bulk loads.
    /// </summary>
    Task SaveBatchAsync(ConversationBatch batch, CancellationToken cancellationToken);
}

public sealed record MessageQuery
{
    public required DateTimeOffset From { get; init; }
    public required DateTimeOffset To { get; init; }
    public required MessageAuthor Author { get; init; }
    /// <summary>Only answers flagged low-confidence or rated thumbs-down by their asker.</summary>
    public bool OnlyWeakAnswers { get; init; }
    public string? Role { get; init; }
    public string? Language { get; init; }
    public required int Limit { get; init; }
}

/// <summary>A message as the dashboard tables see it: who asked, and the asker's rating of it if any.</summary>
public sealed record AnalyticsMessage(StoredMessage Message, string UserId, FeedbackRating? Rating);

public sealed record ConversationBatch(
    IReadOnlyList<Conversation> Conversations,
    IReadOnlyList<StoredMessage> Messages,
    IReadOnlyList<MessageFeedback> Feedback);
