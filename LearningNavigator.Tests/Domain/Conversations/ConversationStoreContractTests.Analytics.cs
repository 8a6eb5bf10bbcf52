using LearningNavigator.Conversations;

namespace LearningNavigator.Tests.Domain.Conversations;

/// <summary>The analytics aggregates and reads (<see cref="IUsageStore"/>) every store keeps on write.</summary>
public abstract partial class ConversationStoreContractTests
{
    private static readonly DateTimeOffset A0 = new(2025, 7, 14, 10, 5, 0, TimeSpan.Zero);

    private IUsageStore Usage => (IUsageStore)Store;

    private static Citation Cite(int number, string documentId) => new()
    {
        Number = number,
        ChunkId = $"{documentId}#{number}",
        DocumentId = documentId,
        Title = documentId,
        PassageText = "passage",
    };

    private static UsageHistogram Buckets(params (int Bucket, long Count)[] counts)
    {
        var array = new long[UsageHistogram.BucketCount];
        foreach (var (bucket, count) in counts)
        {
            array[bucket] = count;
        }

        return new UsageHistogram(array);
    }

    [Fact]
    public async Task Hourly_usage_counts_conversations_tokens_cost_safety_and_both_histograms()
    {
        var role = NewId("role");
        var ana = NewId("user");
        var ben = NewId("user");
        var first = await CreateConversationAsync(ana, A0);
        var second = await CreateConversationAsync(ben, A0.AddHours(1));
        StoredMessage Question(Conversation c, DateTimeOffset at, string language) => NewMessage(c.Id, at) with { Role = role, Language = language };
        var answer = NewMessage(first.Id, A0.AddSeconds(3)) with
        {
            Author = MessageAuthor.Assistant,
            Role = role,
            InputTokens = 900,
            OutputTokens = 120,
            CacheReadTokens = 700,
            CacheWriteTokens = 50,
            EstimatedCostUsd = 0.0012345m,
            LatencyMs = 2800,
            TimeToFirstTokenMs = 400,
            Safety = SafetyFlags.Crisis | SafetyFlags.PromptInjection,
            Citations = [Cite(1, "doc-a"), Cite(2, "doc-a"), Cite(3, "doc-b")],
        };
        var lowAnswer = NewMessage(second.Id, A0.AddHours(1).AddSeconds(4)) with
        {
            Author = MessageAuthor.Assistant,
            Role = role,
            Language = "es",
            LatencyMs = 3500,
            TimeToFirstTokenMs = 90,
            LowConfidence = true,
            Safety = SafetyFlags.OutOfScope,
            Citations = [Cite(1, "doc-b")],
        };
        foreach (var message in new[]
        {
            Question(first, A0, "en"), answer, Question(first, A0.AddMinutes(10), "en"),
            Question(second, A0.AddHours(1), "es"), lowAnswer,
        })
        {
            await Store.SaveMessageAsync(message, Ct);
        }

        await Store.SaveFeedbackAsync(new MessageFeedback { MessageId = answer.Id, UserId = ana, Rating = FeedbackRating.Up, CreatedAt = A0 }, Ct);

        var day = DateOnly.FromDateTime(A0.UtcDateTime);
        var rows = (await Usage.GetDailyUsageAsync(day, day, Ct)).Where(r => r.Role == role).ToList();
        Assert.Equal(
            [
                new UsageCounters(Questions: 2, Answers: 1, LowConfidenceAnswers: 0, ThumbsUp: 1, ThumbsDown: 0, InputTokens: 900,
                    OutputTokens: 120, LatencyMsTotal: 2800, LatencySamples: 1, Conversations: 1, CacheReadTokens: 700,
                    CacheWriteTokens: 50, CostMicroUsd: 1235, CrisisEvents: 1, PromptInjections: 1,
                    Latency: Buckets((7, 1)), TimeToFirstToken: Buckets((2, 1))).ToRow(new(day, 10, role, "en")),
                new UsageCounters(Questions: 1, Answers: 1, LowConfidenceAnswers: 1, ThumbsUp: 0, ThumbsDown: 0, InputTokens: 0,
                    OutputTokens: 0, LatencyMsTotal: 3500, LatencySamples: 1, Conversations: 1, OutOfScopeRefusals: 1,
                    Latency: Buckets((8, 1)), TimeToFirstToken: Buckets((0, 1))).ToRow(new(day, 11, role, "es")),
            ],
            rows);

        // A document counts once per answer however often that answer cites it.
        var citations = (await Usage.GetCitationUsageAsync(day, day, Ct)).Where(c => c.Key.Role == role)
            .OrderBy(c => c.Key.Hour).ThenBy(c => c.DocumentId, StringComparer.Ordinal);
        Assert.Equal(
            [
                new CitationUsage(new(day, 10, role, "en"), "doc-a", 1),
                new CitationUsage(new(day, 10, role, "en"), "doc-b", 1),
                new CitationUsage(new(day, 11, role, "es"), "doc-b", 1),
            ],
            citations);

        // Two questions of Ana's in one hour leave one marker.
        var active = (await Usage.GetActiveUsersAsync(day, day, Ct)).Where(a => a.Usage.Role == role).OrderBy(a => a.Usage.Hour);
        Assert.Equal([new ActiveUserKey(new(day, 10, role, "en"), ana), new ActiveUserKey(new(day, 11, role, "es"), ben)], active);
        Assert.DoesNotContain(await Usage.GetDailyUsageAsync(day.AddDays(1), day.AddDays(2), Ct), r => r.Role == role);
    }

