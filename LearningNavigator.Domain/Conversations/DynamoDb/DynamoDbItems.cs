using System.Globalization;
using System.Text.Json;
using Amazon.DynamoDBv2.Model;

namespace LearningNavigator.Conversations.DynamoDb;

/// <summary>
/// The single-table key design (docs/data-model.md) and the mapping between records and items.
/// Every key is built here, so the layout can be read in one place.
/// </summary>
internal static class DynamoDbItems
{
    public const string Pk = DynamoDbTableSchema.Pk;
    public const string Sk = DynamoDbTableSchema.Sk;
    public const string Gsi1 = DynamoDbTableSchema.Gsi1;
    public const string Gsi1Pk = DynamoDbTableSchema.Gsi1Pk;
    public const string Gsi1Sk = DynamoDbTableSchema.Gsi1Sk;
    public const string TypeAttribute = DynamoDbTableSchema.TypeAttribute;
    public const string ExpiresAt = DynamoDbTableSchema.ExpiresAt;

    public const string ProfileSk = "PROFILE";
    public const string OwnerSk = "OWNER";
    public const string MessageRefSk = "MESSAGE";
    public const string MessagePrefix = "MSG#";
    public const string ConversationPrefix = "CONV#";
    public const string FeedbackPrefix = "FEEDBACK#";

    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public static Dictionary<string, AttributeValue> Key(string pk, string sk) => new() { [Pk] = S(pk), [Sk] = S(sk) };

    public static Dictionary<string, AttributeValue> UserKey(string userId) => Key($"USER#{userId}", ProfileSk);

    public static Dictionary<string, AttributeValue> ConversationKey(string userId, string conversationId) =>
        Key($"USER#{userId}", ConversationPrefix + conversationId);

    /// <summary>Who owns a conversation and its message write sequence: found from the conversation id alone.</summary>
    public static Dictionary<string, AttributeValue> OwnerKey(string conversationId) => Key(ConversationPrefix + conversationId, OwnerSk);

    /// <summary>Finds a message from its id alone: which conversation, and where in it.</summary>
    public static Dictionary<string, AttributeValue> MessageRefKey(string messageId) => Key(MessagePrefix + messageId, MessageRefSk);

    public static Dictionary<string, AttributeValue> FeedbackKey(string messageId, string userId) =>
        Key(MessagePrefix + messageId, FeedbackPrefix + userId);

    /// <summary>
    /// MSG#&lt;ISO-8601 UTC to 100 ns&gt;#&lt;write sequence&gt;#&lt;id&gt;: time order, and within one instant
    /// the order of writing, which the sequence (allocated under the conversation's optimistic lock) gives.
    /// </summary>
    public static string MessageSk(DateTimeOffset createdAt, long sequence, string messageId) =>
        $"{MessagePrefix}{FormatTime(createdAt)}#{sequence.ToString("D10", CultureInfo.InvariantCulture)}#{messageId}";

    public static Dictionary<string, AttributeValue> UsageKey(DailyUsageKey key) =>
        Key(UsagePk(key.Day), UsageSk(key));

    /// <summary>DAY#&lt;day&gt;#H#&lt;hh&gt;#ROLE#&lt;role&gt;#LANG#&lt;language&gt;: one aggregate row's place in its month.</summary>
    public static string UsageSk(DailyUsageKey key) =>
        $"{UsageSkPrefix(key.Day)}H#{key.Hour.ToString("D2", CultureInfo.InvariantCulture)}#ROLE#{key.Role}#LANG#{key.Language}";

    public static Dictionary<string, AttributeValue> CitationKey(DailyUsageKey key, string documentId) =>
        Key($"CITES#{key.Day.ToString("yyyy-MM", CultureInfo.InvariantCulture)}", $"{UsageSk(key)}#DOC#{documentId}");

    public static Dictionary<string, AttributeValue> ActiveUserKey(DailyUsageKey key, string userId) =>
        Key($"ACTIVE#{key.Day.ToString("yyyy-MM", CultureInfo.InvariantCulture)}", $"{UsageSk(key)}#USER#{userId}");

