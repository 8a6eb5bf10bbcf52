using System.Text.Json.Nodes;

namespace LearningNavigator.Infrastructure.Tests;

/// <summary>
/// The app's task role may do exactly what the app calls, on exactly its own resources. The expected list is
/// written out here, independently of the stack's code, so a widened grant fails this test.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class TaskRolePolicyTests(SynthesizedStack stack)
{
    [Fact]
    public void The_task_role_grants_nothing_beyond_what_the_app_calls()
    {
        var table = stack.LogicalId("AWS::DynamoDB::Table", "DataTable");
        var bucket = stack.LogicalId("AWS::S3::Bucket", "DataDocuments");
        var knowledgeBase = stack.LogicalId("AWS::Bedrock::KnowledgeBase", "Knowledge");
        var secret = stack.LogicalId("AWS::SecretsManager::Secret", "ZendeskToken");
        var metricsLogs = stack.LogicalId("AWS::Logs::LogGroup", "WebMetricsLogs");
        var tableArn = $$"""{"Fn::GetAtt":["{{table}}","Arn"]}""";
        var indexArn = $$"""{"Fn::Join":["",[{"Fn::GetAtt":["{{table}}","Arn"]},"/index/*"]]}""";
        var knowledgeBaseArn = $$"""{"Fn::GetAtt":["{{knowledgeBase}}","KnowledgeBaseArn"]}""";
        var objectsArn = $$"""{"Fn::Join":["",[{"Fn::GetAtt":["{{bucket}}","Arn"]},"/*"]]}""";
        var secretArn = $$"""{"Ref":"{{secret}}"}""";
        var metricsLogsArn = $$"""{"Fn::GetAtt":["{{metricsLogs}}","Arn"]}""";
        var models = stack.Settings.ModelIds.Select(m => $$"""{"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},":bedrock:{{SynthesizedStack.Region}}::foundation-model/{{m}}"]]}""").ToArray();

        var expected = new HashSet<(string Action, string Resource)>();
        void Allow(string[] actions, params string[] resources)
        {
            foreach (var action in actions)
            {
                foreach (var resource in resources)
                {
                    expected.Add((action, resource));
                }
            }
        }

        Allow(["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem"], tableArn, indexArn);
        Allow(["bedrock:InvokeModelWithResponseStream"], models);
        Allow(["bedrock:Retrieve", "bedrock:StartIngestionJob", "bedrock:GetIngestionJob"], knowledgeBaseArn);
        Allow(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], objectsArn);
        Allow(["secretsmanager:GetSecretValue"], secretArn);
        // The metrics collector sidecar shares the task role: awsemf creates its stream and writes EMF events.
        Allow(["logs:CreateLogStream", "logs:PutLogEvents"], metricsLogsArn);

        Assert.Equal(expected.Order().ToList(), GrantsOfTaskRole().Order().ToList());
    }

    [Fact]
    public void The_task_role_has_no_managed_or_inline_policies_and_only_ecs_tasks_may_assume_it()
    {
        var role = stack.Root["Resources"]![TaskRoleId()]!["Properties"]!.AsObject();

        Assert.False(role.ContainsKey("ManagedPolicyArns"));
        Assert.False(role.ContainsKey("Policies"));
        var trust = Assert.Single(role["AssumeRolePolicyDocument"]!["Statement"]!.AsArray())!;
        Assert.Equal("""{"Service":"ecs-tasks.amazonaws.com"}""", SynthesizedStack.Compact(trust["Principal"]));
        Assert.Equal("Allow", (string?)trust["Effect"]);
    }

    private string TaskRoleId() =>
        Assert.Single(stack.Resources("AWS::IAM::Role"), r => r.Key.StartsWith("WebTaskRole", StringComparison.Ordinal)).Key;

    /// <summary>Every (action, resource) pair any policy attached to the task role allows.</summary>
    private List<(string Action, string Resource)> GrantsOfTaskRole()
    {
        var roleRef = $$"""{"Ref":"{{TaskRoleId()}}"}""";
        var grants = new List<(string, string)>();
        foreach (var (_, policy) in stack.Resources("AWS::IAM::Policy").Concat(stack.Resources("AWS::IAM::ManagedPolicy")))
        {
            var properties = policy!["Properties"]!;
            if (!(properties["Roles"]?.AsArray() ?? []).Any(r => SynthesizedStack.Compact(r) == roleRef))
            {
                continue;
            }

            foreach (var statement in properties["PolicyDocument"]!["Statement"]!.AsArray())
            {
                Assert.Equal("Allow", (string?)statement!["Effect"]);
                Assert.Null(statement["NotAction"]);
                Assert.Null(statement["NotResource"]);
                Assert.Null(statement["Condition"]);
                foreach (var action in AsList(statement["Action"]))
                {
                    foreach (var resource in AsList(statement["Resource"]))
                    {
                        grants.Add(((string)action!, SynthesizedStack.Compact(resource)));
                    }
                }
            }
        }

        return grants;
    }

    private static IEnumerable<JsonNode?> AsList(JsonNode? node) => node is JsonArray array ? array : new[] { node };
}