    [Fact]
    public async Task A_re_saved_answer_moves_its_citations_and_keeps_its_conversation_count()
    {
        var role = NewId("role");
        var conversation = await CreateConversationAsync(NewId("user"), A0);
        var partial = NewMessage(conversation.Id, A0) with { Author = MessageAuthor.Assistant, Role = role, Citations = [Cite(1, "doc-a")] };
        await Store.SaveMessageAsync(partial, Ct);
        await Store.SaveMessageAsync(partial with { Citations = [Cite(1, "doc-b")], LatencyMs = 120 }, Ct);

        var day = DateOnly.FromDateTime(A0.UtcDateTime);
        var row = Assert.Single(await Usage.GetDailyUsageAsync(day, day, Ct), r => r.Role == role && !r.Counters.IsZero);
        Assert.Equal((1L, 1L, 1L), (row.Conversations, row.Answers, row.Latency[1]));
        Assert.Equal(
            [new CitationUsage(new(day, 10, role, "en"), "doc-b", 1)],
            (await Usage.GetCitationUsageAsync(day, day, Ct)).Where(c => c.Key.Role == role));
    }

    [Fact]
    public async Task Analytics_message_reads_are_bounded_newest_first_and_filtered()
    {
        var role = NewId("role");
        var owner = NewId("user");
        var conversation = await CreateConversationAsync(owner, A0);
        StoredMessage Answer(int minute, bool low = false, string language = "en") => NewMessage(conversation.Id, A0.AddMinutes(minute), text: $"answer {minute}") with
        {
            Author = MessageAuthor.Assistant,
            Role = role,
            Language = language,
            LowConfidence = low,
        };
        var questions = Enumerable.Range(0, 4).Select(i => NewMessage(conversation.Id, A0.AddMinutes(i * 10), text: $"question {i}") with { Role = role }).ToList();
        var thumbedDown = Answer(1);
        var thumbedUp = Answer(11);
        var low = Answer(21, low: true);
        var lowSpanish = Answer(31, low: true, language: "es");
        foreach (var message in questions.Concat([thumbedDown, thumbedUp, low, lowSpanish]))
        {
            await Store.SaveMessageAsync(message, Ct);
        }

        await Store.SaveFeedbackAsync(new MessageFeedback { MessageId = thumbedDown.Id, UserId = owner, Rating = FeedbackRating.Down, CreatedAt = A0 }, Ct);
        await Store.SaveFeedbackAsync(new MessageFeedback { MessageId = thumbedUp.Id, UserId = owner, Rating = FeedbackRating.Up, CreatedAt = A0 }, Ct);

        var latestTwo = await Usage.ListMessagesAsync(
            new MessageQuery { From = A0, To = A0.AddHours(1), Author = MessageAuthor.User, Role = role, Limit = 2 }, Ct);
        Assert.Equal(["question 3", "question 2"], latestTwo.Select(m => m.Message.Text));
        Assert.All(latestTwo, m => Assert.Equal(owner, m.UserId));

        var weak = await Usage.ListMessagesAsync(
            new MessageQuery { From = A0, To = A0.AddMinutes(31), Author = MessageAuthor.Assistant, Role = role, OnlyWeakAnswers = true, Limit = 10 }, Ct);
        Assert.Equal([low.Id, thumbedDown.Id], weak.Select(m => m.Message.Id));
        Assert.Equal([null, FeedbackRating.Down], weak.Select(m => m.Rating));

        var spanish = await Usage.ListMessagesAsync(
            new MessageQuery { From = A0, To = A0.AddHours(1), Author = MessageAuthor.Assistant, Role = role, Language = "es", OnlyWeakAnswers = true, Limit = 10 }, Ct);
        Assert.Equal([lowSpanish.Id], spanish.Select(m => m.Message.Id));
    }

