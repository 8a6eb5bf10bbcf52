using LearningNavigator.Conversations;
using LearningNavigator.Documents;
using LearningNavigator.Escalations;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Analytics;

/// <summary>
/// Builds the dashboard from the aggregates (cards, charts, banners: per-UTC-day rollups for whole days, hourly
/// rows for the hours at a range's ends and the hours a time zone moves to another day), the active-user day
/// markers, the citation counts, and a bounded read of recent messages for the text tables. Nothing here scans
/// every message.
/// </summary>
public sealed class AnalyticsService(
    IUsageStore usage,
    IConversationStore conversations,
    IDocumentLibrary library,
    IEnumerable<IEscalationStatistics> escalations,
    IOptions<AnalyticsOptions> options,
    TimeProvider time)
{
    /// <summary>The seed's alarm: p95 answer latency over the last hour above this.</summary>
    public const int LatencyAlarmMs = 3000;
    public const double BudgetWarningShare = 0.8;

    public TimeZoneInfo Zone => options.Value.Zone;

    public int MaxQuestionsScanned => options.Value.MaxQuestionsScanned;

    public int TableRows => options.Value.TableRows;

    public AnalyticsRange RangeFor(AnalyticsPeriod period) => AnalyticsRange.For(period, time.GetUtcNow(), Zone);

    public async Task<AnalyticsReport> GetReportAsync(AnalyticsRange range, AnalyticsFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(range);
        ArgumentNullException.ThrowIfNull(filter);
        var settings = options.Value;
        var zone = settings.Zone;
        var now = time.GetUtcNow();
        var (start, end) = range.ToUtc(zone);
        var localNow = TimeZoneInfo.ConvertTime(now, zone);
        var monthStart = AnalyticsRange.StartOfDay(new DateOnly(localNow.Year, localNow.Month, 1), zone);
        var lastHourStart = new DateTimeOffset(now.UtcDateTime.Date.AddHours(now.UtcDateTime.Hour), TimeSpan.Zero).AddHours(-1);

        var nextHour = lastHourStart.AddHours(2);
        var window = new UsageWindow(start, end, filter.Role, filter.Language);
        // Whole UTC days come from the day rollups, the hours at a window's ends from the hourly rows: no read
        // grows with the number of messages, and none but the series' shifted hours with the number of days.
        // SQLite answers synchronously under its async API: Task.Run lets the reads use more than one core. The
        // question read (the largest) goes first; the small reads run on this thread meanwhile.
        var questionsTask = Task.Run(() => usage.ListMessagesAsync(new MessageQuery
        {
            From = start, To = end, Author = MessageAuthor.User, Role = filter.Role, Language = filter.Language, Limit = settings.MaxQuestionsScanned,
        }, cancellationToken), cancellationToken);
        var rangeTask = Task.Run(() => usage.GetUsageAsync(window, cancellationToken), cancellationToken);
        var monthTask = usage.GetUsageAsync(new UsageWindow(monthStart, nextHour), cancellationToken);
        var lastHourTask = usage.GetUsageAsync(new UsageWindow(lastHourStart, nextHour), cancellationToken);
        var dayTotalsTask = usage.GetDayTotalsAsync(range.From, range.To, cancellationToken);
        var shiftedTask = Task.Run(() => usage.GetHourlyActivityAsync(range.From.AddDays(-1), range.To.AddDays(1), ShiftedHours(range, zone), cancellationToken), cancellationToken);
        var activeTask = Task.Run(() => usage.CountActiveUsersAsync(window, cancellationToken), cancellationToken);
        var citationsTask = Task.Run(() => usage.CountCitationsAsync(window, cancellationToken), cancellationToken);
        var weakTask = usage.ListMessagesAsync(new MessageQuery
        {
            From = start, To = end, Author = MessageAuthor.Assistant, OnlyWeakAnswers = true, Role = filter.Role, Language = filter.Language, Limit = settings.TableRows,
        }, cancellationToken);
        var documentsTask = library.ListAsync(cancellationToken);
        var escalationStore = escalations.FirstOrDefault();
        var openTask = escalationStore is null ? Task.FromResult<int?>(null) : CountOpenAsync(escalationStore, filter, cancellationToken);
        await Task.WhenAll(rangeTask, monthTask, lastHourTask, dayTotalsTask, shiftedTask, activeTask, citationsTask, questionsTask, weakTask, documentsTask, openTask);

        var inRange = await rangeTask;
        var total = inRange.Aggregate(default(UsageCounters), (sum, r) => sum + r.Counters);
        var month = (await monthTask).Aggregate(default(UsageCounters), (sum, r) => sum + r.Counters);
        var lastHour = (await lastHourTask).Aggregate(default(UsageHistogram), (sum, r) => sum + r.Latency);
        var monthCost = month.CostMicroUsd / 1_000_000m;

        var activeUsers = await activeTask;

        var ratings = total.ThumbsUp + total.ThumbsDown;
        var cards = new AnalyticsCards
        {
            Conversations = total.Conversations,
            Messages = total.Questions + total.Answers,
            Questions = total.Questions,
            Answers = total.Answers,
            ActiveUsers = activeUsers,
            ThumbsUp = total.ThumbsUp,
            ThumbsDown = total.ThumbsDown,
            PositiveFeedbackShare = ratings == 0 ? null : (double)total.ThumbsUp / ratings,
            OpenEscalations = await openTask,
            LowConfidenceAnswers = total.LowConfidenceAnswers,
            LatencyP50Ms = total.Latency.Percentile(0.5),
            LatencyP95Ms = total.Latency.Percentile(0.95),
            TimeToFirstTokenP95Ms = total.TimeToFirstToken.Percentile(0.95),
            InputTokens = total.InputTokens,
            OutputTokens = total.OutputTokens,
            CacheReadTokens = total.CacheReadTokens,
            CacheWriteTokens = total.CacheWriteTokens,
            CostUsd = total.CostMicroUsd / 1_000_000m,
            MonthToDateCostUsd = monthCost,
            MonthlyBudgetUsd = settings.MonthlyBudgetUsd,
            BudgetShare = settings.MonthlyBudgetUsd == 0 ? null : (double)(monthCost / settings.MonthlyBudgetUsd),
            CrisisEvents = total.CrisisEvents,
            MedicalRefusals = total.MedicalRefusals,
            OutOfScopeRefusals = total.OutOfScopeRefusals,
            PromptInjections = total.PromptInjections,
        };

        var documents = await documentsTask;
        return new AnalyticsReport
        {
            Range = range,
            Filter = filter,
            TimeZone = zone.Id,
            Cards = cards,
            Series = BuildSeries(range, zone, window, await dayTotalsTask, await shiftedTask, inRange, total),
            Tables = await BuildTablesAsync(await questionsTask, await weakTask, await citationsTask, documents, settings, cancellationToken),
            Banners = new AnalyticsBanners
            {
                LastHourP95Ms = lastHour.Percentile(0.95),
                LatencyAlarm = lastHour.PercentileExceeds(0.95, LatencyAlarmMs),
                BudgetAlarm = settings.MonthlyBudgetUsd > 0 && monthCost > settings.MonthlyBudgetUsd * (decimal)BudgetWarningShare,
            },
        };
    }

    private static async Task<int?> CountOpenAsync(IEscalationStatistics statistics, AnalyticsFilter filter, CancellationToken cancellationToken) =>
        await statistics.CountOpenAsync(filter.Role, filter.Language, cancellationToken);

    /// <summary>
    /// The UTC hours of day that fall on another local day than their UTC day somewhere in the range (none in UTC,
    /// four or five in New York): only these hourly rows are read for the per-day series.
    /// </summary>
    public static IReadOnlyCollection<int> ShiftedHours(AnalyticsRange range, TimeZoneInfo zone)
    {
        var hours = new SortedSet<int>();
        var end = new DateTimeOffset(range.To.AddDays(2).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        for (var at = new DateTimeOffset(range.From.AddDays(-1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero); at < end && hours.Count < 24; at = at.AddHours(1))
        {
            if (LocalDay(at, zone) != DateOnly.FromDateTime(at.UtcDateTime))
            {
                hours.Add(at.UtcDateTime.Hour);
            }
        }

        return hours;
    }

    private static DateOnly LocalDay(DateTimeOffset at, TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);

    /// <summary>
    /// Per local day: each UTC day's rollup counts on the local day of the same date, then every hour whose local
    /// day differs from its UTC day moves from the one to the other (a move out of or into the range is half a move).
    /// </summary>
    private static AnalyticsSeries BuildSeries(
        AnalyticsRange range, TimeZoneInfo zone, UsageWindow window, IReadOnlyList<DailyUsage> dayTotals, IReadOnlyList<HourlyActivity> shifted,
        IReadOnlyList<DailyUsage> inRange, UsageCounters total)
    {
        var days = range.EachDay().ToList();
        var index = days.Select((d, i) => (d, i)).ToDictionary(p => p.d, p => p.i);
        var byRole = new SortedDictionary<string, long[]>(StringComparer.Ordinal);
        var up = new long[days.Count];
        var down = new long[days.Count];
        void Add(DateOnly localDay, string role, long messages, long thumbsUp, long thumbsDown)
        {
            if (!index.TryGetValue(localDay, out var day))
            {
                return;
            }

            if (!byRole.TryGetValue(role, out var values))
            {
                byRole[role] = values = new long[days.Count];
            }

            values[day] += messages;
            up[day] += thumbsUp;
            down[day] += thumbsDown;
        }

        foreach (var row in dayTotals.Where(r => window.Matches(r.Role, r.Language)))
        {
            Add(row.Day, row.Role, row.Questions + row.Answers, row.ThumbsUp, row.ThumbsDown);
        }

        foreach (var hour in shifted.Where(h => window.Matches(h.Key.Role, h.Key.Language)))
        {
            var local = LocalDay(hour.HourStartUtc, zone);
            if (local != hour.Key.Day)
            {
                Add(hour.Key.Day, hour.Key.Role, -hour.Messages, -hour.ThumbsUp, -hour.ThumbsDown);
                Add(local, hour.Key.Role, hour.Messages, hour.ThumbsUp, hour.ThumbsDown);
            }
        }

        var bounds = UsageHistogram.UpperBoundsMs;
        return new AnalyticsSeries
        {
            Days = days,
            MessagesByRole = [.. byRole.Where(r => r.Value.Any(v => v != 0)).Select(r => new NamedSeries(r.Key, r.Value))],
            ThumbsUpPerDay = up,
            ThumbsDownPerDay = down,
            Languages =
            [
                .. inRange.GroupBy(r => r.Language, StringComparer.Ordinal)
                    .Select(g => new NamedCount(g.Key, g.Sum(r => r.Questions + r.Answers)))
                    .Where(c => c.Count > 0)
                    .OrderByDescending(c => c.Count).ThenBy(c => c.Name, StringComparer.Ordinal),
            ],
            LatencyHistogram =
            [
                .. Enumerable.Range(0, UsageHistogram.BucketCount)
                    .Select(i => new LatencyBucket(i == 0 ? 0 : bounds[i - 1], i < bounds.Count ? bounds[i] : null, total.Latency[i])),
            ],
        };
    }

    private async Task<AnalyticsTables> BuildTablesAsync(
        IReadOnlyList<AnalyticsMessage> questions,
        IReadOnlyList<AnalyticsMessage> weak,
        IReadOnlyDictionary<string, long> citations,
        IReadOnlyList<LibraryDocument> documents,
        AnalyticsOptions settings,
        CancellationToken cancellationToken)
    {
        var titles = documents.ToDictionary(d => d.Id, d => d.Title, StringComparer.Ordinal);
        var cited = citations.Select(c => new CitedDocument(c.Key, titles.GetValueOrDefault(c.Key, c.Key), c.Value)).ToList();
        var citedIds = cited.Select(d => d.DocumentId).ToHashSet(StringComparer.Ordinal);

        var weakRows = new List<WeakAnswer>();
        foreach (var answer in weak)
        {
            weakRows.Add(new WeakAnswer(
                await QuestionBeforeAsync(answer.Message, cancellationToken),
                (answer.Message.LowConfidence, answer.Rating == FeedbackRating.Down) switch
                {
                    (true, true) => WeakAnswerReason.LowConfidenceAndThumbsDown,
                    (true, false) => WeakAnswerReason.LowConfidence,
                    _ => WeakAnswerReason.ThumbsDown,
                },
                string.IsNullOrEmpty(answer.Message.Role) ? DailyUsage.UnknownRole : answer.Message.Role,
                answer.Message.Language,
                answer.Message.CreatedAt,
                answer.Message.ConversationId));
        }

        return new AnalyticsTables
        {
            TopQuestions = QuestionGrouper.Group(
                questions.Select(q => new QuestionGrouper.Asked(q.Message.Text, q.Message.ConversationId, q.Message.CreatedAt)), settings.TableRows),
            QuestionsScanned = questions.Count,
            WeakAnswers = weakRows,
            MostCited = [.. cited.OrderByDescending(d => d.Answers).ThenBy(d => d.Title, StringComparer.CurrentCulture).Take(settings.TableRows)],
            NeverCited =
            [
                .. documents.Where(d => !citedIds.Contains(d.Id))
                    .OrderBy(d => d.Title, StringComparer.CurrentCulture)
                    .Select(d => new CitedDocument(d.Id, d.Title, 0)),
            ],
        };
    }

    /// <summary>The question an answer answered: the last question written before it in its conversation.</summary>
    private async Task<string> QuestionBeforeAsync(StoredMessage answer, CancellationToken cancellationToken)
    {
        var messages = await conversations.GetMessagesAsync(answer.ConversationId, cancellationToken);
        var position = messages.ToList().FindIndex(m => m.Id == answer.Id);
        return messages.Take(position < 0 ? messages.Count : position).LastOrDefault(m => m.Author == MessageAuthor.User)?.Text ?? string.Empty;
    }

}
