using System.Text.Json;
using Amazon.CDK;
using Amazon.CDK.AwsBedrock;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.OpenSearchServerless;
using Amazon.CDK.AWS.S3;
using Constructs;

namespace LearningNavigator.Infrastructure;

/// <summary>
/// Bedrock Knowledge Base over the document bucket: an OpenSearch Serverless vector collection, the role
/// Bedrock ingests with, the knowledge base and its S3 data source.
/// </summary>
public sealed class KnowledgeBase : Construct
{
    public const string CollectionName = "ln-knowledge";

    public KnowledgeBase(Construct scope, string id, Bucket documents, DeploymentSettings settings) : base(scope, id)
    {
        var stack = Stack.Of(this);
        var encryption = new CfnSecurityPolicy(this, "EncryptionPolicy", new CfnSecurityPolicyProps
        {
            Name = $"{CollectionName}-enc",
            Type = "encryption",
            Policy = JsonSerializer.Serialize(new
            {
                Rules = new[] { new { ResourceType = "collection", Resource = new[] { $"collection/{CollectionName}" } } },
                AWSOwnedKey = true,
            }),
        });
        var network = new CfnSecurityPolicy(this, "NetworkPolicy", new CfnSecurityPolicyProps
        {
            Name = $"{CollectionName}-net",
            Type = "network",
            // Reached over its public endpoint, but only with SigV4-signed requests the data policy allows.
            Policy = JsonSerializer.Serialize(new[]
            {
                new
                {
                    Rules = new[] { new { ResourceType = "collection", Resource = new[] { $"collection/{CollectionName}" } } },
                    AllowFromPublic = true,
                },
            }),
        });
        Collection = new CfnCollection(this, "Collection", new CfnCollectionProps
        {
            Name = CollectionName,
            Type = "VECTORSEARCH",
            Description = "Vectors of the Learning Navigator documents.",
        });
        Collection.AddDependency(encryption);
        Collection.AddDependency(network);

        Role = new Role(this, "IngestionRole", new RoleProps
        {
            AssumedBy = new ServicePrincipal("bedrock.amazonaws.com", new ServicePrincipalOpts
            {
                Conditions = new Dictionary<string, object>
                {
                    ["StringEquals"] = new Dictionary<string, object> { ["aws:SourceAccount"] = stack.Account },
                },
            }),
            Description = "Bedrock reads the document bucket and writes vectors for the knowledge base.",
        });
        Role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["bedrock:InvokeModel"],
            Resources = [$"arn:{stack.Partition}:bedrock:{stack.Region}::foundation-model/{settings.EmbeddingModelId}"],
        }));
        Role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["aoss:APIAccessAll"],
            Resources = [Collection.AttrArn],
        }));
        Role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["s3:ListBucket"],
            Resources = [documents.BucketArn],
        }));
        Role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["s3:GetObject"],
            Resources = [documents.ArnForObjects(DataStores.DocumentsPrefix + "*")],
        }));

        _ = new CfnAccessPolicy(this, "DataAccessPolicy", new CfnAccessPolicyProps
        {
            Name = $"{CollectionName}-data",
            Type = "data",
            Policy = Fn.Sub(JsonSerializer.Serialize(new[]
            {
                new
                {
                    Rules = new object[]
                    {
                        new { ResourceType = "collection", Resource = new[] { $"collection/{CollectionName}" }, Permission = new[] { "aoss:DescribeCollectionItems", "aoss:CreateCollectionItems", "aoss:UpdateCollectionItems" } },
                        new { ResourceType = "index", Resource = new[] { $"index/{CollectionName}/*" }, Permission = new[] { "aoss:CreateIndex", "aoss:DescribeIndex", "aoss:ReadDocument", "aoss:WriteDocument", "aoss:UpdateIndex" } },
                    },
                    Principal = new[] { "${IngestionRoleArn}", "arn:${AWS::Partition}:iam::${AWS::AccountId}:root" },
                },
            }), new Dictionary<string, string> { ["IngestionRoleArn"] = Role.RoleArn }),
        });

        if (!settings.WithKnowledgeBase)
        {
            return;
        }

        Base = new CfnKnowledgeBase(this, "KnowledgeBase", new CfnKnowledgeBaseProps
        {
            Name = "learning-navigator",
            Description = "MHFA documents for instructors, staff and admins.",
            RoleArn = Role.RoleArn,
            KnowledgeBaseConfiguration = new CfnKnowledgeBase.KnowledgeBaseConfigurationProperty
            {
                Type = "VECTOR",
                VectorKnowledgeBaseConfiguration = new CfnKnowledgeBase.VectorKnowledgeBaseConfigurationProperty
                {
                    EmbeddingModelArn = $"arn:{stack.Partition}:bedrock:{stack.Region}::foundation-model/{settings.EmbeddingModelId}",
                },
            },
            StorageConfiguration = new CfnKnowledgeBase.StorageConfigurationProperty
            {
                Type = "OPENSEARCH_SERVERLESS",
                OpensearchServerlessConfiguration = new CfnKnowledgeBase.OpenSearchServerlessConfigurationProperty
                {
                    CollectionArn = Collection.AttrArn,
                    VectorIndexName = settings.VectorIndexName,
                    FieldMapping = new CfnKnowledgeBase.OpenSearchServerlessFieldMappingProperty
                    {
                        VectorField = "embedding",
                        TextField = "text",
                        MetadataField = "metadata",
                    },
                },
            },
        });
        Base.Node.AddDependency(Role);

        DataSource = new CfnDataSource(this, "Documents", new CfnDataSourceProps
        {
            KnowledgeBaseId = Base.AttrKnowledgeBaseId,
            Name = "documents",
            DataDeletionPolicy = "DELETE",
            DataSourceConfiguration = new CfnDataSource.DataSourceConfigurationProperty
            {
                Type = "S3",
                S3Configuration = new CfnDataSource.S3DataSourceConfigurationProperty
                {
                    BucketArn = documents.BucketArn,
                    InclusionPrefixes = [DataStores.DocumentsPrefix],
                },
            },
            // The same chunk size as the embedded index (500 tokens, 10% overlap), so answers read alike.
            VectorIngestionConfiguration = new CfnDataSource.VectorIngestionConfigurationProperty
            {
                ChunkingConfiguration = new CfnDataSource.ChunkingConfigurationProperty
                {
                    ChunkingStrategy = "FIXED_SIZE",
                    FixedSizeChunkingConfiguration = new CfnDataSource.FixedSizeChunkingConfigurationProperty { MaxTokens = 500, OverlapPercentage = 10 },
                },
            },
        });
    }

    public CfnCollection Collection { get; }

    public Role Role { get; }

    public CfnKnowledgeBase? Base { get; }

    public CfnDataSource? DataSource { get; }
}
