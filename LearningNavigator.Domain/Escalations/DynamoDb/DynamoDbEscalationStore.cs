using System.Runtime.CompilerServices;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using LearningNavigator.Conversations.DynamoDb;
using Microsoft.Extensions.Options;
using static LearningNavigator.Conversations.DynamoDb.DynamoDbItems;

namespace LearningNavigator.Escalations.DynamoDb;

/// <summary>
/// <see cref="IEscalationStore"/> in the conversation store's single table; keys and access patterns are in
/// docs/data-model.md ("Escalations"). The open count lives in a few counter items changed in the same transaction
/// as the escalation, so <see cref="CountOpenAsync"/> reads at most one item per role and language.
/// </summary>
public sealed class DynamoDbEscalationStore(IAmazonDynamoDB client, IOptions<DynamoDbStorageOptions> options) : IEscalationStore
{
    public const string EscalationPrefix = "ESC#";
    public const string EscalationSk = "ESCALATION";
    public const string QueuePrefix = "ESCQ#";
    public const string OpenCountPk = "ESCOPEN";

    private string Table => options.Value.TableName;

    public static Dictionary<string, AttributeValue> EscalationKey(string id) => Key(EscalationPrefix + id, EscalationSk);

    public static Dictionary<string, AttributeValue> UserRefKey(string userId, string id) => Key($"USER#{userId}", EscalationPrefix + id);

    public static Dictionary<string, AttributeValue> OpenCountKey(string role, string language) => Key(OpenCountPk, $"ROLE#{role}#LANG#{language}");

    public async Task<bool> CreateAsync(Escalation escalation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(escalation);
        var reference = UserRefKey(escalation.UserId, escalation.Id);
        reference[TypeAttribute] = S("EscalationRef");
        reference["EscalationId"] = S(escalation.Id);
        reference["CreatedAt"] = S(FormatTime(escalation.CreatedAt));
        List<TransactWriteItem> writes =
        [
            new() { Put = new Put { TableName = Table, Item = Item(escalation), ConditionExpression = "attribute_not_exists(PK)" } },
            new() { Put = new Put { TableName = Table, Item = reference, ConditionExpression = "attribute_not_exists(PK)" } },
        ];
        if (escalation.IsOpen)
        {
            writes.Add(OpenCountChange(escalation, +1));
        }

        try
        {
            await client.TransactWriteItemsAsync(new TransactWriteItemsRequest { TransactItems = writes }, cancellationToken);
            return true;
        }
        catch (TransactionCanceledException ex) when (ex.CancellationReasons?.Any(r => r.Code == "ConditionalCheckFailed") == true)
        {
            // The id is taken: the escalation was raised before (a retry, a second click). Nothing is counted twice.
            return false;
        }
    }

    public async Task<Escalation?> GetAsync(string escalationId, CancellationToken cancellationToken)
    {
        var response = await client.GetItemAsync(new GetItemRequest { TableName = Table, Key = EscalationKey(escalationId), ConsistentRead = true }, cancellationToken);
        return response.Item is { Count: > 0 } item ? EscalationJson.Deserialize(Str(item, "Body")) : null;
    }

    public async Task<bool> UpdateAsync(Escalation updated, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updated);
        var stored = await GetAsync(updated.Id, cancellationToken);
        if (stored is null || stored.Version != updated.Version - 1)
        {
            return false;
        }

        List<TransactWriteItem> writes =
        [
            new()
            {
                Put = new Put
                {
                    TableName = Table,
                    Item = Item(updated),
                    ConditionExpression = "Version = :seen",
                    ExpressionAttributeValues = new() { [":seen"] = N(stored.Version) },
                },
            },
        ];
        if (stored.IsOpen != updated.IsOpen)
        {
            writes.Add(OpenCountChange(stored, updated.IsOpen ? +1 : -1));
        }

