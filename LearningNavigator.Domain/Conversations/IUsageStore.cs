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
    /// The per-UTC-day rollups of the days from..to (both included): one row per day, role and language, the sum of
    /// that day's hourly rows. <see cref="DailyUsage.Hour"/> is 0. Kept on write, in the same transaction.
    /// </summary>
    Task<IReadOnlyList<DailyUsage>> GetDayTotalsAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken);

    /// <summary>
    /// Messages and ratings of the hourly rows of the UTC days from..to whose UTC hour is one of
    /// <paramref name="hours"/>: the few columns the per-day charts need, for the hours they move to another day.
    /// </summary>
    Task<IReadOnlyList<HourlyActivity>> GetHourlyActivityAsync(DateOnly from, DateOnly to, IReadOnlyCollection<int> hours, CancellationToken cancellationToken);

    /// <summary>Citation counts per UTC day (rollups of the hourly counts; <see cref="DailyUsageKey.Hour"/> is 0).</summary>
    Task<IReadOnlyList<CitationUsage>> GetDayCitationsAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken);

    /// <summary>Who asked on which UTC days of <paramref name="year"/>: one entry per person, role and language.</summary>
    Task<IReadOnlyList<ActiveDays>> GetActiveDaysAsync(int year, CancellationToken cancellationToken);

    /// <summary>
    /// Distinct people with a marker in the window's hours (whole UTC hours from From, before To): the day
    /// markers for the whole UTC days inside the window, the hourly markers for the days it covers in part.
    /// </summary>
    async Task<long> CountActiveUsersAsync(UsageWindow window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        var users = new HashSet<string>(StringComparer.Ordinal);
        if (window.WholeDays is { } whole)
        {
            for (var year = whole.First.Year; year <= whole.Last.Year; year++)
            {
                var (from, to) = (Math.Max(whole.First.DayNumber, new DateOnly(year, 1, 1).DayNumber), Math.Min(whole.Last.DayNumber, new DateOnly(year, 12, 31).DayNumber));
                users.UnionWith((await GetActiveDaysAsync(year, cancellationToken))
                    .Where(a => window.Matches(a.Role, a.Language) && a.ActiveBetween(DateOnly.FromDayNumber(from), DateOnly.FromDayNumber(to)))
                    .Select(a => a.UserId));
            }
        }

        foreach (var day in window.PartialDays)
        {
            users.UnionWith((await GetActiveUsersAsync(day, day, cancellationToken)).Where(a => window.Contains(a.Usage)).Select(a => a.UserId));
        }

        return users.Count;
    }

    /// <summary>Answers citing each document in the window's hours; documents never cited are absent.</summary>
    async Task<IReadOnlyDictionary<string, long>> CountCitationsAsync(UsageWindow window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        var rows = new List<CitationUsage>();
        if (window.WholeDays is { } whole)
        {
            rows.AddRange((await GetDayCitationsAsync(whole.First, whole.Last, cancellationToken)).Where(c => window.Matches(c.Key.Role, c.Key.Language)));
        }

        foreach (var day in window.PartialDays)
        {
            rows.AddRange((await GetCitationUsageAsync(day, day, cancellationToken)).Where(c => window.Contains(c.Key)));
        }

        return rows
            .GroupBy(c => c.DocumentId, StringComparer.Ordinal)
            .Select(g => (g.Key, Answers: g.Sum(c => c.Answers)))
            .Where(g => g.Answers > 0)
            .ToDictionary(g => g.Key, g => g.Answers, StringComparer.Ordinal);
    }

    /// <summary>
    /// The counters of the window's hours, summed per role and language (<see cref="DailyUsage.Day"/> is the
    /// window's first UTC day, <see cref="DailyUsage.Hour"/> 0): day rollups for the whole UTC days, hourly rows for the rest.
    /// </summary>
    async Task<IReadOnlyList<DailyUsage>> GetUsageAsync(UsageWindow window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        var rows = new List<DailyUsage>();
        if (window.WholeDays is { } whole)
        {
            rows.AddRange((await GetDayTotalsAsync(whole.First, whole.Last, cancellationToken)).Where(r => window.Matches(r.Role, r.Language)));
        }

        foreach (var day in window.PartialDays)
        {
            rows.AddRange((await GetDailyUsageAsync(day, day, cancellationToken)).Where(r => window.Contains(r.Key)));
        }

        return UsageWindow.SumByRoleAndLanguage(window.FirstDay, rows);
    }

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

    /// <summary>Every hourly usage row whose counters are not all zero, in no particular order (export).</summary>
    IAsyncEnumerable<DailyUsage> ReadAllUsageAsync(CancellationToken cancellationToken);

    /// <summary>Every hourly citation count that is not zero, in no particular order (export).</summary>
    IAsyncEnumerable<CitationUsage> ReadAllCitationUsageAsync(CancellationToken cancellationToken);

    /// <summary>Every hourly active-user marker, in no particular order (export).</summary>
    IAsyncEnumerable<ActiveUserKey> ReadAllActiveUsersAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Makes each hourly row and citation count named in <paramref name="snapshot"/> equal to it, and adds its
    /// markers (import). The difference from what is stored is written like any usage change, so the day rollups
    /// and day markers follow in the same writes. What the snapshot does not name is left as it is. Running it
    /// again changes nothing; it is not meant to run while the app writes the same rows.
    /// </summary>
    Task RestoreUsageAsync(UsageSnapshot snapshot, CancellationToken cancellationToken);
}