    [Fact]
    public async Task A_batch_counts_exactly_what_the_same_records_saved_one_by_one_count()
    {
        var roleOne = NewId("role");
        var roleBatch = NewId("role");
        async Task<IReadOnlyList<DailyUsage>> WriteAsync(string role, bool batch)
        {
            var user = NewId("user");
            var conversation = NewConversation(user, A0);
            var question = NewMessage(conversation.Id, A0) with { Role = role };
            var answer = NewMessage(conversation.Id, A0.AddSeconds(2)) with
            {
                Author = MessageAuthor.Assistant, Role = role, LatencyMs = 1600, TimeToFirstTokenMs = 300, Citations = [Cite(1, "doc-a")],
            };
            var feedback = new MessageFeedback { MessageId = answer.Id, UserId = user, Rating = FeedbackRating.Down, CreatedAt = A0 };
            if (batch)
            {
                await Usage.SaveBatchAsync(new ConversationBatch([conversation], [question, answer], [feedback]), Ct);
            }
            else
            {
                await Store.CreateConversationAsync(conversation, Ct);
                await Store.SaveMessageAsync(question, Ct);
                await Store.SaveMessageAsync(answer, Ct);
                await Store.SaveFeedbackAsync(feedback, Ct);
            }

            var day = DateOnly.FromDateTime(A0.UtcDateTime);
            return [.. (await Usage.GetDailyUsageAsync(day, day, Ct)).Where(r => r.Role == role)];
        }

        var single = await WriteAsync(roleOne, batch: false);
        var batched = await WriteAsync(roleBatch, batch: true);

        Assert.Equal(single.Select(r => r with { Role = "x" }), batched.Select(r => r with { Role = "x" }));
        Assert.Equal(1L, Assert.Single(batched).ThumbsDown);
    }

