namespace LearningNavigator.Conversations;

/// <summary>
/// Counters for one UTC day, role and language, kept by the store as messages and feedback are written,
/// so analytics reads a handful of rows instead of every message. Feedback counts on the day, role and
/// language of the answer it rates, so a rating never moves a count to another day.
/// </summary>
public sealed record DailyUsage
{
    public const string UnknownRole = "unknown";

    public required DateOnly Day { get; init; }
    public required string Role { get; init; }
    public required string Language { get; init; }
    /// <summary>Messages written by people.</summary>
    public long Questions { get; init; }
    /// <summary>Messages written by the assistant, partial ones included.</summary>
    public long Answers { get; init; }
    public long LowConfidenceAnswers { get; init; }
    public long ThumbsUp { get; init; }
    public long ThumbsDown { get; init; }
    public long InputTokens { get; init; }
    public long OutputTokens { get; init; }
    /// <summary>Sum of <see cref="StoredMessage.LatencyMs"/> over the messages that have one.</summary>
    public long LatencyMsTotal { get; init; }
    /// <summary>How many messages <see cref="LatencyMsTotal"/> sums: the mean is the quotient.</summary>
    public long LatencySamples { get; init; }
}

/// <summary>Which aggregate row a message (and the feedback on it) counts in.</summary>
public readonly record struct DailyUsageKey(DateOnly Day, string Role, string Language)
{
    public static DailyUsageKey For(StoredMessage message) => new(
        DateOnly.FromDateTime(message.CreatedAt.UtcDateTime),
        string.IsNullOrEmpty(message.Role) ? DailyUsage.UnknownRole : message.Role,
        message.Language);
}

/// <summary>The additive part of <see cref="DailyUsage"/>: what one write adds to or takes from a row.</summary>
public readonly record struct UsageCounters(
    long Questions,
    long Answers,
    long LowConfidenceAnswers,
    long ThumbsUp,
    long ThumbsDown,
    long InputTokens,
    long OutputTokens,
    long LatencyMsTotal,
    long LatencySamples)
{
    public bool IsZero => this == default;

    /// <summary>The single definition both stores count by; the contract tests recount raw rows with it.</summary>
    public static UsageCounters Of(StoredMessage message) => new(
        Questions: message.Author == MessageAuthor.User ? 1 : 0,
        Answers: message.Author == MessageAuthor.Assistant ? 1 : 0,
        LowConfidenceAnswers: message.Author == MessageAuthor.Assistant && message.LowConfidence ? 1 : 0,
        ThumbsUp: 0,
        ThumbsDown: 0,
        InputTokens: message.InputTokens ?? 0,
        OutputTokens: message.OutputTokens ?? 0,
        LatencyMsTotal: message.LatencyMs ?? 0,
        LatencySamples: message.LatencyMs is null ? 0 : 1);

    public static UsageCounters Of(FeedbackRating? rating) => new(
        0, 0, 0, rating == FeedbackRating.Up ? 1 : 0, rating == FeedbackRating.Down ? 1 : 0, 0, 0, 0, 0);

    public static UsageCounters operator +(UsageCounters a, UsageCounters b) => new(
        a.Questions + b.Questions, a.Answers + b.Answers, a.LowConfidenceAnswers + b.LowConfidenceAnswers,
        a.ThumbsUp + b.ThumbsUp, a.ThumbsDown + b.ThumbsDown, a.InputTokens + b.InputTokens,
        a.OutputTokens + b.OutputTokens, a.LatencyMsTotal + b.LatencyMsTotal, a.LatencySamples + b.LatencySamples);

    public static UsageCounters operator -(UsageCounters a) => new(
        -a.Questions, -a.Answers, -a.LowConfidenceAnswers, -a.ThumbsUp, -a.ThumbsDown, -a.InputTokens,
        -a.OutputTokens, -a.LatencyMsTotal, -a.LatencySamples);

    public static UsageCounters operator -(UsageCounters a, UsageCounters b) => a + -b;

    public DailyUsage ToRow(DailyUsageKey key) => new()
    {
        Day = key.Day,
        Role = key.Role,
        Language = key.Language,
        Questions = Questions,
        Answers = Answers,
        LowConfidenceAnswers = LowConfidenceAnswers,
        ThumbsUp = ThumbsUp,
        ThumbsDown = ThumbsDown,
        InputTokens = InputTokens,
        OutputTokens = OutputTokens,
        LatencyMsTotal = LatencyMsTotal,
        LatencySamples = LatencySamples,
    };
}

/// <summary>
/// What one write changes, per aggregate row. A re-saved message takes its old contribution (and its
/// feedback, if it moved to another row) out and puts the new one in; rows whose change nets to zero drop out.
/// </summary>
public sealed class UsageDelta
{
    private readonly Dictionary<DailyUsageKey, UsageCounters> changes = [];

    public void Add(DailyUsageKey key, UsageCounters counters) =>
        changes[key] = changes.GetValueOrDefault(key) + counters;

    public IEnumerable<KeyValuePair<DailyUsageKey, UsageCounters>> Changes => changes.Where(c => !c.Value.IsZero);

    public static UsageDelta ForMessage(StoredMessage? before, StoredMessage after, UsageCounters feedbackOnMessage)
    {
        var delta = new UsageDelta();
        if (before is not null)
        {
            delta.Add(DailyUsageKey.For(before), -(UsageCounters.Of(before) + feedbackOnMessage));
        }

        delta.Add(DailyUsageKey.For(after), UsageCounters.Of(after) + (before is null ? default : feedbackOnMessage));
        return delta;
    }

    public static UsageDelta ForFeedback(StoredMessage rated, FeedbackRating? before, FeedbackRating after)
    {
        var delta = new UsageDelta();
        delta.Add(DailyUsageKey.For(rated), UsageCounters.Of(after) - UsageCounters.Of(before));
        return delta;
    }
}
