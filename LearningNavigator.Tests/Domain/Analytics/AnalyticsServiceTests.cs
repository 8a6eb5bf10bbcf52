using LearningNavigator.Analytics;
using LearningNavigator.Conversations;
using LearningNavigator.Conversations.DynamoDb;
using LearningNavigator.Conversations.Sqlite;
using LearningNavigator.Tests.Domain.Conversations;
using LearningNavigator.Tests.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Tests.Domain.Analytics;

/// <summary>
/// A known data set, written through a real store, and every card, series, table and banner of the dashboard
/// asserted exactly: for all data, per role, per language, and with day boundaries in New York and in UTC.
/// </summary>
public abstract class AnalyticsServiceTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset Now = new(2025, 7, 16, 15, 30, 0, TimeSpan.Zero);
    private static readonly AnalyticsRange TwoDays = AnalyticsRange.Custom(new(2025, 7, 14), new(2025, 7, 15));
    private static CancellationToken Ct => CancellationToken.None;
    private readonly InMemoryEscalationStatistics escalations = new();
    private IConversationStore store = null!;

    protected abstract Task<IConversationStore> CreateStoreAsync();

    public async Task InitializeAsync()
    {
        store = await CreateStoreAsync();
        escalations.Open.AddRange([(AppRoles.Instructor, "en"), (AppRoles.Instructor, "en"), (AppRoles.Staff, "es")]);
        await SeedAsync();
    }

    public virtual Task DisposeAsync()
    {
        (store as IDisposable)?.Dispose();
        return Task.CompletedTask;
    }

    protected IConversationStore Store => store;

    private AnalyticsService Service(string zone = "America/New_York", decimal budget = 0.012m, IConversationStore? over = null) => new(
        (IUsageStore)(over ?? store),
        over ?? store,
        new FixedDocumentLibrary(("doc-a", "Invoicing guide"), ("doc-b", "Guía de facturación"), ("doc-c", "Course calendar")),
        [escalations],
        Options.Create(new AnalyticsOptions { TimeZone = zone, MonthlyBudgetUsd = budget, TableRows = 10 }),
        new FixedTimeProvider(Now));

    // conv ids say what each conversation is for; times are UTC, New York is UTC-4 in July.
    private async Task SeedAsync()
    {
        await AskAsync("conv-before", "ana", AppRoles.Instructor, "en", At(14, 3, 30), "When is the next course?", null);   // 13 July, 23:30 in New York
        var up = await AskAsync("conv-quick", "ana", AppRoles.Instructor, "en", At(14, 4, 10), "How can I submit my invoice quickly?",
            new Answer(800, 200, 0.002m, 1000, 200, "doc-a", Low: false));
        var down = await AskAsync("conv-es", "ben", AppRoles.Staff, "es", At(15, 12, 0), "¿Cómo envío la factura?",
            new Answer(3500, 600, 0.001m, 500, 100, "doc-b", Low: true));
        await AskAsync("conv-late", "ana", AppRoles.Instructor, "en", At(16, 3, 50), "How do I submit the invoice?",
            new Answer(1200, 300, 0.003m, 800, 150, "doc-a", Low: false));                                                   // 15 July, 23:50 in New York
        await AskAsync("conv-after", "cara", AppRoles.Instructor, "en", At(16, 4, 30), "Where are the slides?", null);
        await AskAsync("conv-slow", "cara", AppRoles.Instructor, "en", At(16, 15, 10), "Where are the handouts?",
            new Answer(6000, 900, 0.004m, 100, 10, "doc-a", Low: false));                                                    // the last hour
        await store.SaveFeedbackAsync(new MessageFeedback { MessageId = up!, UserId = "ana", Rating = FeedbackRating.Up, CreatedAt = Now }, Ct);
        await store.SaveFeedbackAsync(new MessageFeedback { MessageId = down!, UserId = "ben", Rating = FeedbackRating.Down, CreatedAt = Now }, Ct);
    }

    /// <summary>Whole reports as JSON: the records hold lists, which compare by reference.</summary>
    protected async Task<List<string>> ReportsAsync(IConversationStore over, IEnumerable<AnalyticsRange> ranges)
    {
        var reports = new List<string>();
        foreach (var range in ranges)
        {
            foreach (var filter in new[] { AnalyticsFilter.All, new AnalyticsFilter(Role: AppRoles.Staff), new AnalyticsFilter(Language: "en") })
            {
                reports.Add(System.Text.Json.JsonSerializer.Serialize(await Service(over: over).GetReportAsync(range, filter, Ct)));
            }
        }

        return reports;
    }

    private sealed record Answer(int LatencyMs, int TtftMs, decimal Cost, int Input, int Output, string DocumentId, bool Low);

    private static DateTimeOffset At(int day, int hour, int minute) => new(2025, 7, day, hour, minute, 0, TimeSpan.Zero);

    private async Task<string?> AskAsync(string conversationId, string userId, string role, string language, DateTimeOffset at, string question, Answer? answer)
    {
        await store.CreateConversationAsync(new Conversation { Id = conversationId, UserId = userId, Title = question, CreatedAt = at, UpdatedAt = at }, Ct);
        await store.SaveMessageAsync(new StoredMessage
        {
            Id = conversationId + "-q", ConversationId = conversationId, Author = MessageAuthor.User, Text = question, CreatedAt = at, Language = language, Role = role,
        }, Ct);
        if (answer is null)
        {
            return null;
        }

        await store.SaveMessageAsync(new StoredMessage
        {
            Id = conversationId + "-a", ConversationId = conversationId, Author = MessageAuthor.Assistant, Text = "Answer [1]", CreatedAt = at.AddSeconds(5),
            Language = language, Role = role, LatencyMs = answer.LatencyMs, TimeToFirstTokenMs = answer.TtftMs, EstimatedCostUsd = answer.Cost,
            InputTokens = answer.Input, OutputTokens = answer.Output, LowConfidence = answer.Low,
            Citations = [new Citation { Number = 1, ChunkId = answer.DocumentId + "#0", DocumentId = answer.DocumentId, Title = answer.DocumentId, PassageText = "p" }],
        }, Ct);
        return conversationId + "-a";
    }

    [Fact]
    public async Task Every_card_series_table_and_banner_of_two_New_York_days()
    {
        var report = await Service().GetReportAsync(TwoDays, AnalyticsFilter.All, Ct);

        Assert.Equal(new AnalyticsCards
        {
            Conversations = 3, Messages = 6, Questions = 3, Answers = 3, ActiveUsers = 2, ThumbsUp = 1, ThumbsDown = 1,
            PositiveFeedbackShare = 0.5, OpenEscalations = 3, LowConfidenceAnswers = 1,
            LatencyP50Ms = 1500, LatencyP95Ms = 5000, TimeToFirstTokenP95Ms = 750,
            InputTokens = 2300, OutputTokens = 450, CostUsd = 0.006m, MonthToDateCostUsd = 0.010m, MonthlyBudgetUsd = 0.012m,
            BudgetShare = (double)(0.010m / 0.012m),
        }, report.Cards);

        Assert.Equal([new DateOnly(2025, 7, 14), new DateOnly(2025, 7, 15)], report.Series.Days);
        Assert.Equal(["instructor: 2,2", "staff: 0,2"], report.Series.MessagesByRole.Select(s => $"{s.Name}: {string.Join(',', s.Values)}"));
        Assert.Equal([1L, 0L], report.Series.ThumbsUpPerDay);
        Assert.Equal([0L, 1L], report.Series.ThumbsDownPerDay);
        Assert.Equal([new NamedCount("en", 4), new NamedCount("es", 2)], report.Series.Languages);
        Assert.Equal(
            [0L, 0, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0],
            report.Series.LatencyHistogram.Select(b => b.Count));
        Assert.Equal(new LatencyBucket(3000, 5000, 1), report.Series.LatencyHistogram[8]);
        Assert.Equal(new LatencyBucket(20000, null, 0), report.Series.LatencyHistogram[^1]);

        Assert.Equal(
            [
                new AskedQuestion("How can I submit my invoice quickly?", 2, 2, "conv-late", At(16, 3, 50)),
                new AskedQuestion("¿Cómo envío la factura?", 1, 1, "conv-es", At(15, 12, 0)),
            ],
            report.Tables.TopQuestions);
        Assert.Equal(3, report.Tables.QuestionsScanned);
        Assert.Equal(
            [new WeakAnswer("¿Cómo envío la factura?", WeakAnswerReason.LowConfidenceAndThumbsDown, AppRoles.Staff, "es", At(15, 12, 0).AddSeconds(5), "conv-es")],
            report.Tables.WeakAnswers);
        Assert.Equal([new CitedDocument("doc-a", "Invoicing guide", 2), new CitedDocument("doc-b", "Guía de facturación", 1)], report.Tables.MostCited);
        Assert.Equal([new CitedDocument("doc-c", "Course calendar", 0)], report.Tables.NeverCited);

        // The last hour holds one 6 s answer; the month has spent 0.010 of 0.012.
        Assert.Equal(new AnalyticsBanners { LastHourP95Ms = 10000, LatencyAlarm = true, BudgetAlarm = true }, report.Banners);
    }

    [Fact]
    public async Task A_role_filter_narrows_every_figure_but_the_month_budget_and_the_banner()
    {
        var report = await Service().GetReportAsync(TwoDays, new AnalyticsFilter(Role: AppRoles.Staff), Ct);

        Assert.Equal((1L, 2L, 1L, 0.0, 1), (report.Cards.Conversations, report.Cards.Messages, report.Cards.ActiveUsers, report.Cards.PositiveFeedbackShare!.Value, report.Cards.OpenEscalations!.Value));
        Assert.Equal((0.001m, 0.010m), (report.Cards.CostUsd, report.Cards.MonthToDateCostUsd));
        Assert.Equal(["staff: 0,2"], report.Series.MessagesByRole.Select(s => $"{s.Name}: {string.Join(',', s.Values)}"));
        Assert.Equal(["¿Cómo envío la factura?"], report.Tables.TopQuestions.Select(q => q.Question));
        Assert.Equal([new CitedDocument("doc-b", "Guía de facturación", 1)], report.Tables.MostCited);
        Assert.Equal(["doc-a", "doc-c"], report.Tables.NeverCited.Select(d => d.DocumentId).Order(StringComparer.Ordinal));
        Assert.True(report.Banners.LatencyAlarm);
    }

    [Fact]
    public async Task A_language_filter_keeps_only_that_language()
    {
        var report = await Service().GetReportAsync(TwoDays, new AnalyticsFilter(Language: "en"), Ct);

        Assert.Equal((2L, 4L, 1L, 1.0, 2), (report.Cards.Conversations, report.Cards.Messages, report.Cards.ActiveUsers, report.Cards.PositiveFeedbackShare!.Value, report.Cards.OpenEscalations!.Value));
        Assert.Equal([new NamedCount("en", 4)], report.Series.Languages);
        Assert.Empty(report.Tables.WeakAnswers);
        Assert.Equal((1000.0, 1500.0), (report.Cards.LatencyP50Ms!.Value, report.Cards.LatencyP95Ms!.Value));
    }

    [Fact]
    public async Task Days_are_cut_at_midnight_in_the_configured_zone()
    {
        // In UTC the 23:30 question of 13 July (New York) falls on the 14th, and the 23:50 one of the 15th on the 16th.
        var report = await Service(zone: "UTC").GetReportAsync(TwoDays, AnalyticsFilter.All, Ct);

        Assert.Equal((3L, 5L), (report.Cards.Conversations, report.Cards.Messages));
        Assert.Equal(["instructor: 3,0", "staff: 0,2"], report.Series.MessagesByRole.Select(s => $"{s.Name}: {string.Join(',', s.Values)}"));
        Assert.Equal("UTC", report.TimeZone);
    }

    [Fact]
    public async Task No_budget_alarm_under_80_percent_while_the_latency_alarm_stays_on_its_own()
    {
        var report = await Service(budget: 1m).GetReportAsync(AnalyticsRange.Custom(new(2025, 7, 1), new(2025, 7, 16)), AnalyticsFilter.All, Ct);

        Assert.False(report.Banners.BudgetAlarm);
        Assert.Equal(0.01, report.Cards.BudgetShare);
        Assert.True(report.Banners.LatencyAlarm);   // still the 6 s answer in the last hour
        Assert.Equal(6L, report.Cards.Conversations);
    }

    [Fact]
    public async Task Active_users_are_distinct_over_the_whole_range_not_summed_per_day()
    {
        // New York 14..16 July: ana asks on the 14th (a partial UTC day, read hourly) and the 15th (03:50 UTC on
        // the 16th, a whole UTC day, read from the day markers); ben on the 15th; cara on the 16th. A per-day sum gives 4.
        var report = await Service().GetReportAsync(AnalyticsRange.Custom(new(2025, 7, 14), new(2025, 7, 16)), AnalyticsFilter.All, Ct);

        Assert.Equal(3L, report.Cards.ActiveUsers);
        Assert.Equal(1L, (await Service().GetReportAsync(AnalyticsRange.Custom(new(2025, 7, 14), new(2025, 7, 16)), new AnalyticsFilter(Language: "es"), Ct)).Cards.ActiveUsers);
        Assert.Equal(2L, (await Service(zone: "UTC").GetReportAsync(AnalyticsRange.Custom(new(2025, 7, 16), new(2025, 7, 16)), AnalyticsFilter.All, Ct)).Cards.ActiveUsers);
    }

    [Theory]
    [InlineData("America/New_York")]
    [InlineData("UTC")]
    [InlineData("Asia/Tokyo")]
    [InlineData("Asia/Kolkata")]
    public async Task Rollups_with_hourly_ends_give_what_the_hourly_rows_alone_give(string zone)
    {
        // More of the day covered: a question every seven hours from 10 July, five people, two roles, two languages.
        string[] people = ["dan", "eve", "fay", "gus", "hal"];
        for (var (at, i) = (At(10, 1, 0), 0); at < At(16, 14, 0); at = at.AddHours(7), i++)
        {
            var id = await AskAsync($"conv-extra-{i}", people[i % 5], i % 3 == 0 ? AppRoles.Staff : AppRoles.Instructor, i % 4 == 0 ? "es" : "en", at, $"Extra question {i % 3}",
                new Answer(300 * (i % 9 + 1), 100, 0.001m, 100, 10, i % 2 == 0 ? "doc-a" : "doc-c", Low: i % 5 == 0));
            if (i % 3 == 1)
            {
                await store.SaveFeedbackAsync(new MessageFeedback { MessageId = id!, UserId = people[i % 5], Rating = FeedbackRating.Up, CreatedAt = Now }, Ct);
            }
        }

        // Every range over the data set's days, in zones behind, on, ahead of UTC and half an hour off it.
        await AssertReportsMatchHourlyRowsAsync(zone, new(2025, 7, 10), new(2025, 7, 16), step: 2);
    }

    [Fact]
    public async Task Days_across_the_clock_changes_in_New_York_hold_their_own_local_hours()
    {
        // A question every hour around the spring change (9 March 2025 in New York: a 23-hour day) and the autumn
        // one (2 November 2025: a 25-hour day, 01:00 to 02:00 happens twice).
        var i = 0;
        foreach (var from in new[] { new DateTimeOffset(2025, 3, 8, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 11, 1, 0, 0, 0, TimeSpan.Zero) })
        {
            for (var at = from; at < from.AddDays(3); at = at.AddHours(1), i++)
            {
                await AskAsync($"conv-dst-{i}", i % 2 == 0 ? "ivy" : "jon", i % 3 == 0 ? AppRoles.Staff : AppRoles.Instructor, "en", at, $"Clock question {i}",
                    new Answer(400, 100, 0.001m, 50, 5, "doc-a", Low: false));
            }
        }

        await AssertReportsMatchHourlyRowsAsync("America/New_York", new(2025, 3, 8), new(2025, 3, 10), step: 1);
        await AssertReportsMatchHourlyRowsAsync("America/New_York", new(2025, 11, 1), new(2025, 11, 3), step: 1);
        // The short and the long day themselves: one question and one answer per local hour.
        var spring = await Service().GetReportAsync(AnalyticsRange.Custom(new(2025, 3, 9), new(2025, 3, 9)), AnalyticsFilter.All, Ct);
        var autumn = await Service().GetReportAsync(AnalyticsRange.Custom(new(2025, 11, 2), new(2025, 11, 2)), AnalyticsFilter.All, Ct);
        Assert.Equal(2 * 23L, spring.Cards.Messages);
        Assert.Equal(2 * 25L, autumn.Cards.Messages);
    }

    /// <summary>
    /// Every range from <paramref name="first"/> to <paramref name="last"/> (starts every <paramref name="step"/>
    /// days): the report, built from whole UTC days' rollups plus hourly rows at its ends, against a reference summed
    /// from the hourly rows alone.
    /// </summary>
    private async Task AssertReportsMatchHourlyRowsAsync(string zone, DateOnly first, DateOnly last, int step)
    {
        var usage = (IUsageStore)store;
        var hourly = await usage.GetDailyUsageAsync(first.AddDays(-2), last.AddDays(2), Ct);
        var markers = await usage.GetActiveUsersAsync(first.AddDays(-2), last.AddDays(2), Ct);
        var citations = await usage.GetCitationUsageAsync(first.AddDays(-2), last.AddDays(2), Ct);
        var timeZone = TimeZoneInfo.FindSystemTimeZoneById(zone);
        foreach (var filter in new[] { AnalyticsFilter.All, new AnalyticsFilter(Role: AppRoles.Instructor), new AnalyticsFilter(Language: "es") })
        {
            for (var from = first; from <= last; from = from.AddDays(step))
            {
                for (var to = from; to <= last; to = to.AddDays(1))
                {
                    var range = AnalyticsRange.Custom(from, to);
                    var (start, end) = range.ToUtc(timeZone);
                    var window = new UsageWindow(start, end, filter.Role, filter.Language);
                    var rows = hourly.Where(r => window.Contains(r.Key)).ToList();
                    var report = await Service(zone).GetReportAsync(range, filter, Ct);
                    var because = $"{zone} {from}..{to} {filter}";

                    Assert.True(rows.Sum(r => r.Questions + r.Answers) == report.Cards.Messages, because);
                    Assert.True(rows.Sum(r => r.Conversations) == report.Cards.Conversations, because);
                    Assert.True(rows.Sum(r => r.CostMicroUsd) / 1_000_000m == report.Cards.CostUsd, because);
                    Assert.True(markers.Where(m => window.Contains(m.Usage)).Select(m => m.UserId).Distinct().LongCount() == report.Cards.ActiveUsers, because);
                    Assert.Equal(
                        citations.Where(c => window.Contains(c.Key)).GroupBy(c => c.DocumentId).Select(g => (g.Key, g.Sum(c => c.Answers))).OrderBy(c => c.Key),
                        report.Tables.MostCited.Select(d => (d.DocumentId, d.Answers)).OrderBy(c => c.DocumentId));
                    var perDay = range.EachDay()
                        .Select(day => rows.Where(r => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(r.HourStartUtc, timeZone).DateTime) == day).Sum(r => r.Questions + r.Answers));
                    Assert.Equal(perDay, range.EachDay().Select((_, i) => report.Series.MessagesByRole.Sum(s => s.Values[i])));
                    Assert.Equal(
                        range.EachDay().Select(day => rows.Where(r => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(r.HourStartUtc, timeZone).DateTime) == day).Sum(r => r.ThumbsUp)),
                        report.Series.ThumbsUpPerDay);
                }
            }
        }
    }

    [Fact]
    public void Presets_end_today_in_the_zone_and_custom_ranges_are_checked()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        Assert.Equal(new AnalyticsRange(new(2025, 7, 10), new(2025, 7, 16)), AnalyticsRange.For(AnalyticsPeriod.Last7Days, Now, zone));
        Assert.Equal(new AnalyticsRange(new(2025, 4, 18), new(2025, 7, 16)), AnalyticsRange.For(AnalyticsPeriod.Last90Days, Now, zone));
        Assert.Equal(new AnalyticsRange(new(2025, 7, 15), new(2025, 7, 15)), AnalyticsRange.For(AnalyticsPeriod.Today, new DateTimeOffset(2025, 7, 16, 3, 0, 0, TimeSpan.Zero), zone));
        Assert.Contains("before it starts", Assert.Throws<ArgumentException>(() => AnalyticsRange.Custom(new(2025, 7, 2), new(2025, 7, 1))).Message, StringComparison.Ordinal);
        Assert.Contains("at most 366 days", Assert.Throws<ArgumentException>(() => AnalyticsRange.Custom(new(2024, 1, 1), new(2025, 7, 1))).Message, StringComparison.Ordinal);
    }
}