    [Fact]
    public async Task Day_rollups_and_day_markers_follow_the_hourly_rows_through_moves_ratings_and_batches()
    {
        var role = NewId("role");
        var ana = NewId("user");
        var ben = NewId("user");
        var day = DateOnly.FromDateTime(A0.UtcDateTime);
        var first = await CreateConversationAsync(ana, A0);
        var answer = NewMessage(first.Id, A0.AddSeconds(2)) with
        {
            Author = MessageAuthor.Assistant, Role = role, LatencyMs = 900, Citations = [Cite(1, "doc-a"), Cite(2, "doc-b")],
        };
        await Store.SaveMessageAsync(NewMessage(first.Id, A0) with { Role = role }, Ct);
        await Store.SaveMessageAsync(answer, Ct);
        await Store.SaveMessageAsync(NewMessage(first.Id, A0.AddHours(3)) with { Role = role }, Ct);
        await Store.SaveFeedbackAsync(new MessageFeedback { MessageId = answer.Id, UserId = ana, Rating = FeedbackRating.Up, CreatedAt = A0 }, Ct);
        // The answer moves to the next day (its rating and citations with it), and is rated again.
        await Store.SaveMessageAsync(answer with { CreatedAt = A0.AddDays(1), Citations = [Cite(1, "doc-b")] }, Ct);
        await Store.SaveFeedbackAsync(new MessageFeedback { MessageId = answer.Id, UserId = ana, Rating = FeedbackRating.Down, CreatedAt = A0 }, Ct);
        var second = NewConversation(ben, A0.AddDays(2));
        await Usage.SaveBatchAsync(new ConversationBatch(
            [second],
            [NewMessage(second.Id, A0.AddDays(2)) with { Role = role }, NewMessage(second.Id, A0.AddDays(2).AddHours(1)) with { Role = role, Author = MessageAuthor.Assistant, Citations = [Cite(1, "doc-a")] }],
            []), Ct);

        var (from, to) = (day.AddDays(-1), day.AddDays(3));
        var hourly = (await Usage.GetDailyUsageAsync(from, to, Ct)).Where(r => r.Role == role).ToList();
        var expected = hourly.GroupBy(r => (r.Day, r.Language))
            .Select(g => g.Aggregate(default(UsageCounters), (sum, r) => sum + r.Counters).ToRow(new(g.Key.Day, 0, role, g.Key.Language)));
        var days = (await Usage.GetDayTotalsAsync(from, to, Ct)).Where(r => r.Role == role).ToList();
        Assert.Equal(expected, days.Where(r => !r.Counters.IsZero));
        Assert.Equal(
            [(day, 2L, 0L, 0L, 0L), (day.AddDays(1), 0L, 1L, 0L, 1L), (day.AddDays(2), 1L, 1L, 0L, 0L)],
            days.Where(r => !r.Counters.IsZero).Select(r => (r.Day, r.Questions, r.Answers, r.ThumbsUp, r.ThumbsDown)));

        var hourlyCitations = (await Usage.GetCitationUsageAsync(from, to, Ct)).Where(c => c.Key.Role == role)
            .GroupBy(c => (c.Key.Day, c.DocumentId)).Select(g => (g.Key.Day, g.Key.DocumentId, Answers: g.Sum(c => c.Answers))).Where(c => c.Answers != 0);
        var dayCitations = (await Usage.GetDayCitationsAsync(from, to, Ct)).Where(c => c.Key.Role == role).Select(c => (c.Key.Day, c.DocumentId, c.Answers));
        Assert.Equal(hourlyCitations.Order(), dayCitations.Order());
        Assert.Equal([(day.AddDays(1), "doc-b", 1L), (day.AddDays(2), "doc-a", 1L)], dayCitations.Order());

        // Markers are never taken away; the day markers say the same as the hourly ones, per person.
        var markers = (await Usage.GetActiveDaysAsync(day.Year, Ct)).Where(a => a.Role == role).OrderBy(a => a.UserId == ben).ToList();
        Assert.Equal(
            [$"{ana}:{ActiveDays.DayIndex(day)}", $"{ben}:{ActiveDays.DayIndex(day.AddDays(2))}"],
            markers.Select(m => $"{m.UserId}:{string.Join(',', m.DaysOfYear.Order())}"));
        var window = new UsageWindow(new DateTimeOffset(day.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero), new DateTimeOffset(day.AddDays(3).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), role);
        Assert.Equal(2L, await Usage.CountActiveUsersAsync(window, Ct));   // ana's 13:05 question (partial day) and ben's (a whole day)
        Assert.Equal(1L, await Usage.CountActiveUsersAsync(window with { From = window.From.AddHours(2) }, Ct));
    }