/// <summary>
/// The hourly aggregates as an export carries them. The day rollups and day markers are not in it: both stores
/// keep them as exact sums (and unions) of these, in the same writes, so they are derived again on import.
/// </summary>
public sealed record UsageSnapshot(
    IReadOnlyList<DailyUsage> Usage,
    IReadOnlyList<CitationUsage> Citations,
    IReadOnlyList<ActiveUserKey> ActiveUsers)
{
    /// <summary>"Equal to the snapshot" needs one value per row: a row or citation count named twice is refused.</summary>
    /// <exception cref="ArgumentException">The first repeated key.</exception>
    public void ThrowIfAmbiguous()
    {
        if (Usage.GroupBy(r => r.Key).FirstOrDefault(g => g.Count() > 1) is { } row)
        {
            throw new ArgumentException($"The usage row {Describe(row.Key)} is given more than once.", nameof(Usage));
        }

        if (Citations.GroupBy(c => (c.Key, c.DocumentId)).FirstOrDefault(g => g.Count() > 1) is { } citation)
        {
            throw new ArgumentException($"The citation count of '{citation.Key.DocumentId}' at {Describe(citation.Key.Key)} is given more than once.", nameof(Citations));
        }
    }

    private static string Describe(DailyUsageKey key) =>
        $"{key.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)} hour {key.Hour}, role '{key.Role}', language '{key.Language}'";
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

    /// <summary>The UTC days wholly inside the window, which the day rollups answer for; null when there are none.</summary>
    public (DateOnly First, DateOnly Last)? WholeDays
    {
        get
        {
            var first = From.UtcDateTime.TimeOfDay == TimeSpan.Zero ? FirstDay : FirstDay.AddDays(1);
            var last = DateOnly.FromDateTime(To.UtcDateTime).AddDays(-1);
            return From < To && first <= last ? (first, last) : null;
        }
    }

    /// <summary>The UTC days the window covers only in part (at most two): read hour by hour.</summary>
    public IReadOnlyList<DateOnly> PartialDays
    {
        get
        {
            if (From >= To)
            {
                return [];
            }

            var days = new List<DateOnly>(2);
            if (From.UtcDateTime.TimeOfDay != TimeSpan.Zero)
            {
                days.Add(FirstDay);
            }

            var toDay = DateOnly.FromDateTime(To.UtcDateTime);
            if (To.UtcDateTime.TimeOfDay != TimeSpan.Zero && !days.Contains(toDay))
            {
                days.Add(toDay);
            }

            return days;
        }
    }

    public bool Matches(string role, string language) =>
        (Role is null || role == Role) && (Language is null || language == Language);

    public bool Contains(DailyUsageKey key)
    {
        var hour = new DateTimeOffset(key.Day.ToDateTime(new TimeOnly(key.Hour, 0)), TimeSpan.Zero);
        return hour >= From && hour < To && Matches(key.Role, key.Language);
    }

    internal static IReadOnlyList<DailyUsage> SumByRoleAndLanguage(DateOnly day, IEnumerable<DailyUsage> rows) =>
    [
        .. rows.GroupBy(r => (r.Role, r.Language))
            .Select(g => g.Aggregate(default(UsageCounters), (sum, r) => sum + r.Counters).ToRow(new DailyUsageKey(day, 0, g.Key.Role, g.Key.Language)))
            .OrderBy(r => r.Role, StringComparer.Ordinal).ThenBy(r => r.Language, StringComparer.Ordinal),
    ];
}
