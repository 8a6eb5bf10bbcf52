using Amazon.DynamoDBv2.Model;
using static LearningNavigator.Conversations.DynamoDb.DynamoDbItems;

namespace LearningNavigator.Conversations.DynamoDb;

/// <summary>The aggregate reads (usage, citations, active users), the analytics message read and the bulk path.</summary>
public sealed partial class DynamoDbConversationStore
{
    public async Task<IReadOnlyList<DailyUsage>> GetDailyUsageAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var items = await QueryMonthsAsync("USAGE", from, to, cancellationToken);
        return
        [
            .. items.Select(ToUsage)
                .OrderBy(r => r.Day).ThenBy(r => r.Hour)
                .ThenBy(r => r.Role, StringComparer.Ordinal).ThenBy(r => r.Language, StringComparer.Ordinal),
        ];
    }

    public async Task<IReadOnlyList<CitationUsage>> GetCitationUsageAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var items = await QueryMonthsAsync("CITES", from, to, cancellationToken);
        return
        [
            .. items.Select(item => new CitationUsage(KeyOf(Str(item, Sk)), Str(item, "DocumentId"), Long(item, "Answers")))
                .Where(c => c.Answers != 0),
        ];
    }

    public async Task<IReadOnlyList<DailyUsage>> GetDayTotalsAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var items = await QueryMonthsAsync("USAGEDAY", from, to, cancellationToken);
        return
        [
            .. items.Select(ToUsage)
                .OrderBy(r => r.Day).ThenBy(r => r.Role, StringComparer.Ordinal).ThenBy(r => r.Language, StringComparer.Ordinal),
        ];
    }

    /// <remarks>The hours are filtered here: the month partitions are read whole for the days asked for.</remarks>
    public async Task<IReadOnlyList<HourlyActivity>> GetHourlyActivityAsync(DateOnly from, DateOnly to, IReadOnlyCollection<int> hours, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hours);
        return hours.Count == 0
            ? []
            : [.. (await GetDailyUsageAsync(from, to, cancellationToken)).Where(r => hours.Contains(r.Hour)).Select(r => new HourlyActivity(r.Key, r.Questions + r.Answers, r.ThumbsUp, r.ThumbsDown))];
    }

    public async Task<IReadOnlyList<CitationUsage>> GetDayCitationsAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var items = await QueryMonthsAsync("CITESDAY", from, to, cancellationToken);
        return
        [
            .. items.Select(item => new CitationUsage(
                    new DailyUsageKey(DateOnly.ParseExact(Str(item, "Day"), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), 0, Str(item, "Role"), Str(item, "Language")),
                    Str(item, "DocumentId"),
                    Long(item, "Answers")))
                .Where(c => c.Answers != 0),
        ];
    }

    public async Task<IReadOnlyList<ActiveDays>> GetActiveDaysAsync(int year, CancellationToken cancellationToken)
    {
        var items = await QueryAllAsync(new QueryRequest
        {
            TableName = Table,
            KeyConditionExpression = "PK = :pk",
            ExpressionAttributeValues = new() { [":pk"] = S(ActiveDaysPk(year)) },
            ConsistentRead = true,
        }, cancellationToken);
        return
        [
            .. items.Select(item => new ActiveDays(
                year,
                Str(item, "Role"),
                Str(item, "Language"),
                Str(item, "UserId"),
                (item.TryGetValue("Days", out var days) ? days.NS ?? [] : []).Select(d => int.Parse(d, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet())),
        ];
    }

    public async Task<IReadOnlyList<ActiveUserKey>> GetActiveUsersAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var items = await QueryMonthsAsync("ACTIVE", from, to, cancellationToken);
        return [.. items.Select(item => new ActiveUserKey(KeyOf(Str(item, Sk)), Str(item, "UserId")))];
    }

    /// <remarks>
    /// One GSI1 query per UTC day, newest day first, newest first within it, until the limit is met. The index is
    /// eventually consistent: a message written a moment ago may be missing, which a dashboard table tolerates.
    /// </remarks>
    public async Task<IReadOnlyList<AnalyticsMessage>> ListMessagesAsync(MessageQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        var found = new List<AnalyticsMessage>();
        var first = DateOnly.FromDateTime(query.From.UtcDateTime);
        for (var day = DateOnly.FromDateTime(query.To.UtcDateTime); day >= first && found.Count < query.Limit; day = day.AddDays(-1))
        {
            var request = new QueryRequest
            {
                TableName = Table,
                IndexName = Gsi1,
                KeyConditionExpression = "GSI1PK = :pk AND GSI1SK BETWEEN :from AND :to",
                FilterExpression = "Author = :author",
                ExpressionAttributeValues = new()
                {
                    [":pk"] = S(MessagesByDayPk(day)),
                    [":from"] = S(FormatTime(query.From)),
                    [":to"] = S(FormatTime(query.To)),
                    [":author"] = S(query.Author == MessageAuthor.User ? "user" : "assistant"),
                },
                ScanIndexForward = false,
            };
            do
            {
                var response = await client.QueryAsync(request, cancellationToken);
                foreach (var item in response.Items ?? [])
                {
                    var message = ToMessage(item);
                    FeedbackRating? rating = item.TryGetValue("OwnerRating", out var r) && r.N is { } n ? (FeedbackRating)int.Parse(n, System.Globalization.CultureInfo.InvariantCulture) : null;
                    if (Matches(query, message, rating) && found.Count < query.Limit)
                    {
                        found.Add(new AnalyticsMessage(message, item.TryGetValue("UserId", out var u) ? u.S : string.Empty, rating));
                    }
                }

                request.ExclusiveStartKey = response.LastEvaluatedKey;
            }
            while (request.ExclusiveStartKey is { Count: > 0 } && found.Count < query.Limit);
        }

        return found;
    }

    private static bool Matches(MessageQuery query, StoredMessage message, FeedbackRating? rating) =>
        message.CreatedAt >= query.From && message.CreatedAt < query.To
        && (query.Role is null || (string.IsNullOrEmpty(message.Role) ? DailyUsage.UnknownRole : message.Role) == query.Role)
        && (query.Language is null || message.Language == query.Language)
        && (!query.OnlyWeakAnswers || message.LowConfidence || rating == FeedbackRating.Down);

    /// <remarks>DynamoDB has no multi-item write big enough for a batch with its counters: each record is saved as usual.</remarks>
    public async Task SaveBatchAsync(ConversationBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        foreach (var conversation in batch.Conversations)
        {
            await CreateConversationAsync(conversation, cancellationToken);
        }

        foreach (var message in batch.Messages)
        {
            await SaveMessageAsync(message, cancellationToken);
        }

        foreach (var feedback in batch.Feedback)
        {
            await SaveFeedbackAsync(feedback, cancellationToken);
        }
    }

    /// <remarks>Export only: a scan filtered on <c>Type</c>, like the other read-alls.</remarks>
    public IAsyncEnumerable<DailyUsage> ReadAllUsageAsync(CancellationToken cancellationToken) =>
        ScanTypeAsync("DailyUsage", ToUsage, cancellationToken).Where(r => !r.Counters.IsZero);

    public IAsyncEnumerable<CitationUsage> ReadAllCitationUsageAsync(CancellationToken cancellationToken) =>
        ScanTypeAsync("CitationUsage", item => new CitationUsage(KeyOf(Str(item, Sk)), Str(item, "DocumentId"), Long(item, "Answers")), cancellationToken)
            .Where(c => c.Answers != 0);

    public IAsyncEnumerable<ActiveUserKey> ReadAllActiveUsersAsync(CancellationToken cancellationToken) =>
        ScanTypeAsync("ActiveUser", item => new ActiveUserKey(KeyOf(Str(item, Sk)), Str(item, "UserId")), cancellationToken);

    /// <remarks>
    /// Not one transaction: a snapshot can be far over the 100 items a transaction takes. The differences are
    /// written per UTC day, role and language (its hourly items with their day rollup, at most 25 items) and per
    /// day, role, language and document, each group in one TransactWriteItems, so a rollup never disagrees with its
    /// hours. A run cut short leaves each group done or not done; running it again finishes the rest, because the
    /// differences are worked out afresh from what is stored. Markers are plain Puts and ADDs to the day sets.
    /// </remarks>
    public async Task RestoreUsageAsync(UsageSnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        snapshot.ThrowIfAmbiguous();
        foreach (var day in snapshot.Usage.GroupBy(r => r.Key with { Hour = 0 }))
        {
            var delta = new UsageDelta();
            foreach (var row in day)
            {
                var stored = await GetAsync(UsageKey(row.Key), cancellationToken) is { } item ? ToUsage(item).Counters : default;
                delta.Add(row.Key, row.Counters - stored);
            }

            await TransactAllAsync([.. UsageWrites(delta)], cancellationToken);
        }

        foreach (var day in snapshot.Citations.GroupBy(c => (Key: c.Key with { Hour = 0 }, c.DocumentId)))
        {
            var delta = new UsageDelta();
            foreach (var citation in day)
            {
                var stored = await GetAsync(CitationKey(citation.Key, citation.DocumentId), cancellationToken) is { } item ? Long(item, "Answers") : 0;
                delta.AddCitation(citation with { Answers = citation.Answers - stored });
            }

            await TransactAllAsync([.. UsageWrites(delta)], cancellationToken);
        }

        await BatchWriteAsync(
            snapshot.ActiveUsers.Distinct().Select(marker =>
            {
                var item = ActiveUserKey(marker.Usage, marker.UserId);
                item[TypeAttribute] = S("ActiveUser");
                item["UserId"] = S(marker.UserId);
                return new WriteRequest { PutRequest = new PutRequest { Item = item } };
            }),
            cancellationToken);
        foreach (var person in snapshot.ActiveUsers.GroupBy(m => (m.Usage.Day.Year, m.Usage.Role, m.Usage.Language, m.UserId)))
        {
            var (year, role, language, userId) = person.Key;
            await client.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = Table,
                Key = ActiveDaysKey(year, role, language, userId),
                UpdateExpression = "SET #type = :type, #role = :role, #language = :language, UserId = :user ADD #days :days",
                ExpressionAttributeNames = new() { ["#type"] = TypeAttribute, ["#role"] = "Role", ["#language"] = "Language", ["#days"] = "Days" },
                ExpressionAttributeValues = new()
                {
                    [":type"] = S("ActiveDays"), [":role"] = S(role), [":language"] = S(language), [":user"] = S(userId),
                    [":days"] = new AttributeValue
                    {
                        NS = [.. person.Select(m => ActiveDays.DayIndex(m.Usage.Day)).Distinct().Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture))],
                    },
                },
            }, cancellationToken);
        }
    }

    /// <summary>One transaction of unconditional writes; none when there is nothing to write.</summary>
    private async Task TransactAllAsync(List<TransactWriteItem> writes, CancellationToken cancellationToken)
    {
        if (writes.Count > 0)
        {
            await client.TransactWriteItemsAsync(new TransactWriteItemsRequest { TransactItems = writes }, cancellationToken);
        }
    }

    private async Task<string> OwnerOfAsync(Dictionary<string, AttributeValue> messageItem, string conversationId, CancellationToken cancellationToken)
    {
        if (messageItem.TryGetValue("UserId", out var userId) && userId.S is { } id)
        {
            return id;
        }

        var owner = await GetAsync(OwnerKey(conversationId), cancellationToken)
            ?? throw new InvalidDataException($"Conversation '{conversationId}' has messages but no owner item.");
        return Str(owner, "UserId");
    }

    /// <summary>Items of the monthly partitions <c>&lt;prefix&gt;#yyyy-MM</c> whose sort key falls on the days from..to.</summary>
    private async Task<List<Dictionary<string, AttributeValue>>> QueryMonthsAsync(string prefix, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var months = new List<DateOnly>();
        for (var month = new DateOnly(from.Year, from.Month, 1); month <= to; month = month.AddMonths(1))
        {
            months.Add(month);
        }

        var pages = await Task.WhenAll(months.Select(month => QueryAllAsync(new QueryRequest
        {
            TableName = Table,
            // '$' sorts just after '#', so the upper bound takes in every item of the last day.
            KeyConditionExpression = "PK = :pk AND SK BETWEEN :from AND :to",
            ExpressionAttributeValues = new()
            {
                [":pk"] = S($"{prefix}#{month.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture)}"),
                [":from"] = S(UsageSkPrefix(from)),
                [":to"] = S($"DAY#{FormatDay(to)}$"),
            },
            ConsistentRead = true,
        }, cancellationToken)));
        return [.. pages.SelectMany(p => p)];
    }

    /// <summary>Reads the usage key back from a sort key DAY#d#H#hh#ROLE#r#LANG#l[#...].</summary>
    private static DailyUsageKey KeyOf(string sk)
    {
        var parts = sk.Split('#');
        return new DailyUsageKey(
            DateOnly.ParseExact(parts[1], "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(parts[3], System.Globalization.CultureInfo.InvariantCulture),
            parts[5],
            parts[7]);
    }
}
