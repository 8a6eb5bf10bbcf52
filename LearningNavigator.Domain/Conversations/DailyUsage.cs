namespace LearningNavigator.Conversations;

/// <summary>
/// Counters for one UTC hour of a day, one role and one language, kept by the store as messages and feedback
/// are written, so analytics reads a handful of rows instead of every message. Rows are hourly (not daily) so a
/// dashboard can cut days at midnight in any time zone with a whole-hour offset, and read "the last hour".
/// Feedback counts on the hour, role and language of the answer it rates, so a rating never moves a count.
/// </summary>
public sealed record DailyUsage
{
    public const string UnknownRole = "unknown";

    public required DateOnly Day { get; init; }
    /// <summary>The UTC hour of the day, 0 to 23.</summary>
    public int Hour { get; init; }
    public required string Role { get; init; }
    public required string Language { get; init; }
    /// <summary>Conversations whose first message was written in this hour.</summary>
    public long Conversations { get; init; }
    /// <summary>Messages written by people.</summary>
    public long Questions { get; init; }
    /// <summary>Messages written by the assistant, partial ones included.</summary>
    public long Answers { get; init; }
    public long LowConfidenceAnswers { get; init; }
    public long ThumbsUp { get; init; }
    public long ThumbsDown { get; init; }
    public long InputTokens { get; init; }
    public long OutputTokens { get; init; }
    public long CacheReadTokens { get; init; }
    public long CacheWriteTokens { get; init; }
    /// <summary>Estimated cost in millionths of a dollar (whole numbers add exactly in both stores).</summary>
    public long CostMicroUsd { get; init; }
    /// <summary>Sum of <see cref="StoredMessage.LatencyMs"/> over the messages that have one.</summary>
    public long LatencyMsTotal { get; init; }
    /// <summary>How many messages <see cref="LatencyMsTotal"/> sums: the mean is the quotient.</summary>
    public long LatencySamples { get; init; }
    public long CrisisEvents { get; init; }
    public long MedicalRefusals { get; init; }
    public long OutOfScopeRefusals { get; init; }
    public long PromptInjections { get; init; }
    public UsageHistogram Latency { get; init; }
    public UsageHistogram TimeToFirstToken { get; init; }

    public DateTimeOffset HourStartUtc => new(Day.ToDateTime(new TimeOnly(Hour, 0)), TimeSpan.Zero);

    public DailyUsageKey Key => new(Day, Hour, Role, Language);

    public UsageCounters Counters => new(
        Questions, Answers, LowConfidenceAnswers, ThumbsUp, ThumbsDown, InputTokens, OutputTokens, LatencyMsTotal, LatencySamples,
        Conversations, CacheReadTokens, CacheWriteTokens, CostMicroUsd, CrisisEvents, MedicalRefusals, OutOfScopeRefusals,
        PromptInjections, Latency, TimeToFirstToken);
}