    /// <summary>
    /// Three conversations of one role over three UTC days: day one at 10:05 and 23:30 (English, rated up and
    /// down), day two at 02:00 (Spanish), day three at 15:00. Returns the first day.
    /// </summary>
    private async Task<DateOnly> WriteThreeDaysAsync(string role)
    {
        var (ana, ben) = (NewId("user"), NewId("user"));
        var day = DateOnly.FromDateTime(A0.UtcDateTime);
        var at = (int d, int hour, int minute) => new DateTimeOffset(day.AddDays(d).ToDateTime(new TimeOnly(hour, minute)), TimeSpan.Zero);
        var first = await CreateConversationAsync(ana, at(0, 10, 5));
        var second = await CreateConversationAsync(ben, at(1, 2, 0));
        var third = await CreateConversationAsync(ana, at(2, 15, 0));
        StoredMessage Question(Conversation c, DateTimeOffset when, string language = "en") => NewMessage(c.Id, when) with { Role = role, Language = language };
        StoredMessage Answer(Conversation c, DateTimeOffset when, string language, params string[] documents) => NewMessage(c.Id, when.AddSeconds(2)) with
        {
            Author = MessageAuthor.Assistant, Role = role, Language = language, LatencyMs = 900,
            Citations = [.. documents.Select((d, i) => Cite(i + 1, d))],
        };
        var upAnswer = Answer(first, at(0, 10, 5), "en", "doc-a", "doc-b");
        var downAnswer = Answer(first, at(0, 23, 30), "en", "doc-a") with { LowConfidence = true };
        foreach (var message in new[]
        {
            Question(first, at(0, 10, 5)), upAnswer, Question(first, at(0, 23, 30)), downAnswer,
            Question(second, at(1, 2, 0), "es"), Answer(second, at(1, 2, 0), "es", "doc-b"),
            Question(third, at(2, 15, 0)), Answer(third, at(2, 15, 0), "en", "doc-c"),
        })
        {
            await Store.SaveMessageAsync(message, Ct);
        }

        await Store.SaveFeedbackAsync(new MessageFeedback { MessageId = upAnswer.Id, UserId = ana, Rating = FeedbackRating.Up, CreatedAt = A0 }, Ct);
        await Store.SaveFeedbackAsync(new MessageFeedback { MessageId = downAnswer.Id, UserId = ana, Rating = FeedbackRating.Down, CreatedAt = A0 }, Ct);
        return day;
    }

    private static DateTimeOffset Hour(DateOnly day, int hour) => new(day.ToDateTime(new TimeOnly(hour, 0)), TimeSpan.Zero);

    [Fact]
    public async Task Hourly_activity_reads_only_the_hours_asked_for_with_messages_and_ratings()
    {
        var role = NewId("role");
        var day = await WriteThreeDaysAsync(role);

        var shifted = (await Usage.GetHourlyActivityAsync(day, day.AddDays(2), [23, 2], Ct)).Where(a => a.Key.Role == role).OrderBy(a => a.HourStartUtc);
        var morning = (await Usage.GetHourlyActivityAsync(day, day, [10], Ct)).Where(a => a.Key.Role == role);

        Assert.Equal(
            [new HourlyActivity(new(day, 23, role, "en"), 2, 0, 1), new HourlyActivity(new(day.AddDays(1), 2, role, "es"), 2, 0, 0)],
            shifted);
        Assert.Equal([new HourlyActivity(new(day, 10, role, "en"), 2, 1, 0)], morning);
        Assert.Empty(await Usage.GetHourlyActivityAsync(day, day.AddDays(2), [], Ct));
    }

    [Fact]
    public async Task Window_usage_sums_the_hourly_rows_inside_the_window_per_role_and_language()
    {
        var role = NewId("role");
        var day = await WriteThreeDaysAsync(role);
        // Part of day one, all of day two, part of day three: rollups for the whole day, hourly rows for the rest.
        var window = new UsageWindow(Hour(day, 20), Hour(day.AddDays(2), 12), role);
        var hourly = await Usage.GetDailyUsageAsync(day, day.AddDays(2), Ct);
        UsageCounters Recount(UsageWindow w, string language) =>
            hourly.Where(r => w.Contains(r.Key) && r.Language == language).Aggregate(default(UsageCounters), (sum, r) => sum + r.Counters);

        var usage = await Usage.GetUsageAsync(window, Ct);
        var allDays = await Usage.GetUsageAsync(new UsageWindow(Hour(day, 0), Hour(day.AddDays(3), 0), role), Ct);

        Assert.Equal([Recount(window, "en").ToRow(new(day, 0, role, "en")), Recount(window, "es").ToRow(new(day, 0, role, "es"))], usage);
        Assert.Equal(
            [("en", 1L, 1L, 1L, 0L, 1L, 0L), ("es", 1L, 1L, 0L, 0L, 0L, 1L)],
            usage.Select(r => (r.Language, r.Questions, r.Answers, r.LowConfidenceAnswers, r.ThumbsUp, r.ThumbsDown, r.Conversations)));
        Assert.Equal(
            [("en", 3L, 3L, 1L, 1L, 1L, 2L, 2700L), ("es", 1L, 1L, 0L, 0L, 0L, 1L, 900L)],
            allDays.Select(r => (r.Language, r.Questions, r.Answers, r.LowConfidenceAnswers, r.ThumbsUp, r.ThumbsDown, r.Conversations, r.LatencyMsTotal)));
        Assert.Empty(await Usage.GetUsageAsync(window with { Language = "fr" }, Ct));
    }

