namespace LearningNavigator.Conversations.DynamoDb;

/// <summary>
/// The single table's attribute names: its keys, its one index, the item type and the TTL attribute. Public because
/// the table is shared beyond the stores (the web app keeps its data-protection keys in it, the CDK stack declares
/// it), and each of them must use the same names.
/// </summary>
public static class DynamoDbTableSchema
{
    public const string Pk = "PK";
    public const string Sk = "SK";
    public const string Gsi1 = "GSI1";
    public const string Gsi1Pk = "GSI1PK";
    public const string Gsi1Sk = "GSI1SK";
    public const string TypeAttribute = "Type";
    public const string ExpiresAt = "ExpiresAt";
}
