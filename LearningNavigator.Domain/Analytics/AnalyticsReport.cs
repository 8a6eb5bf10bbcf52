namespace LearningNavigator.Analytics;

/// <summary>Everything the dashboard shows for one range and filter, computed from stored data only.</summary>
public sealed record AnalyticsReport
{
    public required AnalyticsRange Range { get; init; }
    public required AnalyticsFilter Filter { get; init; }
    public required string TimeZone { get; init; }
    public required AnalyticsCards Cards { get; init; }
    public required AnalyticsSeries Series { get; init; }
    public required AnalyticsTables Tables { get; init; }
    public required AnalyticsBanners Banners { get; init; }
}

public sealed record AnalyticsCards
{
    public long Conversations { get; init; }
    public long Messages { get; init; }
    public long Questions { get; init; }
    public long Answers { get; init; }
    public long ActiveUsers { get; init; }
    public long ThumbsUp { get; init; }
    public long ThumbsDown { get; init; }
    /// <summary>Thumbs up over all ratings, 0 to 1; null without ratings.</summary>
    public double? PositiveFeedbackShare { get; init; }
    /// <summary>Null when no escalation store is wired (the count is unknown, not zero).</summary>
    public int? OpenEscalations { get; init; }
    public long LowConfidenceAnswers { get; init; }
    public double? LatencyP50Ms { get; init; }
    public double? LatencyP95Ms { get; init; }
    public double? TimeToFirstTokenP95Ms { get; init; }
    public long InputTokens { get; init; }
    public long OutputTokens { get; init; }
    public long CacheReadTokens { get; init; }
    public long CacheWriteTokens { get; init; }
    public decimal CostUsd { get; init; }
    /// <summary>Spend of the current calendar month so far, all roles and languages (the budget is one).</summary>
    public decimal MonthToDateCostUsd { get; init; }
    public decimal MonthlyBudgetUsd { get; init; }
    /// <summary>Month-to-date spend over the budget; null with no budget.</summary>
    public double? BudgetShare { get; init; }
    public long CrisisEvents { get; init; }
    public long MedicalRefusals { get; init; }
    public long OutOfScopeRefusals { get; init; }
    public long PromptInjections { get; init; }
}

public sealed record AnalyticsSeries
{
    public required IReadOnlyList<DateOnly> Days { get; init; }
    /// <summary>Messages (questions and answers) per day of <see cref="Days"/>, per role.</summary>
    public required IReadOnlyList<NamedSeries> MessagesByRole { get; init; }
    public required IReadOnlyList<long> ThumbsUpPerDay { get; init; }
    public required IReadOnlyList<long> ThumbsDownPerDay { get; init; }
    /// <summary>Messages per language, most first.</summary>
    public required IReadOnlyList<NamedCount> Languages { get; init; }
    /// <summary>Answers per latency bucket, in bucket order.</summary>
    public required IReadOnlyList<LatencyBucket> LatencyHistogram { get; init; }
}

public sealed record NamedSeries(string Name, IReadOnlyList<long> Values);

public sealed record NamedCount(string Name, long Count);

/// <summary>Answers that took more than <see cref="FromMs"/> and at most <see cref="ToMs"/> (null: no upper bound).</summary>
public sealed record LatencyBucket(int FromMs, int? ToMs, long Count);

public sealed record AnalyticsTables
{
    public required IReadOnlyList<AskedQuestion> TopQuestions { get; init; }
    /// <summary>How many of the range's questions the grouping read (it reads the newest, up to the configured bound).</summary>
    public required int QuestionsScanned { get; init; }
    public required IReadOnlyList<WeakAnswer> WeakAnswers { get; init; }
    public required IReadOnlyList<CitedDocument> MostCited { get; init; }
    public required IReadOnlyList<CitedDocument> NeverCited { get; init; }
}

/// <summary>A question and its near-identical wordings, with the latest conversation that asked it.</summary>
public sealed record AskedQuestion(string Question, int Count, int Wordings, string ConversationId, DateTimeOffset LastAskedAt);

public enum WeakAnswerReason
{
    LowConfidence,
    ThumbsDown,
    LowConfidenceAndThumbsDown,
}

public sealed record WeakAnswer(string Question, WeakAnswerReason Reason, string Role, string Language, DateTimeOffset AnsweredAt, string ConversationId);

public sealed record CitedDocument(string DocumentId, string Title, long Answers);

public sealed record AnalyticsBanners
{
    /// <summary>p95 answer latency over the current and previous clock hour, when there were answers; all roles.</summary>
    public double? LastHourP95Ms { get; init; }
    public bool LatencyAlarm { get; init; }
    public bool BudgetAlarm { get; init; }
}