public sealed class SqliteAnalyticsServiceTests : AnalyticsServiceTests, IDisposable
{
    private readonly TempDirectory data = new("ln-analytics");

    protected override Task<IConversationStore> CreateStoreAsync() =>
        Task.FromResult<IConversationStore>(new SqliteConversationStore(Options.Create(new SqliteStorageOptions { DatabasePath = data.Combine("navigator.db") })));

    [Fact]
    public async Task A_version_3_file_gets_its_rollups_from_the_hourly_rows_and_the_same_report()
    {
        var ranges = new[] { AnalyticsRange.Custom(new(2025, 7, 14), new(2025, 7, 16)), AnalyticsRange.Custom(new(2025, 7, 1), new(2025, 7, 16)) };
        var before = await ReportsAsync(Store, ranges);

        // What a version 3 file is: the same tables less the rollups.
        await using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = data.Combine("navigator.db"), Pooling = false }.ToString()))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "DROP TABLE usage_daily; DROP TABLE usage_citations_daily; DROP TABLE usage_active_days; PRAGMA user_version = 3;";
            await command.ExecuteNonQueryAsync();
        }

        SqliteConnection.ClearAllPools();
        using var reopened = (SqliteConversationStore)await CreateStoreAsync();
        await reopened.InitializeAsync(CancellationToken.None);

        Assert.NotEmpty(await reopened.GetDayTotalsAsync(new(2025, 7, 14), new(2025, 7, 16), CancellationToken.None));
        Assert.Equal(before, await ReportsAsync(reopened, ranges));
    }

    public void Dispose() => data.Dispose();
}

[Collection(DynamoDbCollection.Name)]
public sealed class DynamoDbAnalyticsServiceTests(DynamoDbLocalFixture dynamo) : AnalyticsServiceTests
{
    protected override async Task<IConversationStore> CreateStoreAsync()
    {
        // A table of its own: the data set's roles and days must not meet other tests' rows.
        var table = $"ln-analytics-{Guid.NewGuid():N}";
        await dynamo.CreateTableAsync(table);
        return new DynamoDbConversationStore(
            dynamo.Client,
            Options.Create(new DynamoDbStorageOptions { TableName = table }),
            Options.Create(new StorageOptions { Provider = StorageOptions.DynamoDb }));
    }
}
