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

    /// <summary>Distinct people with a marker in the window's hours (whole UTC hours from From, before To).</summary>
    async Task<long> CountActiveUsersAsync(UsageWindow window, CancellationToken cancellationToken) =>
        (await GetActiveUsersAsync(window.FirstDay, window.LastDay, cancellationToken))
            .Where(a => window.Contains(a.Usage))
            .Select(a => a.UserId)
            .Distinct(StringComparer.Ordinal)
            .LongCount();

    /// <summary>Answers citing each document in the window's hours; documents never cited are absent.</summary>
    async Task<IReadOnlyDictionary<string, long>> CountCitationsAsync(UsageWindow window, CancellationToken cancellationToken) =>
        (await GetCitationUsageAsync(window.FirstDay, window.LastDay, cancellationToken))
            .Where(c => window.Contains(c.Key))
            .GroupBy(c => c.DocumentId, StringComparer.Ordinal)
            .Select(g => (g.Key, Answers: g.Sum(c => c.Answers)))
            .Where(g => g.Answers > 0)
            .ToDictionary(g => g.Key, g => g.Answers, StringComparer.Ordinal);

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

/// <summary>
/// The aggregate rows whose UTC hour starts in [From, To), optionally one role and one language. From and To are
/// expected on whole hours (a time-zone day boundary is, for zones with whole-hour offsets).
/// </summary>
public sealed record UsageWindow(DateTimeOffset From, DateTimeOffset To, string? Role = null, string? Language = null)
{
    public DateOnly FirstDay => DateOnly.FromDateTime(From.UtcDateTime);

    public DateOnly LastDay => DateOnly.FromDateTime(To.UtcDateTime.AddTicks(-1));

    public bool Contains(DailyUsageKey key)
    {
        var hour = new DateTimeOffset(key.Day.ToDateTime(new TimeOnly(key.Hour, 0)), TimeSpan.Zero);
        return hour >= From && hour < To && (Role is null || key.Role == Role) && (Language is null || key.Language == Language);
    }
}