    private static List<(string DocumentId, long Answers)> Sorted(IReadOnlyDictionary<string, long> counts) =>
        [.. counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => (c.Key, c.Value))];

    [Fact]
    public async Task Window_citations_count_answers_per_document_inside_the_window()
    {
        var role = NewId("role");
        var day = await WriteThreeDaysAsync(role);

        var partialAndWhole = await Usage.CountCitationsAsync(new UsageWindow(Hour(day, 20), Hour(day.AddDays(2), 12), role), Ct);
        var wholeDays = await Usage.CountCitationsAsync(new UsageWindow(Hour(day, 0), Hour(day.AddDays(3), 0), role), Ct);
        var oneHour = await Usage.CountCitationsAsync(new UsageWindow(Hour(day, 10), Hour(day, 11), role), Ct);
        var spanish = await Usage.CountCitationsAsync(new UsageWindow(Hour(day, 0), Hour(day.AddDays(3), 0), role, "es"), Ct);

        Assert.Equal([("doc-a", 1L), ("doc-b", 1L)], Sorted(partialAndWhole));
        Assert.Equal([("doc-a", 2L), ("doc-b", 2L), ("doc-c", 1L)], Sorted(wholeDays));
        Assert.Equal([("doc-a", 1L), ("doc-b", 1L)], Sorted(oneHour));
        Assert.Equal([("doc-b", 1L)], Sorted(spanish));
    }

    [Fact]
    public async Task Read_all_aggregates_returns_the_hourly_rows_citations_and_markers()
    {
        var role = NewId("role");
        var day = await WriteThreeDaysAsync(role);

        var usage = await Usage.ReadAllUsageAsync(Ct).Where(r => r.Role == role).ToListAsync(Ct);
        var citations = await Usage.ReadAllCitationUsageAsync(Ct).Where(c => c.Key.Role == role).ToListAsync(Ct);
        var markers = await Usage.ReadAllActiveUsersAsync(Ct).Where(m => m.Usage.Role == role).ToListAsync(Ct);

        Assert.Equal((await Usage.GetDailyUsageAsync(day, day.AddDays(2), Ct)).Where(r => r.Role == role), usage.OrderBy(r => r.HourStartUtc).ThenBy(r => r.Language, StringComparer.Ordinal));
        Assert.Equal(5, citations.Count);
        Assert.Equal(
            (await Usage.GetCitationUsageAsync(day, day.AddDays(2), Ct)).Where(c => c.Key.Role == role).OrderBy(c => c.ToString(), StringComparer.Ordinal),
            citations.OrderBy(c => c.ToString(), StringComparer.Ordinal));
        Assert.Equal(
            (await Usage.GetActiveUsersAsync(day, day.AddDays(2), Ct)).Where(m => m.Usage.Role == role).Select(m => m.ToString()).Order(StringComparer.Ordinal),
            markers.Select(m => m.ToString()).Order(StringComparer.Ordinal));
        Assert.Equal(4, markers.Count);
    }

    [Fact]
    public async Task Restoring_aggregates_sets_the_named_hourly_rows_and_the_rollups_and_day_markers_follow()
    {
        var role = NewId("role");
        var day = await WriteThreeDaysAsync(role);
        var before = (await Usage.GetDailyUsageAsync(day, day.AddDays(3), Ct)).Where(r => r.Role == role).ToList();
        var morning = before.Single(r => r.Hour == 10 && r.Day == day);
        // A row raised (as if a deleted conversation had counted there), a row no message explains, a citation
        // count raised and one new, a marker of someone who asked in a conversation since deleted.
        var raised = morning with { Questions = 7, ThumbsDown = 2, InputTokens = 1234 };
        var orphan = new UsageCounters(2, 3, 1, 0, 1, 10, 20, 900, 1, Conversations: 1).ToRow(new(day.AddDays(3), 4, role, "fr"));
        var gone = NewId("user");
        var snapshot = new UsageSnapshot(
            [raised, orphan],
            [new CitationUsage(new(day, 10, role, "en"), "doc-a", 3), new CitationUsage(new(day.AddDays(3), 4, role, "fr"), "doc-z", 2)],
            [new ActiveUserKey(new(day.AddDays(3), 4, role, "fr"), gone)]);

        await Usage.RestoreUsageAsync(snapshot, Ct);
        var once = await AggregatesAsync(role, day);
        await Usage.RestoreUsageAsync(snapshot, Ct);

        Assert.Equal(before.Where(r => r.Key != morning.Key).Append(raised).Append(orphan).OrderBy(r => r.HourStartUtc), once.Hourly);
        var dayTotals = once.Hourly.GroupBy(r => (r.Day, r.Language))
            .Select(g => g.Aggregate(default(UsageCounters), (sum, r) => sum + r.Counters).ToRow(new(g.Key.Day, 0, role, g.Key.Language)));
        Assert.Equal(dayTotals.OrderBy(r => r.Day).ThenBy(r => r.Language, StringComparer.Ordinal), once.Days);
        Assert.Equal(
            [("doc-a", 3L), ("doc-b", 1L)],
            once.Citations.Where(c => c.Key.Day == day && c.Key.Hour == 10).Select(c => (c.DocumentId, c.Answers)).Order());
        var hourlyByDay = once.Citations.GroupBy(c => (c.Key.Day, c.Key.Language, c.DocumentId)).Select(g => (g.Key.Day, g.Key.Language, g.Key.DocumentId, Answers: g.Sum(c => c.Answers)));
        Assert.Equal(hourlyByDay.Order(), once.DayCitations.Select(c => (c.Key.Day, c.Key.Language, c.DocumentId, c.Answers)).Order());
        Assert.Contains(once.ActiveDays, a => a.UserId == gone && a.Language == "fr" && a.DaysOfYear.SetEquals([ActiveDays.DayIndex(day.AddDays(3))]));
        Aggregates.AssertSame(once, await AggregatesAsync(role, day));
        Assert.Throws<ArgumentException>(() => (snapshot with { Usage = [raised, raised] }).ThrowIfAmbiguous());
    }

    private sealed record Aggregates(
        IReadOnlyList<DailyUsage> Hourly, IReadOnlyList<DailyUsage> Days, IReadOnlyList<CitationUsage> Citations,
        IReadOnlyList<CitationUsage> DayCitations, IReadOnlyList<ActiveDays> ActiveDays)
    {
        /// <summary>The lists in a fixed order, day sets as text: records holding lists compare them by reference.</summary>
        public static void AssertSame(Aggregates expected, Aggregates actual)
        {
            Assert.Equal(expected.Hourly, actual.Hourly);
            Assert.Equal(expected.Days, actual.Days);
            Assert.Equal(expected.Citations.OrderBy(c => c.ToString(), StringComparer.Ordinal), actual.Citations.OrderBy(c => c.ToString(), StringComparer.Ordinal));
            Assert.Equal(expected.DayCitations.OrderBy(c => c.ToString(), StringComparer.Ordinal), actual.DayCitations.OrderBy(c => c.ToString(), StringComparer.Ordinal));
            Assert.Equal(Describe(expected.ActiveDays), Describe(actual.ActiveDays));
        }

        private static IEnumerable<string> Describe(IEnumerable<ActiveDays> days) =>
            days.Select(a => $"{a.UserId} {a.Role} {a.Language} {string.Join(',', a.DaysOfYear.Order())}").Order(StringComparer.Ordinal);
    }

    private async Task<Aggregates> AggregatesAsync(string role, DateOnly day)
    {
        var (from, to) = (day, day.AddDays(3));
        return new Aggregates(
            [.. (await Usage.GetDailyUsageAsync(from, to, Ct)).Where(r => r.Role == role)],
            [.. (await Usage.GetDayTotalsAsync(from, to, Ct)).Where(r => r.Role == role && !r.Counters.IsZero)],
            [.. (await Usage.GetCitationUsageAsync(from, to, Ct)).Where(c => c.Key.Role == role)],
            [.. (await Usage.GetDayCitationsAsync(from, to, Ct)).Where(c => c.Key.Role == role)],
            [.. (await Usage.GetActiveDaysAsync(day.Year, Ct)).Where(a => a.Role == role)]);
    }
}