        try
        {
            await client.TransactWriteItemsAsync(new TransactWriteItemsRequest { TransactItems = writes }, cancellationToken);
            return true;
        }
        catch (TransactionCanceledException ex) when (ex.CancellationReasons?.Any(r => r.Code is "ConditionalCheckFailed" or "TransactionConflict") == true)
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<Escalation>> ListAsync(EscalationQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var statuses = query.Status is { } one ? [one] : Enum.GetValues<EscalationStatus>();
        var found = new List<Escalation>();
        foreach (var status in statuses)
        {
            found.AddRange(await QueueAsync(status, query.AssigneeId, query.Limit, cancellationToken));
        }

        return [.. found.OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Id, StringComparer.Ordinal).Take(query.Limit)];
    }

    /// <summary>One status's queue from GSI1, newest first, stopping once <paramref name="limit"/> matches are read.</summary>
    private async Task<List<Escalation>> QueueAsync(EscalationStatus status, string? assigneeId, int limit, CancellationToken cancellationToken)
    {
        var request = new QueryRequest
        {
            TableName = Table,
            IndexName = Gsi1,
            KeyConditionExpression = "GSI1PK = :pk",
            ExpressionAttributeValues = new() { [":pk"] = S(QueuePrefix + EscalationJson.Name(status)) },
            ScanIndexForward = false,
        };
        if (assigneeId is not null)
        {
            request.FilterExpression = "AssigneeId = :assignee";
            request.ExpressionAttributeValues[":assignee"] = S(assigneeId);
        }

        var found = new List<Escalation>();
        do
        {
            var response = await client.QueryAsync(request, cancellationToken);
            found.AddRange((response.Items ?? []).Select(i => EscalationJson.Deserialize(Str(i, "Body"))));
            request.ExclusiveStartKey = response.LastEvaluatedKey;
        }
        while (found.Count < limit && request.ExclusiveStartKey is { Count: > 0 });

        return found;
    }

    public async Task<IReadOnlyList<Escalation>> ListForUserAsync(string userId, CancellationToken cancellationToken)
    {
        var request = new QueryRequest
        {
            TableName = Table,
            KeyConditionExpression = "PK = :pk AND begins_with(SK, :prefix)",
            ExpressionAttributeValues = new() { [":pk"] = S($"USER#{userId}"), [":prefix"] = S(EscalationPrefix) },
            ConsistentRead = true,
        };
        var ids = new List<string>();
        do
        {
            var response = await client.QueryAsync(request, cancellationToken);
            ids.AddRange((response.Items ?? []).Select(i => Str(i, "EscalationId")));
            request.ExclusiveStartKey = response.LastEvaluatedKey;
        }
        while (request.ExclusiveStartKey is { Count: > 0 });

        var found = new List<Escalation>();
        foreach (var batch in ids.Chunk(100))
        {
            var pending = new Dictionary<string, KeysAndAttributes>
            {
                [Table] = new() { Keys = [.. batch.Select(EscalationKey)], ConsistentRead = true },
            };
            while (pending.Count > 0)
            {
                var response = await client.BatchGetItemAsync(new BatchGetItemRequest { RequestItems = pending }, cancellationToken);
                if (response.Responses?.TryGetValue(Table, out var items) == true)
                {
                    found.AddRange(items.Select(i => EscalationJson.Deserialize(Str(i, "Body"))));
                }

                pending = response.UnprocessedKeys is { Count: > 0 } unprocessed ? unprocessed : [];
            }
        }

        return [.. found.OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Id, StringComparer.Ordinal)];
    }

    /// <remarks>A scan filtered on <c>Type</c>: export only, never on a request path.</remarks>
    public async IAsyncEnumerable<Escalation> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new ScanRequest
        {
            TableName = Table,
            FilterExpression = "#type = :type",
            ExpressionAttributeNames = new() { ["#type"] = TypeAttribute },
            ExpressionAttributeValues = new() { [":type"] = S("Escalation") },
            ConsistentRead = true,
        };
        do
        {
            var response = await client.ScanAsync(request, cancellationToken);
            foreach (var item in response.Items ?? [])
            {
                yield return EscalationJson.Deserialize(Str(item, "Body"));
            }

            request.ExclusiveStartKey = response.LastEvaluatedKey;
        }
        while (request.ExclusiveStartKey is { Count: > 0 });
    }

    public async Task<int> CountOpenAsync(string? role, string? language, CancellationToken cancellationToken)
    {
        if (role is not null && language is not null)
        {
            var response = await client.GetItemAsync(new GetItemRequest { TableName = Table, Key = OpenCountKey(role, language), ConsistentRead = true }, cancellationToken);
            return response.Item is { Count: > 0 } item ? checked((int)Long(item, "Open")) : 0;
        }

        // One partition of a handful of counter items (roles × languages): never a scan of escalations.
        var rows = await client.QueryAsync(new QueryRequest
        {
            TableName = Table,
            KeyConditionExpression = "PK = :pk",
            ExpressionAttributeValues = new() { [":pk"] = S(OpenCountPk) },
            ConsistentRead = true,
        }, cancellationToken);
        return checked((int)(rows.Items ?? [])
            .Where(i => (role is null || Str(i, "Role") == role) && (language is null || Str(i, "Language") == language))
            .Sum(i => Long(i, "Open")));
    }

    private TransactWriteItem OpenCountChange(Escalation escalation, int delta) => new()
    {
        Update = new Update
        {
            TableName = Table,
            Key = OpenCountKey(escalation.Role, escalation.Language),
            UpdateExpression = "SET #type = :type, #role = :role, #language = :language ADD #open :delta",
            ExpressionAttributeNames = new() { ["#type"] = TypeAttribute, ["#role"] = "Role", ["#language"] = "Language", ["#open"] = "Open" },
            ExpressionAttributeValues = new()
            {
                [":type"] = S("EscalationOpenCount"),
                [":role"] = S(escalation.Role),
                [":language"] = S(escalation.Language),
                [":delta"] = N(delta),
            },
        },
    };

    private static Dictionary<string, AttributeValue> Item(Escalation escalation)
    {
        var item = EscalationKey(escalation.Id);
        item[TypeAttribute] = S("Escalation");
        item["Id"] = S(escalation.Id);
        item["UserId"] = S(escalation.UserId);
        item["Status"] = S(EscalationJson.Name(escalation.Status));
        item["Role"] = S(escalation.Role);
        item["Language"] = S(escalation.Language);
        item["CreatedAt"] = S(FormatTime(escalation.CreatedAt));
        item["Version"] = N(escalation.Version);
        item["Body"] = S(EscalationJson.Serialize(escalation));
        if (escalation.AssigneeId is not null)
        {
            item["AssigneeId"] = S(escalation.AssigneeId);
        }

        item[Gsi1Pk] = S(QueuePrefix + EscalationJson.Name(escalation.Status));
        item[Gsi1Sk] = S($"{FormatTime(escalation.CreatedAt)}#{escalation.Id}");
        return item;
    }
}