/// <summary>Which aggregate row a message (and the feedback on it) counts in.</summary>
public readonly record struct DailyUsageKey(DateOnly Day, int Hour, string Role, string Language)
{
    /// <summary>The first hour of the day: for callers that only care about days.</summary>
    public DailyUsageKey(DateOnly day, string role, string language)
        : this(day, 0, role, language)
    {
    }

    public static DailyUsageKey For(StoredMessage message) => new(
        DateOnly.FromDateTime(message.CreatedAt.UtcDateTime),
        message.CreatedAt.UtcDateTime.Hour,
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
    long LatencySamples,
    long Conversations = 0,
    long CacheReadTokens = 0,
    long CacheWriteTokens = 0,
    long CostMicroUsd = 0,
    long CrisisEvents = 0,
    long MedicalRefusals = 0,
    long OutOfScopeRefusals = 0,
    long PromptInjections = 0,
    UsageHistogram Latency = default,
    UsageHistogram TimeToFirstToken = default)
{
    /// <summary>The scalar counters by name, in one fixed order: the stores' column and attribute names.</summary>
    public static IReadOnlyList<string> ScalarNames { get; } =
    [
        nameof(Questions), nameof(Answers), nameof(LowConfidenceAnswers), nameof(ThumbsUp), nameof(ThumbsDown),
        nameof(InputTokens), nameof(OutputTokens), nameof(LatencyMsTotal), nameof(LatencySamples), nameof(Conversations),
        nameof(CacheReadTokens), nameof(CacheWriteTokens), nameof(CostMicroUsd), nameof(CrisisEvents), nameof(MedicalRefusals),
        nameof(OutOfScopeRefusals), nameof(PromptInjections),
    ];

    public bool IsZero => this == default;

    public long[] Scalars() =>
    [
        Questions, Answers, LowConfidenceAnswers, ThumbsUp, ThumbsDown, InputTokens, OutputTokens, LatencyMsTotal,
        LatencySamples, Conversations, CacheReadTokens, CacheWriteTokens, CostMicroUsd, CrisisEvents, MedicalRefusals,
        OutOfScopeRefusals, PromptInjections,
    ];

    public static UsageCounters FromScalars(IReadOnlyList<long> s, UsageHistogram latency, UsageHistogram timeToFirstToken) => new(
        s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10], s[11], s[12], s[13], s[14], s[15], s[16],
        latency, timeToFirstToken);

    /// <summary>The single definition both stores count by; the contract tests recount raw rows with it.</summary>
    /// <param name="startsConversation">The message was the first written in its conversation.</param>
    public static UsageCounters Of(StoredMessage message, bool startsConversation = false) => new(
        Questions: message.Author == MessageAuthor.User ? 1 : 0,
        Answers: message.Author == MessageAuthor.Assistant ? 1 : 0,
        LowConfidenceAnswers: message.Author == MessageAuthor.Assistant && message.LowConfidence ? 1 : 0,
        ThumbsUp: 0,
        ThumbsDown: 0,
        InputTokens: message.InputTokens ?? 0,
        OutputTokens: message.OutputTokens ?? 0,
        LatencyMsTotal: message.LatencyMs ?? 0,
        LatencySamples: message.LatencyMs is null ? 0 : 1,
        Conversations: startsConversation ? 1 : 0,
        CacheReadTokens: message.CacheReadTokens ?? 0,
        CacheWriteTokens: message.CacheWriteTokens ?? 0,
        CostMicroUsd: message.EstimatedCostUsd is { } cost ? (long)Math.Round(cost * 1_000_000m, MidpointRounding.AwayFromZero) : 0,
        CrisisEvents: message.Safety.HasFlag(SafetyFlags.Crisis) ? 1 : 0,
        MedicalRefusals: message.Safety.HasFlag(SafetyFlags.MedicalRefusal) ? 1 : 0,
        OutOfScopeRefusals: message.Safety.HasFlag(SafetyFlags.OutOfScope) ? 1 : 0,
        PromptInjections: message.Safety.HasFlag(SafetyFlags.PromptInjection) ? 1 : 0,
        Latency: UsageHistogram.Of(message.LatencyMs),
        TimeToFirstToken: UsageHistogram.Of(message.TimeToFirstTokenMs));

    public static UsageCounters Of(FeedbackRating? rating) => new(
        0, 0, 0, rating == FeedbackRating.Up ? 1 : 0, rating == FeedbackRating.Down ? 1 : 0, 0, 0, 0, 0);

    public static UsageCounters operator +(UsageCounters a, UsageCounters b)
    {
        var x = a.Scalars();
        var y = b.Scalars();
        for (var i = 0; i < x.Length; i++)
        {
            x[i] += y[i];
        }

        return FromScalars(x, a.Latency + b.Latency, a.TimeToFirstToken + b.TimeToFirstToken);
    }

    public static UsageCounters operator -(UsageCounters a) =>
        FromScalars([.. a.Scalars().Select(v => -v)], -a.Latency, -a.TimeToFirstToken);

    public static UsageCounters operator -(UsageCounters a, UsageCounters b) => a + -b;

    public DailyUsage ToRow(DailyUsageKey key) => new()
    {
        Day = key.Day,
        Hour = key.Hour,
        Role = key.Role,
        Language = key.Language,
        Conversations = Conversations,
        Questions = Questions,
        Answers = Answers,
        LowConfidenceAnswers = LowConfidenceAnswers,
        ThumbsUp = ThumbsUp,
        ThumbsDown = ThumbsDown,
        InputTokens = InputTokens,
        OutputTokens = OutputTokens,
        CacheReadTokens = CacheReadTokens,
        CacheWriteTokens = CacheWriteTokens,
        CostMicroUsd = CostMicroUsd,
        LatencyMsTotal = LatencyMsTotal,
        LatencySamples = LatencySamples,
        CrisisEvents = CrisisEvents,
        MedicalRefusals = MedicalRefusals,
        OutOfScopeRefusals = OutOfScopeRefusals,
        PromptInjections = PromptInjections,
        Latency = Latency,
        TimeToFirstToken = TimeToFirstToken,
    };
}

/// <summary>How many answers of one hour, role and language cited a document (once per answer, however often).</summary>
public sealed record CitationUsage(DailyUsageKey Key, string DocumentId, long Answers);

/// <summary>The part of an hourly row the per-day charts read: messages (questions and answers) and ratings.</summary>
public readonly record struct HourlyActivity(DailyUsageKey Key, long Messages, long ThumbsUp, long ThumbsDown)
{
    public DateTimeOffset HourStartUtc => new(Key.Day.ToDateTime(new TimeOnly(Key.Hour, 0)), TimeSpan.Zero);
}

/// <summary>A person who asked at least once in one hour, role and language: the active-user marker.</summary>
public readonly record struct ActiveUserKey(DailyUsageKey Usage, string UserId);

