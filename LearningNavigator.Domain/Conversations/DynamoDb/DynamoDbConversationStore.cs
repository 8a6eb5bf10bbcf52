using System.Runtime.CompilerServices;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Options;
using static LearningNavigator.Conversations.DynamoDb.DynamoDbItems;

namespace LearningNavigator.Conversations.DynamoDb;

/// <summary>
/// <see cref="IConversationStore"/> over one DynamoDB table with the low-level client; the layout is in
/// docs/data-model.md. Throttling and transient errors are retried by the SDK (standard mode, configured
/// attempts); the loops here only retry a transaction whose optimistic condition lost a race.
/// </summary>
/// <remarks>
/// A new message is written in one TransactWriteItems with its conversation's counters, its id lookup item
/// and the usage counters. The conversation's owner item carries a write sequence that each insert
/// advances under a condition: that condition is the optimistic lock that keeps UpdatedAt a true maximum
/// and orders messages written in the same instant.
/// </remarks>
public sealed partial class DynamoDbConversationStore(
    IAmazonDynamoDB client,
    IOptions<DynamoDbStorageOptions> options,
    IOptions<StorageOptions> storage) : IConversationStore, IUsageStore
{
    // Races are between one person's own requests; a handful of rounds settles them, many means a fault.
    private const int OptimisticAttempts = 50;

    private string Table => options.Value.TableName;

    public string TableName => Table;

    public async Task UpsertUserAsync(UserProfile user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        await client.PutItemAsync(new PutItemRequest { TableName = Table, Item = UserItem(user) }, cancellationToken);
    }

    public async Task<UserProfile?> GetUserAsync(string userId, CancellationToken cancellationToken)
    {
        var item = await GetAsync(UserKey(userId), cancellationToken);
        return item is null ? null : ToUser(item);
    }

    public async Task CreateConversationAsync(Conversation conversation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var owner = OwnerKey(conversation.Id);
        owner[TypeAttribute] = S("ConversationOwner");
        owner["UserId"] = S(conversation.UserId);
        owner["Seq"] = N(0);
        try
        {
            await client.TransactWriteItemsAsync(new TransactWriteItemsRequest
            {
                TransactItems =
                [
                    new() { Put = new Put { TableName = Table, Item = owner, ConditionExpression = "attribute_not_exists(PK)" } },
                    new() { Put = new Put { TableName = Table, Item = ConversationItem(conversation), ConditionExpression = "attribute_not_exists(PK)" } },
                ],
            }, cancellationToken);
        }
        catch (TransactionCanceledException ex) when (HasReason(ex, "ConditionalCheckFailed"))
        {
            // The id is taken (by this conversation, or by someone else's): creating is a no-op either way.
        }
    }

    public async Task<Conversation?> GetConversationAsync(string conversationId, CancellationToken cancellationToken)
    {
        var owner = await GetAsync(OwnerKey(conversationId), cancellationToken);
        return owner is null ? null : await GetConversationAsync(Str(owner, "UserId"), conversationId, cancellationToken);
    }

    public async Task<Conversation?> GetConversationAsync(string userId, string conversationId, CancellationToken cancellationToken)
    {
        var item = await GetAsync(ConversationKey(userId, conversationId), cancellationToken);
        return item is null ? null : ToConversation(item);
    }

    /// <remarks>
    /// Reads all of the user's conversation items and sorts them here: a person has tens to hundreds, one
    /// query page holds thousands, and no index has to be rewritten on every message.
    /// </remarks>
    public async Task<IReadOnlyList<Conversation>> ListConversationsAsync(string userId, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var items = await QueryAllAsync(new QueryRequest
        {
            TableName = Table,
            KeyConditionExpression = "PK = :pk AND begins_with(SK, :prefix)",
            ExpressionAttributeValues = new() { [":pk"] = S($"USER#{userId}"), [":prefix"] = S(ConversationPrefix) },
            ConsistentRead = true,
        }, cancellationToken);
        return
        [
            .. items.Select(ToConversation)
                .OrderByDescending(c => c.UpdatedAt)
                .ThenByDescending(c => c.CreatedAt)
                .ThenByDescending(c => c.Id, StringComparer.Ordinal)
                .Take(limit),
        ];
    }

    public async Task<IReadOnlyList<Conversation>> ListConversationsStartedOnAsync(DateOnly day, CancellationToken cancellationToken)
    {
        var items = await QueryAllAsync(new QueryRequest
        {
            TableName = Table,
            IndexName = Gsi1,
            KeyConditionExpression = "GSI1PK = :pk",
            ExpressionAttributeValues = new() { [":pk"] = S($"DATE#{FormatDay(day)}") },
        }, cancellationToken);
        return [.. items.Select(ToConversation).OrderBy(c => c.CreatedAt).ThenBy(c => c.Id, StringComparer.Ordinal)];
    }

    public async Task SaveMessageAsync(StoredMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        for (var attempt = 1; ; attempt++)
        {
            var reference = await GetAsync(MessageRefKey(message.Id), cancellationToken);
            var written = reference is null
                ? await TryInsertMessageAsync(message, cancellationToken)
                : await TryReplaceMessageAsync(message, Str(reference, "ConversationId"), Str(reference, "MessageSk"), cancellationToken);
            if (written)
            {
                return;
            }

            await BackOffAsync(attempt, cancellationToken);
        }
    }

    private async Task<bool> TryInsertMessageAsync(StoredMessage message, CancellationToken cancellationToken)
    {
        var owner = await GetAsync(OwnerKey(message.ConversationId), cancellationToken)
            ?? throw new InvalidOperationException(
                $"Conversation '{message.ConversationId}' does not exist; create it before saving message '{message.Id}'.");
        var userId = Str(owner, "UserId");
        var sequence = Long(owner, "Seq");
        var conversation = await GetAsync(ConversationKey(userId, message.ConversationId), cancellationToken)
            ?? throw new InvalidDataException($"Conversation '{message.ConversationId}' has an owner item but no conversation item.");
        var updatedAt = ParseTime(Str(conversation, "UpdatedAt"));
        var newUpdatedAt = message.CreatedAt > updatedAt ? message.CreatedAt : updatedAt;

        var sk = MessageSk(message.CreatedAt, sequence + 1, message.Id);
        var expiresAt = ExpiresAt(message.CreatedAt);
        var reference = MessageRefKey(message.Id);
        reference[TypeAttribute] = S("MessageRef");
        reference["ConversationId"] = S(message.ConversationId);
        reference["MessageSk"] = S(sk);
        if (expiresAt is { } expires)
        {
            reference[DynamoDbItems.ExpiresAt] = N(expires);
        }

        List<TransactWriteItem> writes =
        [
            new() { Put = new Put { TableName = Table, Item = MessageItem(message, sk, revision: 1, expiresAt, userId), ConditionExpression = "attribute_not_exists(PK)" } },
            new() { Put = new Put { TableName = Table, Item = reference, ConditionExpression = "attribute_not_exists(PK)" } },
            new()
            {
                Update = new Update
                {
                    TableName = Table,
                    Key = OwnerKey(message.ConversationId),
                    UpdateExpression = "SET Seq = :next",
                    ConditionExpression = "Seq = :seen",
                    ExpressionAttributeValues = new() { [":next"] = N(sequence + 1), [":seen"] = N(sequence) },
                },
            },
            new()
            {
                Update = new Update
                {
                    TableName = Table,
                    Key = ConversationKey(userId, message.ConversationId),
                    UpdateExpression = "SET MessageCount = MessageCount + :one, UpdatedAt = :updated",
                    ConditionExpression = "attribute_exists(PK)",
                    ExpressionAttributeValues = new() { [":one"] = N(1), [":updated"] = S(FormatTime(newUpdatedAt)) },
                },
            },
        ];
        writes.AddRange(UsageWrites(UsageDelta.ForMessage(null, message, default, startsConversation: sequence == 0)));
        if (message.Author == MessageAuthor.User)
        {
            // A plain Put of the same key is idempotent: asking twice in an hour leaves one marker.
            var marker = ActiveUserKey(DailyUsageKey.For(message), userId);
            marker[TypeAttribute] = S("ActiveUser");
            marker["UserId"] = S(userId);
            writes.Add(new() { Put = new Put { TableName = Table, Item = marker } });
            writes.Add(ActiveDayWrite(DailyUsageKey.For(message), userId));
        }

        return await TryTransactAsync(writes, cancellationToken);
    }

    private async Task<bool> TryReplaceMessageAsync(StoredMessage message, string conversationId, string sk, CancellationToken cancellationToken)
    {
        var key = Key(ConversationPrefix + conversationId, sk);
        var existing = await GetAsync(key, cancellationToken);
        if (existing is null)
        {
            // TTL removed the message before its lookup item: inserting it again would count it twice.
            throw new InvalidOperationException($"Message '{message.Id}' has passed its retention period and can no longer be changed.");
        }

        var before = ToMessage(existing);
        var revision = Long(existing, "Rev");
        // A message never moves to another conversation, and keeps its place in the one it is in.
        var after = message with { ConversationId = conversationId };
        var feedback = DailyUsageKey.For(before) == DailyUsageKey.For(after)
            ? default
            : await FeedbackCountersAsync(message.Id, cancellationToken);

        List<TransactWriteItem> writes =
        [
            new()
            {
                Put = new Put
                {
                    TableName = Table,
                    Item = MessageItem(after, sk, revision + 1, ExpiresAt(after.CreatedAt), await OwnerOfAsync(existing, conversationId, cancellationToken)),
                    ConditionExpression = "Rev = :rev",
                    ExpressionAttributeValues = new() { [":rev"] = N(revision) },
                },
            },
        ];
        if (existing.TryGetValue("OwnerRating", out var ownerRating))
        {
            writes[0].Put.Item["OwnerRating"] = ownerRating;
        }

        writes.AddRange(UsageWrites(UsageDelta.ForMessage(before, after, feedback, startsConversation: SequenceOf(sk) == 1)));
        return await TryTransactAsync(writes, cancellationToken);
    }

    private async Task<UsageCounters> FeedbackCountersAsync(string messageId, CancellationToken cancellationToken)
    {
        var items = await QueryAllAsync(new QueryRequest
        {
            TableName = Table,
            KeyConditionExpression = "PK = :pk AND begins_with(SK, :prefix)",
            ExpressionAttributeValues = new() { [":pk"] = S(MessagePrefix + messageId), [":prefix"] = S(FeedbackPrefix) },
            ConsistentRead = true,
        }, cancellationToken);
        return items.Aggregate(default(UsageCounters), (sum, item) => sum + UsageCounters.Of((FeedbackRating)Long(item, "Rating")));
    }

    public async Task<IReadOnlyList<StoredMessage>> GetMessagesAsync(string conversationId, CancellationToken cancellationToken)
    {
        var items = await QueryAllAsync(MessagesQuery(conversationId), cancellationToken);
        return [.. items.Select(ToMessage)];
    }

    public async Task<MessagePage> GetMessagePageAsync(string userId, string conversationId, int pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSize);
        var after = continuationToken is null ? null : PageToken.Decode(continuationToken, conversationId);
        if (after is not null && !after.StartsWith(MessagePrefix, StringComparison.Ordinal))
        {
            throw new ArgumentException("The continuation token is not valid for this conversation; start again without one.", nameof(continuationToken));
        }

        if (await GetAsync(ConversationKey(userId, conversationId), cancellationToken) is null)
        {
            return MessagePage.Empty;
        }

        var request = MessagesQuery(conversationId);
        // One more than asked: whether it comes back says if there is a next page, so the last page says so
        // itself instead of leaving the caller one empty round trip.
        request.Limit = pageSize + 1;
        if (after is not null)
        {
            request.ExclusiveStartKey = Key(ConversationPrefix + conversationId, after);
        }

        var response = await client.QueryAsync(request, cancellationToken);
        var items = response.Items ?? [];
        var page = items.Take(pageSize).ToList();
        var more = items.Count > pageSize || (response.LastEvaluatedKey is { Count: > 0 } && page.Count > 0);
        var token = more ? PageToken.Encode(conversationId, Str(page[^1], Sk)) : null;
        return new MessagePage([.. page.Select(ToMessage)], token);
    }

    public async Task<StoredMessage?> GetMessageAsync(string messageId, CancellationToken cancellationToken)
    {
        var reference = await GetAsync(MessageRefKey(messageId), cancellationToken);
        if (reference is null)
        {
            return null;
        }

        var item = await GetAsync(Key(ConversationPrefix + Str(reference, "ConversationId"), Str(reference, "MessageSk")), cancellationToken);
        return item is null ? null : ToMessage(item);
    }

    /// <remarks>
    /// The rated message's revision is advanced in the same transaction, so a feedback and a re-save of that
    /// message cannot both count against a usage row the other has just moved away from.
    /// </remarks>
    public async Task SaveFeedbackAsync(MessageFeedback feedback, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        for (var attempt = 1; ; attempt++)
        {
            var reference = await GetAsync(MessageRefKey(feedback.MessageId), cancellationToken)
                ?? throw new InvalidOperationException($"Message '{feedback.MessageId}' does not exist; feedback needs a stored message.");
            var messageKey = Key(ConversationPrefix + Str(reference, "ConversationId"), Str(reference, "MessageSk"));
            var messageItem = await GetAsync(messageKey, cancellationToken)
                ?? throw new InvalidOperationException($"Message '{feedback.MessageId}' does not exist; feedback needs a stored message.");
            var rated = ToMessage(messageItem);
            var revision = Long(messageItem, "Rev");
            var existing = await GetAsync(FeedbackKey(feedback.MessageId, feedback.UserId), cancellationToken);
            FeedbackRating? before = existing is null ? null : (FeedbackRating)Long(existing, "Rating");

            List<TransactWriteItem> writes =
            [
                new() { Put = new Put { TableName = Table, Item = FeedbackItem(feedback, ExpiresAt(rated.CreatedAt)) } },
                new()
                {
                    Update = new Update
                    {
                        TableName = Table,
                        Key = messageKey,
                        UpdateExpression = "SET Rev = :next",
                        ConditionExpression = "Rev = :rev",
                        ExpressionAttributeValues = new() { [":rev"] = N(revision), [":next"] = N(revision + 1) },
                    },
                },
            ];
            // The feedback row it replaces must be the one the usage change was worked out from.
            if (before is { } rating)
            {
                writes[0].Put.ConditionExpression = "Rating = :old";
                writes[0].Put.ExpressionAttributeValues = new() { [":old"] = N((int)rating) };
            }
            else
            {
                writes[0].Put.ConditionExpression = "attribute_not_exists(PK)";
            }

            if (messageItem.TryGetValue("UserId", out var owner) && owner.S == feedback.UserId)
            {
                // The asker's own rating rides on the message, so the weak-answers table needs no second read.
                writes[1].Update.UpdateExpression = "SET Rev = :next, OwnerRating = :rating";
                writes[1].Update.ExpressionAttributeValues[":rating"] = N((int)feedback.Rating);
            }

            writes.AddRange(UsageWrites(UsageDelta.ForFeedback(rated, before, feedback.Rating)));
            if (await TryTransactAsync(writes, cancellationToken))
            {
                return;
            }

            await BackOffAsync(attempt, cancellationToken);
        }
    }

    public async Task<MessageFeedback?> GetFeedbackAsync(string messageId, string userId, CancellationToken cancellationToken)
    {
        var item = await GetAsync(FeedbackKey(messageId, userId), cancellationToken);
        return item is null ? null : ToFeedback(item);
    }

    public IAsyncEnumerable<UserProfile> ReadAllUsersAsync(CancellationToken cancellationToken) =>
        ScanTypeAsync("User", ToUser, cancellationToken);

    public IAsyncEnumerable<Conversation> ReadAllConversationsAsync(CancellationToken cancellationToken) =>
        ScanTypeAsync("Conversation", ToConversation, cancellationToken);

    public IAsyncEnumerable<MessageFeedback> ReadAllFeedbackAsync(CancellationToken cancellationToken) =>
        ScanTypeAsync("Feedback", ToFeedback, cancellationToken);

    private async IAsyncEnumerable<T> ScanTypeAsync<T>(string type, Func<Dictionary<string, AttributeValue>, T> map, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new ScanRequest
        {
            TableName = Table,
            FilterExpression = "#type = :type",
            ExpressionAttributeNames = new() { ["#type"] = TypeAttribute },
            ExpressionAttributeValues = new() { [":type"] = S(type) },
            ConsistentRead = true,
        };
        do
        {
            var response = await client.ScanAsync(request, cancellationToken);
            foreach (var item in response.Items ?? [])
            {
                yield return map(item);
            }

            request.ExclusiveStartKey = response.LastEvaluatedKey;
        }
        while (request.ExclusiveStartKey is { Count: > 0 });
    }

    private QueryRequest MessagesQuery(string conversationId) => new()
    {
        TableName = Table,
        KeyConditionExpression = "PK = :pk AND begins_with(SK, :prefix)",
        ExpressionAttributeValues = new() { [":pk"] = S(ConversationPrefix + conversationId), [":prefix"] = S(MessagePrefix) },
        ConsistentRead = true,
    };

    /// <summary>The hourly rows and, in the same transaction, their day rollups (distinct items, as a transaction requires).</summary>
    private IEnumerable<TransactWriteItem> UsageWrites(UsageDelta delta)
    {
        foreach (var (key, counters) in delta.Changes)
        {
            yield return CounterWrite(UsageKey(key), key, counters, "DailyUsage");
        }

        foreach (var (key, counters) in delta.DayChanges)
        {
            yield return CounterWrite(DayUsageKey(key), key, counters, "DayUsage");
        }

        foreach (var citation in delta.CitationChanges)
        {
            yield return CitationWrite(CitationKey(citation.Key, citation.DocumentId), citation, "CitationUsage");
        }

        foreach (var citation in delta.DayCitationChanges)
        {
            yield return CitationWrite(DayCitationKey(citation.Key, citation.DocumentId), citation, "DayCitationUsage");
        }
    }

    private TransactWriteItem CounterWrite(Dictionary<string, AttributeValue> itemKey, DailyUsageKey key, UsageCounters counters, string type)
    {
        var values = new Dictionary<string, AttributeValue>
        {
            [":day"] = S(FormatDay(key.Day)),
            [":hour"] = N(key.Hour),
            [":role"] = S(key.Role),
            [":language"] = S(key.Language),
            [":type"] = S(type),
        };
        var additions = new List<string>();
        var counterValues = CounterValues(counters);
        for (var i = 0; i < UsageCounterNames.Length; i++)
        {
            if (counterValues[i] != 0)
            {
                additions.Add($"{UsageCounterNames[i]} :c{i}");
                values[$":c{i}"] = N(counterValues[i]);
            }
        }

        return new TransactWriteItem
        {
            Update = new Update
            {
                TableName = Table,
                Key = itemKey,
                UpdateExpression = $"SET #type = :type, #day = :day, #hour = :hour, #role = :role, #language = :language ADD {string.Join(", ", additions)}",
                ExpressionAttributeNames = new() { ["#type"] = TypeAttribute, ["#day"] = "Day", ["#hour"] = "Hour", ["#role"] = "Role", ["#language"] = "Language" },
                ExpressionAttributeValues = values,
            },
        };
    }

    private TransactWriteItem CitationWrite(Dictionary<string, AttributeValue> itemKey, CitationUsage citation, string type) => new()
    {
        Update = new Update
        {
            TableName = Table,
            Key = itemKey,
            UpdateExpression = "SET #type = :type, DocumentId = :document, #day = :day, #role = :role, #language = :language ADD Answers :n",
            ExpressionAttributeNames = new() { ["#type"] = TypeAttribute, ["#day"] = "Day", ["#role"] = "Role", ["#language"] = "Language" },
            ExpressionAttributeValues = new()
            {
                [":type"] = S(type), [":document"] = S(citation.DocumentId), [":n"] = N(citation.Answers),
                [":day"] = S(FormatDay(citation.Key.Day)), [":role"] = S(citation.Key.Role), [":language"] = S(citation.Key.Language),
            },
        },
    };

    /// <summary>Adds the day to the person's day set: adding to a number set is idempotent, like the hourly marker's Put.</summary>
    private TransactWriteItem ActiveDayWrite(DailyUsageKey key, string userId) => new()
    {
        Update = new Update
        {
            TableName = Table,
            Key = ActiveDaysKey(key.Day.Year, key.Role, key.Language, userId),
            UpdateExpression = "SET #type = :type, #role = :role, #language = :language, UserId = :user ADD #days :day",
            ExpressionAttributeNames = new() { ["#type"] = TypeAttribute, ["#role"] = "Role", ["#language"] = "Language", ["#days"] = "Days" },
            ExpressionAttributeValues = new()
            {
                [":type"] = S("ActiveDays"), [":role"] = S(key.Role), [":language"] = S(key.Language), [":user"] = S(userId),
                [":day"] = new AttributeValue { NS = [ActiveDays.DayIndex(key.Day).ToString(System.Globalization.CultureInfo.InvariantCulture)] },
            },
        },
    };

    /// <summary>False when an optimistic condition lost a race (the caller reads again and retries).</summary>
    private async Task<bool> TryTransactAsync(List<TransactWriteItem> writes, CancellationToken cancellationToken)
    {
        try
        {
            await client.TransactWriteItemsAsync(new TransactWriteItemsRequest { TransactItems = writes }, cancellationToken);
            return true;
        }
        catch (TransactionCanceledException ex) when (HasReason(ex, "ConditionalCheckFailed") || HasReason(ex, "TransactionConflict"))
        {
            return false;
        }
        catch (TransactionConflictException)
        {
            return false;
        }
    }

    private static async Task BackOffAsync(int attempt, CancellationToken cancellationToken)
    {
        if (attempt >= OptimisticAttempts)
        {
            throw new InvalidOperationException($"A write kept losing to concurrent writes after {OptimisticAttempts} attempts.");
        }

        // Jitter spreads writers that collided so the next round does not collide the same way.
        await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 + (attempt * 5))), cancellationToken);
    }

    private static bool HasReason(TransactionCanceledException ex, string code) =>
        ex.CancellationReasons?.Any(r => r.Code == code) == true;

    private long? ExpiresAt(DateTimeOffset createdAt)
    {
        // From the message's own time, so the message, its lookup item and its feedback expire together.
        return storage.Value.RetentionDays is { } days ? createdAt.AddDays(days).ToUnixTimeSeconds() : null;
    }

    public async Task<bool> RenameConversationAsync(string userId, string conversationId, string title, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        try
        {
            await client.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = Table,
                Key = ConversationKey(userId, conversationId),
                UpdateExpression = "SET Title = :title",
                // The key names the owner: someone else's conversation simply is not there.
                ConditionExpression = "attribute_exists(PK)",
                ExpressionAttributeValues = new() { [":title"] = S(title.Trim()) },
            }, cancellationToken);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    /// <remarks>
    /// Children first (feedback, message lookups, messages), the conversation and its owner item last: a
    /// delete cut short leaves a conversation that can still be found and deleted again, never orphans only.
    /// Usage counters stay: the questions were asked, whatever happened to the transcript afterwards.
    /// </remarks>
    public async Task<bool> DeleteConversationAsync(string userId, string conversationId, CancellationToken cancellationToken)
    {
        if (await GetAsync(ConversationKey(userId, conversationId), cancellationToken) is null)
        {
            return false;
        }

        var children = await QueryAllAsync(new QueryRequest
        {
            TableName = Table,
            KeyConditionExpression = "PK = :pk AND begins_with(SK, :prefix)",
            ExpressionAttributeValues = new() { [":pk"] = S(ConversationPrefix + conversationId), [":prefix"] = S(MessagePrefix) },
            ConsistentRead = true,
        }, cancellationToken);
        var keys = new List<Dictionary<string, AttributeValue>>();
        foreach (var message in children)
        {
            var messageId = Str(message, "Id");
            var feedback = await QueryAllAsync(new QueryRequest
            {
                TableName = Table,
                KeyConditionExpression = "PK = :pk AND begins_with(SK, :prefix)",
                ExpressionAttributeValues = new() { [":pk"] = S(MessagePrefix + messageId), [":prefix"] = S(FeedbackPrefix) },
                ConsistentRead = true,
            }, cancellationToken);
            keys.AddRange(feedback.Select(f => Key(Str(f, Pk), Str(f, Sk))));
            keys.Add(MessageRefKey(messageId));
            keys.Add(Key(Str(message, Pk), Str(message, Sk)));
        }

        await BatchWriteAsync(keys.Select(k => new WriteRequest { DeleteRequest = new DeleteRequest { Key = k } }), cancellationToken);

        await client.TransactWriteItemsAsync(new TransactWriteItemsRequest
        {
            TransactItems =
            [
                new() { Delete = new Delete { TableName = Table, Key = ConversationKey(userId, conversationId) } },
                new() { Delete = new Delete { TableName = Table, Key = OwnerKey(conversationId) } },
            ],
        }, cancellationToken);
        return true;
    }

    /// <summary>BatchWriteItem 25 at a time, sending back what the service left unprocessed until none is left.</summary>
    private async Task BatchWriteAsync(IEnumerable<WriteRequest> requests, CancellationToken cancellationToken)
    {
        foreach (var batch in requests.Chunk(25))
        {
            var pending = new Dictionary<string, List<WriteRequest>> { [Table] = [.. batch] };
            for (var attempt = 1; pending.Count > 0 && pending.Values.Sum(v => v.Count) > 0; attempt++)
            {
                var response = await client.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = pending }, cancellationToken);
                pending = response.UnprocessedItems ?? [];
                if (pending.Count > 0)
                {
                    await BackOffAsync(attempt, cancellationToken);
                }
            }
        }
    }

    private async Task<Dictionary<string, AttributeValue>?> GetAsync(Dictionary<string, AttributeValue> key, CancellationToken cancellationToken)
    {
        var response = await client.GetItemAsync(new GetItemRequest { TableName = Table, Key = key, ConsistentRead = true }, cancellationToken);
        return response.Item is { Count: > 0 } item ? item : null;
    }

    private async Task<List<Dictionary<string, AttributeValue>>> QueryAllAsync(QueryRequest request, CancellationToken cancellationToken)
    {
        var items = new List<Dictionary<string, AttributeValue>>();
        do
        {
            var response = await client.QueryAsync(request, cancellationToken);
            items.AddRange(response.Items ?? []);
            request.ExclusiveStartKey = response.LastEvaluatedKey;
        }
        while (request.ExclusiveStartKey is { Count: > 0 });

        return items;
    }
}