    /// <summary>The day rollup of the hourly usage items: USAGEDAY#&lt;month&gt; / DAY#&lt;day&gt;#ROLE#&lt;role&gt;#LANG#&lt;language&gt;.</summary>
    public static Dictionary<string, AttributeValue> DayUsageKey(DailyUsageKey key) =>
        Key($"USAGEDAY#{key.Day.ToString("yyyy-MM", CultureInfo.InvariantCulture)}", DayUsageSk(key));

    public static string DayUsageSk(DailyUsageKey key) => $"{UsageSkPrefix(key.Day)}ROLE#{key.Role}#LANG#{key.Language}";

    public static Dictionary<string, AttributeValue> DayCitationKey(DailyUsageKey key, string documentId) =>
        Key($"CITESDAY#{key.Day.ToString("yyyy-MM", CultureInfo.InvariantCulture)}", $"{DayUsageSk(key)}#DOC#{documentId}");

    /// <summary>One item per person, role and language per year, whose number set <c>Days</c> holds the days of the year (from 0) they asked on.</summary>
    public static Dictionary<string, AttributeValue> ActiveDaysKey(int year, string role, string language, string userId) =>
        Key(ActiveDaysPk(year), $"ROLE#{role}#LANG#{language}#USER#{userId}");

    public static string ActiveDaysPk(int year) => $"ACTIVEDAYS#{year.ToString("D4", CultureInfo.InvariantCulture)}";

    /// <summary>GSI1 partition of the messages written on a UTC day (the analytics tables read them newest first).</summary>
    public static string MessagesByDayPk(DateOnly day) => $"MSGS#{FormatDay(day)}";

    /// <summary>The write sequence inside a message sort key: 1 is the conversation's first message.</summary>
    public static long SequenceOf(string messageSk) =>
        long.Parse(messageSk.Split('#')[2], CultureInfo.InvariantCulture);

    /// <summary>One partition per month keeps a day's writes spread over few items and a range read to few queries.</summary>
    public static string UsagePk(DateOnly day) => $"USAGE#{day.ToString("yyyy-MM", CultureInfo.InvariantCulture)}";

    public static string UsageSkPrefix(DateOnly day) => $"DAY#{FormatDay(day)}#";

