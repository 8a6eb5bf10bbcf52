using System.Xml.Linq;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using LearningNavigator.Conversations.DynamoDb;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace LearningNavigator.Web.Auth;

/// <summary>
/// The data-protection key ring in the app's single DynamoDB table (docs/data-model.md, "Data-protection keys"),
/// so every task of a service reads the same keys and a replaced task still has them: sign-in cookies and
/// circuits then survive a restart and a move to another task. One item per key, never overwritten.
/// </summary>
public sealed class DynamoDbXmlRepository(IAmazonDynamoDB client, string tableName) : IXmlRepository
{
    public const string Partition = "DATAPROTECTION";
    public const string KeyPrefix = "KEY#";
    public const string ItemType = "DataProtectionKey";
    public const string XmlAttribute = "Xml";

    private const string Pk = DynamoDbTableSchema.Pk;
    private const string Sk = DynamoDbTableSchema.Sk;
    private const string TypeAttribute = DynamoDbTableSchema.TypeAttribute;

    /// <summary>
    /// IXmlRepository is synchronous and carries no token. The data-protection system calls it rarely (at start,
    /// at a daily refresh, when it makes a key), but a request thread waits on it then: bounded, so a table that does
    /// not answer fails that request instead of holding it indefinitely.
    /// </summary>
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Items per Query page; unset, DynamoDB's own limit (1 MB of items) pages. Tests set it to see paging.</summary>
    internal int? PageSize { get; init; }

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var timeout = new CancellationTokenSource(CallTimeout);
        return GetAllElementsAsync(timeout.Token).GetAwaiter().GetResult();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var timeout = new CancellationTokenSource(CallTimeout);
        StoreElementAsync(element, friendlyName, timeout.Token).GetAwaiter().GetResult();
    }

    /// <summary>Every stored key element, read page by page with a consistent read (a key another task just wrote counts).</summary>
    public async Task<IReadOnlyCollection<XElement>> GetAllElementsAsync(CancellationToken cancellationToken)
    {
        var elements = new List<XElement>();
        Dictionary<string, AttributeValue>? startAfter = null;
        do
        {
            var page = await client.QueryAsync(new QueryRequest
            {
                TableName = tableName,
                KeyConditionExpression = "#pk = :pk AND begins_with(#sk, :prefix)",
                ExpressionAttributeNames = new() { ["#pk"] = Pk, ["#sk"] = Sk },
                ExpressionAttributeValues = new() { [":pk"] = new AttributeValue { S = Partition }, [":prefix"] = new AttributeValue { S = KeyPrefix } },
                ConsistentRead = true,
                Limit = PageSize,
                ExclusiveStartKey = startAfter,
            }, cancellationToken);
            foreach (var item in page.Items ?? [])
            {
                elements.Add(XElement.Parse(item[XmlAttribute].S));
            }

            startAfter = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (startAfter is not null);

        return elements;
    }

    /// <summary>
    /// Puts the element only if no item of that name exists: two tasks can never replace each other's key. A second
    /// store of the same element (the SDK retrying a put that had in fact landed) is a no-op; a different element
    /// under a stored name is refused, since the key ring would otherwise lose the key payloads were protected with.
    /// </summary>
    public async Task StoreElementAsync(XElement element, string friendlyName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(element);
        ArgumentException.ThrowIfNullOrEmpty(friendlyName);
        var xml = element.ToString(SaveOptions.DisableFormatting);
        var key = Key(friendlyName);
        var item = new Dictionary<string, AttributeValue>(key)
        {
            [TypeAttribute] = new AttributeValue { S = ItemType },
            [XmlAttribute] = new AttributeValue { S = xml },
        };
        try
        {
            await client.PutItemAsync(new PutItemRequest
            {
                TableName = tableName,
                Item = item,
                ConditionExpression = "attribute_not_exists(#pk)",
                ExpressionAttributeNames = new() { ["#pk"] = Pk },
            }, cancellationToken);
        }
        catch (ConditionalCheckFailedException)
        {
            var stored = await client.GetItemAsync(new GetItemRequest { TableName = tableName, Key = key, ConsistentRead = true }, cancellationToken);
            if (stored.Item is { } existing && existing.TryGetValue(XmlAttribute, out var value) && value.S == xml)
            {
                return;
            }

            throw new InvalidOperationException(
                $"A different data-protection key named '{friendlyName}' is already stored in table '{tableName}'; keys are never overwritten.");
        }
    }

    private static Dictionary<string, AttributeValue> Key(string friendlyName) => new()
    {
        [Pk] = new AttributeValue { S = Partition },
        [Sk] = new AttributeValue { S = KeyPrefix + friendlyName },
    };
}