/// <summary>
/// The UTC days of one year on which a person asked at least once in one role and language: the day markers.
/// Exact distinct counts over any range of days come from these without reading one row per person and day.
/// </summary>
public sealed record ActiveDays(int Year, string Role, string Language, string UserId, IReadOnlySet<int> DaysOfYear)
{
    /// <summary>Day of the year counted from 0 (1 January), the bit a day sets.</summary>
    public static int DayIndex(DateOnly day) => day.DayOfYear - 1;

    /// <summary>The stores keep the day set as six 64-bit words (366 days fit in 384 bits): word and bit of a day.</summary>
    public static (int Word, long Bit) WordOf(DateOnly day) => (DayIndex(day) / 64, 1L << (DayIndex(day) % 64));

    public const int Words = 6;

    /// <summary>The bits of the days from..to (one year) in each of the six words.</summary>
    public static long[] Mask(DateOnly from, DateOnly to)
    {
        if (from.Year != to.Year || to < from)
        {
            throw new ArgumentException($"A day mask covers days of one year in order, not {from:yyyy-MM-dd}..{to:yyyy-MM-dd}.", nameof(to));
        }

        var mask = new long[Words];
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            var (word, bit) = WordOf(day);
            mask[word] |= bit;
        }

        return mask;
    }

    public static IReadOnlySet<int> FromWords(IReadOnlyList<long> words) =>
        Enumerable.Range(0, Words * 64).Where(i => (words[i / 64] & (1L << (i % 64))) != 0).ToHashSet();

    public bool ActiveBetween(DateOnly from, DateOnly to) =>
        DaysOfYear.Any(d => d >= DayIndex(from) && d <= DayIndex(to));
}

/// <summary>
/// What one write changes, per aggregate row. A re-saved message takes its old contribution (and its
/// feedback, if it moved to another row) out and puts the new one in; rows whose change nets to zero drop out.
/// </summary>
public sealed class UsageDelta
{
    private readonly Dictionary<DailyUsageKey, UsageCounters> changes = [];
    private readonly Dictionary<(DailyUsageKey Key, string DocumentId), long> citations = [];

    public void Add(DailyUsageKey key, UsageCounters counters) =>
        changes[key] = changes.GetValueOrDefault(key) + counters;

    public void AddCitations(StoredMessage message, long sign)
    {
        if (message.Author != MessageAuthor.Assistant)
        {
            return;
        }

        var key = DailyUsageKey.For(message);
        foreach (var documentId in message.Citations.Select(c => c.DocumentId).Distinct(StringComparer.Ordinal))
        {
            citations[(key, documentId)] = citations.GetValueOrDefault((key, documentId)) + sign;
        }
    }

    public void AddCitation(CitationUsage citation) =>
        citations[(citation.Key, citation.DocumentId)] = citations.GetValueOrDefault((citation.Key, citation.DocumentId)) + citation.Answers;

    public IEnumerable<KeyValuePair<DailyUsageKey, UsageCounters>> Changes => changes.Where(c => !c.Value.IsZero);

    public IEnumerable<CitationUsage> CitationChanges =>
        citations.Where(c => c.Value != 0).Select(c => new CitationUsage(c.Key.Key, c.Key.DocumentId, c.Value));

    /// <summary>The same changes summed per UTC day (hour 0): what the day rollups take, in the same write.</summary>
    public IEnumerable<KeyValuePair<DailyUsageKey, UsageCounters>> DayChanges =>
        changes.GroupBy(c => c.Key with { Hour = 0 })
            .Select(g => KeyValuePair.Create(g.Key, g.Aggregate(default(UsageCounters), (sum, c) => sum + c.Value)))
            .Where(c => !c.Value.IsZero);

    public IEnumerable<CitationUsage> DayCitationChanges =>
        citations.GroupBy(c => (Key: c.Key.Key with { Hour = 0 }, c.Key.DocumentId))
            .Select(g => new CitationUsage(g.Key.Key, g.Key.DocumentId, g.Sum(c => c.Value)))
            .Where(c => c.Answers != 0);

    public static UsageDelta ForMessage(StoredMessage? before, StoredMessage after, UsageCounters feedbackOnMessage, bool startsConversation = false)
    {
        var delta = new UsageDelta();
        if (before is not null)
        {
            delta.Add(DailyUsageKey.For(before), -(UsageCounters.Of(before, startsConversation) + feedbackOnMessage));
            delta.AddCitations(before, -1);
        }

        delta.Add(DailyUsageKey.For(after), UsageCounters.Of(after, startsConversation) + (before is null ? default : feedbackOnMessage));
        delta.AddCitations(after, +1);
        return delta;
    }

    public static UsageDelta ForFeedback(StoredMessage rated, FeedbackRating? before, FeedbackRating after)
    {
        var delta = new UsageDelta();
        delta.Add(DailyUsageKey.For(rated), UsageCounters.Of(after) - UsageCounters.Of(before));
        return delta;
    }
}
