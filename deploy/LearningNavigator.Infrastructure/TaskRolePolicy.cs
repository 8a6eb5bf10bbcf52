using Amazon.CDK;
using Amazon.CDK.AWS.DynamoDB;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Logs;
using Amazon.CDK.AWS.S3;

namespace LearningNavigator.Infrastructure;

/// <summary>
/// Every AWS call the app makes, and only those: items of its table, streamed Claude answers, knowledge base
/// retrieval and ingestion, the document bucket's listing and objects. No Scan, no wildcard resources. Secrets
/// reach the container through ECS (the execution role), so this role reads none.
/// </summary>
public sealed class TaskRolePolicy(Table table, Bucket documents, IReadOnlyList<string> modelIds, string? knowledgeBaseArn)
{
    public static readonly string[] TableActions =
    [
        "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query",
        "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem",
    ];

    public static readonly string[] ObjectActions = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"];

    public IEnumerable<PolicyStatement> Statements()
    {
        var stack = Stack.Of(table);
        yield return Allow("Table", TableActions, table.TableArn, $"{table.TableArn}/index/*");
        yield return Allow("StreamAnswers", ["bedrock:InvokeModelWithResponseStream"], [.. modelIds.SelectMany(model => ModelArns(stack, model))]);
        if (knowledgeBaseArn is not null)
        {
            yield return Allow("Retrieve", ["bedrock:Retrieve"], knowledgeBaseArn);
            yield return Allow("Ingest", ["bedrock:StartIngestionJob", "bedrock:GetIngestionJob"], knowledgeBaseArn);
        }

        yield return Allow("ListDocuments", ["s3:ListBucket"], documents.BucketArn);
        yield return Allow("Documents", ObjectActions, documents.ArnForObjects("*"));
    }

    /// <summary>
    /// What awsemf calls for the metrics collector sharing the task role: it creates its stream in the stack's log
    /// group and puts events. It needs no Describe* (no sequence tokens any more) and no CreateLogGroup (the group exists).
    /// </summary>
    public static readonly string[] MetricsLogActions = ["logs:CreateLogStream", "logs:PutLogEvents"];

    public static PolicyStatement PublishMetrics(ILogGroup metrics) => Allow("PublishMetrics", MetricsLogActions, metrics.LogGroupArn);

    /// <summary>
    /// A model id such as "anthropic.claude-3-5-haiku-20241022-v1:0" is a foundation model in this region. One such as
    /// "us.anthropic.claude-..." is a cross-region inference profile: Bedrock checks the profile and then the foundation
    /// model in whichever of the geography's regions serves the call, so both are granted (the model in any region).
    /// </summary>
    public static IEnumerable<string> ModelArns(Stack stack, string modelId)
    {
        var geography = modelId.IndexOf('.', StringComparison.Ordinal) is var dot and > 0 ? modelId[..dot] : string.Empty;
        if (geography is not ("us" or "eu" or "apac" or "us-gov" or "global"))
        {
            return [$"arn:{stack.Partition}:bedrock:{stack.Region}::foundation-model/{modelId}"];
        }

        return
        [
            $"arn:{stack.Partition}:bedrock:{stack.Region}:{stack.Account}:inference-profile/{modelId}",
            $"arn:{stack.Partition}:bedrock:*::foundation-model/{modelId[(geography.Length + 1)..]}",
        ];
    }

    private static PolicyStatement Allow(string sid, string[] actions, params string[] resources) =>
        new(new PolicyStatementProps { Sid = sid, Effect = Effect.ALLOW, Actions = actions, Resources = resources });
}
