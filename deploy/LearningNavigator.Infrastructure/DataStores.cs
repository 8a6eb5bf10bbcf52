using Amazon.CDK;
using Amazon.CDK.AWS.DynamoDB;
using Amazon.CDK.AWS.S3;
using Constructs;

namespace LearningNavigator.Infrastructure;

/// <summary>The durable data: the single DynamoDB table and the document bucket (the knowledge base's source).</summary>
public sealed class DataStores : Construct
{
    public const string DocumentsPrefix = "documents/";

    public DataStores(Construct scope, string id) : base(scope, id)
    {
        // The single-table design (docs/data-model.md): PK/SK for a user's items, GSI1 for the other access paths,
        // ExpiresAt on messages and feedback when Storage:RetentionDays is set.
        Table = new Table(this, "Table", new TableProps
        {
            PartitionKey = new Amazon.CDK.AWS.DynamoDB.Attribute { Name = "PK", Type = AttributeType.STRING },
            SortKey = new Amazon.CDK.AWS.DynamoDB.Attribute { Name = "SK", Type = AttributeType.STRING },
            BillingMode = BillingMode.PAY_PER_REQUEST,
            PointInTimeRecovery = true,
            TimeToLiveAttribute = "ExpiresAt",
            Encryption = TableEncryption.AWS_MANAGED,
            RemovalPolicy = RemovalPolicy.RETAIN,
        });
        Table.AddGlobalSecondaryIndex(new GlobalSecondaryIndexProps
        {
            IndexName = "GSI1",
            PartitionKey = new Amazon.CDK.AWS.DynamoDB.Attribute { Name = "GSI1PK", Type = AttributeType.STRING },
            SortKey = new Amazon.CDK.AWS.DynamoDB.Attribute { Name = "GSI1SK", Type = AttributeType.STRING },
            ProjectionType = ProjectionType.ALL,
        });

        Documents = new Bucket(this, "Documents", new BucketProps
        {
            Encryption = BucketEncryption.S3_MANAGED,
            Versioned = true,
            BlockPublicAccess = BlockPublicAccess.BLOCK_ALL,
            EnforceSSL = true,
            ObjectOwnership = ObjectOwnership.BUCKET_OWNER_ENFORCED,
            RemovalPolicy = RemovalPolicy.RETAIN,
            LifecycleRules =
            [
                // Versions keep deletes undoable for a while without keeping every edit forever.
                new LifecycleRule { NoncurrentVersionExpiration = Duration.Days(90) },
            ],
        });
    }

    public Table Table { get; }

    public Bucket Documents { get; }
}
