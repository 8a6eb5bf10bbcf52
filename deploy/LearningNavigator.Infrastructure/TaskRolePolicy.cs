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
public sealed class TaskRolePolicy(Table table, Bucket documents, string documentsPrefix, IReadOnlyList<string> modelIds, string? knowledgeBaseArn)
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
        string[] stream = ["bedrock:InvokeModelWithResponseStream"];
        var profiles = modelIds.Where(IsInferenceProfile).ToList();
        yield return Allow("StreamAnswers", stream, [
            .. modelIds.Where(m => !IsInferenceProfile(m)).Select(m => $"arn:{stack.Partition}:bedrock:{stack.Region}::foundation-model/{m}"),
            .. profiles.Select(p => ProfileArn(stack, p))]);
        if (profiles.Count > 0)
        {
            // A cross-region profile routes to the model in any of its geography's regions, so the model is granted in
            // every region, but only for calls made through one of the configured profiles.
            var statement = Allow("StreamAnswersThroughProfiles", stream, [.. profiles.Select(p => $"arn:{stack.Partition}:bedrock:*::foundation-model/{p[(p.IndexOf('.', StringComparison.Ordinal) + 1)..]}")]);
            statement.AddCondition("StringEquals", new Dictionary<string, object> { ["bedrock:InferenceProfileArn"] = profiles.Select(p => ProfileArn(stack, p)).ToArray() });
            yield return statement;
        }
        if (knowledgeBaseArn is not null)
        {
            yield return Allow("Retrieve", ["bedrock:Retrieve"], knowledgeBaseArn);
            yield return Allow("Ingest", ["bedrock:StartIngestionJob", "bedrock:GetIngestionJob"], knowledgeBaseArn);
        }

        // Listing only under the documents prefix: the app never needs to see anything else in the bucket.
        var list = Allow("ListDocuments", ["s3:ListBucket"], documents.BucketArn);
        list.AddCondition("StringLike", new Dictionary<string, object> { ["s3:prefix"] = new[] { documentsPrefix, documentsPrefix + "*" } });
        yield return list;
        yield return Allow("Documents", ObjectActions, documents.ArnForObjects("*"));
    }

    /// <summary>
    /// What awsemf calls for the metrics collector sharing the task role: it creates its stream in the stack's log
    /// group and puts events. It needs no Describe* (no sequence tokens any more) and no CreateLogGroup (the group exists).
    /// </summary>
    public static readonly string[] MetricsLogActions = ["logs:CreateLogStream", "logs:PutLogEvents"];

    public static PolicyStatement PublishMetrics(ILogGroup metrics) => Allow("PublishMetrics", MetricsLogActions, metrics.LogGroupArn);

    /// <summary>
    /// "us.anthropic.claude-..." (or eu., apac., us-gov., global.) is a cross-region inference profile; a bare
    /// "anthropic.claude-..." is a foundation model in this region.
    /// </summary>
    public static bool IsInferenceProfile(string modelId) =>
        modelId.IndexOf('.', StringComparison.Ordinal) is var dot and > 0 && modelId[..dot] is "us" or "eu" or "apac" or "us-gov" or "global";

    private static string ProfileArn(Stack stack, string profileId) =>
        $"arn:{stack.Partition}:bedrock:{stack.Region}:{stack.Account}:inference-profile/{profileId}";

    private static PolicyStatement Allow(string sid, string[] actions, params string[] resources) =>
        new(new PolicyStatementProps { Sid = sid, Effect = Effect.ALLOW, Actions = actions, Resources = resources });
}