    public static string FormatDay(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string FormatTime(DateTimeOffset value) => value.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTime(string value) =>
        DateTimeOffset.ParseExact(value, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public static AttributeValue S(string value) => new() { S = value };

    public static AttributeValue N(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    public static AttributeValue Bool(bool value) => new() { BOOL = value };

    public static Dictionary<string, AttributeValue> UserItem(UserProfile user)
    {
        var item = UserKey(user.Id);
        item[TypeAttribute] = S("User");
        item["Id"] = S(user.Id);
        item["Email"] = S(user.Email);
        item["DisplayName"] = S(user.DisplayName);
        item["Role"] = S(user.Role);
        item["PreferredLanguage"] = S(user.PreferredLanguage);
        return item;
    }

    public static UserProfile ToUser(Dictionary<string, AttributeValue> item) => new()
    {
        Id = Str(item, "Id"),
        Email = Str(item, "Email"),
        DisplayName = Str(item, "DisplayName"),
        Role = Str(item, "Role"),
        PreferredLanguage = Str(item, "PreferredLanguage"),
    };

    /// <summary>The conversation item lives under its owner, and on GSI1 under the day it started.</summary>
    public static Dictionary<string, AttributeValue> ConversationItem(Conversation conversation)
    {
        var item = ConversationKey(conversation.UserId, conversation.Id);
        item[TypeAttribute] = S("Conversation");
        item["Id"] = S(conversation.Id);
        item["UserId"] = S(conversation.UserId);
        item["Title"] = S(conversation.Title);
        item["CreatedAt"] = S(FormatTime(conversation.CreatedAt));
        item["UpdatedAt"] = S(FormatTime(conversation.UpdatedAt));
        item["MessageCount"] = N(0);
        item[Gsi1Pk] = S($"DATE#{FormatDay(DateOnly.FromDateTime(conversation.CreatedAt.UtcDateTime))}");
        item[Gsi1Sk] = S(ConversationPrefix + conversation.Id);
        return item;
    }

    public static Conversation ToConversation(Dictionary<string, AttributeValue> item) => new()
    {
        Id = Str(item, "Id"),
        UserId = Str(item, "UserId"),
        Title = Str(item, "Title"),
        CreatedAt = ParseTime(Str(item, "CreatedAt")),
        UpdatedAt = ParseTime(Str(item, "UpdatedAt")),
        MessageCount = checked((int)Long(item, "MessageCount")),
    };

    public static Dictionary<string, AttributeValue> MessageItem(StoredMessage message, string sk, long revision, long? expiresAt, string userId)
    {
        var item = Key(ConversationPrefix + message.ConversationId, sk);
        item["UserId"] = S(userId);
        item["Safety"] = N((int)message.Safety);
        item[Gsi1Pk] = S(MessagesByDayPk(DateOnly.FromDateTime(message.CreatedAt.UtcDateTime)));
        item[Gsi1Sk] = S($"{FormatTime(message.CreatedAt)}#{message.Id}");
        item[TypeAttribute] = S("Message");
        item["Id"] = S(message.Id);
        item["ConversationId"] = S(message.ConversationId);
        item["Author"] = S(message.Author == MessageAuthor.User ? "user" : "assistant");
        item["Text"] = S(message.Text);
        item["CreatedAt"] = S(FormatTime(message.CreatedAt));
        item["Language"] = S(message.Language);
        item["Citations"] = S(JsonSerializer.Serialize(message.Citations, JsonOptions));
        item["LowConfidence"] = Bool(message.LowConfidence);
        item["Interrupted"] = Bool(message.Interrupted);
        item["Rev"] = N(revision);
        AddIfSet(item, "Role", message.Role);
        AddIfSet(item, "Model", message.Model);
        AddIfSet(item, "InputTokens", message.InputTokens);
        AddIfSet(item, "OutputTokens", message.OutputTokens);
        AddIfSet(item, "CacheReadTokens", message.CacheReadTokens);
        AddIfSet(item, "CacheWriteTokens", message.CacheWriteTokens);
        AddIfSet(item, "LatencyMs", message.LatencyMs);
        AddIfSet(item, "TimeToFirstTokenMs", message.TimeToFirstTokenMs);
        if (message.EstimatedCostUsd is { } cost)
        {
            item["EstimatedCostUsd"] = new AttributeValue { N = cost.ToString(CultureInfo.InvariantCulture) };
        }

        if (expiresAt is { } expires)
        {
            item[ExpiresAt] = N(expires);
        }

        return item;
    }

    public static StoredMessage ToMessage(Dictionary<string, AttributeValue> item) => new()
    {
        Id = Str(item, "Id"),
        ConversationId = Str(item, "ConversationId"),
        Author = Str(item, "Author") switch
        {
            "user" => MessageAuthor.User,
            "assistant" => MessageAuthor.Assistant,
            var other => throw new InvalidDataException($"Unknown message author '{other}' in the table."),
        },
        Text = Str(item, "Text"),
        CreatedAt = ParseTime(Str(item, "CreatedAt")),
        Language = Str(item, "Language"),
        Role = OptionalStr(item, "Role"),
        Citations = JsonSerializer.Deserialize<List<Citation>>(Str(item, "Citations"), JsonOptions) ?? [],
        Model = OptionalStr(item, "Model"),
        InputTokens = OptionalInt(item, "InputTokens"),
        OutputTokens = OptionalInt(item, "OutputTokens"),
        CacheReadTokens = OptionalInt(item, "CacheReadTokens"),
        CacheWriteTokens = OptionalInt(item, "CacheWriteTokens"),
        EstimatedCostUsd = item.TryGetValue("EstimatedCostUsd", out var cost) && cost.N is { } n
            ? decimal.Parse(n, NumberStyles.Float, CultureInfo.InvariantCulture)
            : null,
        LatencyMs = OptionalInt(item, "LatencyMs"),
        TimeToFirstTokenMs = OptionalInt(item, "TimeToFirstTokenMs"),
        LowConfidence = item.TryGetValue("LowConfidence", out var low) && low.BOOL == true,
        Interrupted = item.TryGetValue("Interrupted", out var interrupted) && interrupted.BOOL == true,
        Safety = item.TryGetValue("Safety", out var safety) && safety.N is { } flags ? (SafetyFlags)int.Parse(flags, CultureInfo.InvariantCulture) : SafetyFlags.None,
    };

    public static Dictionary<string, AttributeValue> FeedbackItem(MessageFeedback feedback, long? expiresAt)
    {
        var item = FeedbackKey(feedback.MessageId, feedback.UserId);
        item[TypeAttribute] = S("Feedback");
        item["MessageId"] = S(feedback.MessageId);
        item["UserId"] = S(feedback.UserId);
        item["Rating"] = N((int)feedback.Rating);
        item["CreatedAt"] = S(FormatTime(feedback.CreatedAt));
        AddIfSet(item, "Comment", feedback.Comment);
        if (expiresAt is { } expires)
        {
            item[ExpiresAt] = N(expires);
        }

        return item;
    }

    public static MessageFeedback ToFeedback(Dictionary<string, AttributeValue> item) => new()
    {
        MessageId = Str(item, "MessageId"),
        UserId = Str(item, "UserId"),
        Rating = (FeedbackRating)Long(item, "Rating"),
        Comment = OptionalStr(item, "Comment"),
        CreatedAt = ParseTime(Str(item, "CreatedAt")),
    };

    public static readonly string[] LatencyBucketNames = [.. Enumerable.Range(0, UsageHistogram.BucketCount).Select(i => $"L{i}")];
    public static readonly string[] TtftBucketNames = [.. Enumerable.Range(0, UsageHistogram.BucketCount).Select(i => $"T{i}")];

    /// <summary>Every counter attribute of a usage item, scalars then the two histograms.</summary>
    public static readonly string[] UsageCounterNames = [.. UsageCounters.ScalarNames, .. LatencyBucketNames, .. TtftBucketNames];

    public static long[] CounterValues(UsageCounters c) =>
        [.. c.Scalars(), .. c.Latency.Counts, .. c.TimeToFirstToken.Counts];

    public static DailyUsage ToUsage(Dictionary<string, AttributeValue> item)
    {
        long Read(string name) => item.TryGetValue(name, out var v) && v.N is { } n ? long.Parse(n, CultureInfo.InvariantCulture) : 0;
        var key = new DailyUsageKey(
            DateOnly.ParseExact(Str(item, "Day"), "yyyy-MM-dd", CultureInfo.InvariantCulture),
            (int)Long(item, "Hour"),
            Str(item, "Role"),
            Str(item, "Language"));
        return UsageCounters.FromScalars(
                [.. UsageCounters.ScalarNames.Select(Read)],
                new UsageHistogram(LatencyBucketNames.Select(Read)),
                new UsageHistogram(TtftBucketNames.Select(Read)))
            .ToRow(key);
    }

    public static string Str(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && value.S is { } s
            ? s
            : throw new InvalidDataException($"Item {Describe(item)} has no text attribute '{name}'.");

    public static long Long(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && value.N is { } n
            ? long.Parse(n, CultureInfo.InvariantCulture)
            : throw new InvalidDataException($"Item {Describe(item)} has no number attribute '{name}'.");

    private static string? OptionalStr(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) ? value.S : null;

    private static int? OptionalInt(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && value.N is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : null;

    private static void AddIfSet(Dictionary<string, AttributeValue> item, string name, string? value)
    {
        if (value is not null)
        {
            item[name] = S(value);
        }
    }

    private static void AddIfSet(Dictionary<string, AttributeValue> item, string name, int? value)
    {
        if (value is { } v)
        {
            item[name] = N(v);
        }
    }

    private static string Describe(Dictionary<string, AttributeValue> item) =>
        $"{(item.TryGetValue(Pk, out var pk) ? pk.S : "?")}/{(item.TryGetValue(Sk, out var sk) ? sk.S : "?")}";
}
