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
        var metricsLogs = stack.LogicalId("AWS::Logs::LogGroup", "WebMetricsLogs");
        var tableArn = $$"""{"Fn::GetAtt":["{{table}}","Arn"]}""";
        var indexArn = $$"""{"Fn::Join":["",[{"Fn::GetAtt":["{{table}}","Arn"]},"/index/*"]]}""";
        var knowledgeBaseArn = $$"""{"Fn::GetAtt":["{{knowledgeBase}}","KnowledgeBaseArn"]}""";
        var objectsArn = $$"""{"Fn::Join":["",[{"Fn::GetAtt":["{{bucket}}","Arn"]},"/*"]]}""";
        var bucketArn = $$"""{"Fn::GetAtt":["{{bucket}}","Arn"]}""";
        var metricsLogsArn = $$"""{"Fn::GetAtt":["{{metricsLogs}}","Arn"]}""";
        var models = stack.Settings.ModelIds.Select(m => $$"""{"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},":bedrock:{{SynthesizedStack.Region}}::foundation-model/{{m}}"]]}""").ToArray();

        var expected = new HashSet<(string Action, string Resource, string? Condition)>();
        void AllowIf(string? condition, string[] actions, params string[] resources)
        {
            foreach (var action in actions)
            {
                foreach (var resource in resources)
                {
                    expected.Add((action, resource, condition));
                }
            }
        }

        void Allow(string[] actions, params string[] resources) => AllowIf(null, actions, resources);

        Allow(["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"], tableArn, indexArn);
        Allow(["bedrock:InvokeModelWithResponseStream"], models);
        Allow(["bedrock:Retrieve", "bedrock:StartIngestionJob", "bedrock:GetIngestionJob"], knowledgeBaseArn);
        AllowIf("""{"StringLike":{"s3:prefix":["documents/","documents/*"]}}""", ["s3:ListBucket"], bucketArn);
        Allow(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], objectsArn);
        // The metrics collector sidecar shares the task role: awsemf creates its stream and writes EMF events.
        Allow(["logs:CreateLogStream", "logs:PutLogEvents"], metricsLogsArn);

        Assert.Equal(expected.Order().ToList(), GrantsOfTaskRole().Order().ToList());
    }

    [Fact]
    public void The_task_role_grants_exactly_the_actions_the_apps_compiled_code_calls()
    {
        var app = new[] { typeof(LearningNavigator.Web.Auth.DataProtectionKeys).Assembly, typeof(LearningNavigator.Chat.AnswerPipeline).Assembly };
        var called = AppAwsCalls.Find(app);

        // The collector sidecar shares the role; its log writes are checked by the exact-grants test above.
        var granted = GrantsOfTaskRole().Select(g => g.Action).Where(a => !CollectorActions.Contains(a)).ToHashSet(StringComparer.Ordinal);
        var missing = called.Keys.Where(a => !granted.Contains(a)).Select(a => $"{a} (called by {called[a]})").ToList();
        var unused = granted.Where(a => !called.ContainsKey(a)).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, "The app calls what its role may not: " + string.Join(", ", missing));
        Assert.True(unused.Count == 0, "The role grants what the app never calls: " + string.Join(", ", unused));
        var nonStreaming = AppAwsCalls.NonStreamingModelCalls(app);
        Assert.True(nonStreaming.Count == 0, "A non-streaming model call would need bedrock:InvokeModel: " + string.Join(", ", nonStreaming));
    }

    [Fact]
    public void The_calls_left_to_the_operator_are_reached_only_by_the_operators_commands()
    {
        // Scan and the table's own calls are not granted: fine while only export and db create reach them.
        var elsewhere = AppAwsCalls.OperatorOnlyReachedFromElsewhere(
            typeof(LearningNavigator.Web.Auth.DataProtectionKeys).Assembly, typeof(LearningNavigator.Chat.AnswerPipeline).Assembly);

        Assert.True(elsewhere.Count == 0, "The web app would call what its role may not: " + string.Join(", ", elsewhere));
    }

    [Fact]
    public void The_code_reading_finds_each_kind_of_call_it_looks_for()
    {
        // Guards the reader itself: if it stopped seeing a kind of call, the test above would pass on an empty set.
        var called = AppAwsCalls.Find(typeof(LearningNavigator.Web.Auth.DataProtectionKeys).Assembly, typeof(LearningNavigator.Chat.AnswerPipeline).Assembly);

        Assert.Equal("LearningNavigator.Knowledge.Bedrock.KnowledgeBaseDocumentLibrary.EnsureLoadedAsync", called["s3:ListBucket"]);
        Assert.Contains("DynamoDb", called["dynamodb:PutItem"], StringComparison.Ordinal);
        Assert.Contains("dynamodb:DeleteItem", called.Keys); // only ever inside a transaction
        Assert.Contains("bedrock:InvokeModelWithResponseStream", called.Keys);
        Assert.Contains("bedrock:Retrieve", called.Keys);
        Assert.DoesNotContain("dynamodb:Scan", called.Keys); // export's scan is the operator's, not the app's
        Assert.DoesNotContain("dynamodb:CreateTable", called.Keys);
    }

    [Fact]
    public void An_inference_profile_id_grants_the_profile_and_its_model_in_any_region_a_model_id_only_the_model_here()
    {
        var app = new Amazon.CDK.App();
        var profiled = new LearningNavigatorStack(app, "Profiled", new DeploymentSettings
        {
            ModelIds = ["us.anthropic.claude-3-5-haiku-20241022-v1:0", "anthropic.claude-3-5-sonnet-20241022-v2:0"],
        }, new Amazon.CDK.StackProps { Env = new Amazon.CDK.Environment { Account = SynthesizedStack.Account, Region = SynthesizedStack.Region } });

        var resources = System.Text.Json.JsonSerializer.Serialize(Amazon.CDK.Assertions.Template.FromStack(profiled).ToJSON());

        Assert.Contains($":bedrock:{SynthesizedStack.Region}:{SynthesizedStack.Account}:inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0", resources, StringComparison.Ordinal);
        Assert.Contains(":bedrock:*::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0", resources, StringComparison.Ordinal);
        Assert.Contains($":bedrock:{SynthesizedStack.Region}::foundation-model/anthropic.claude-3-5-sonnet-20241022-v2:0", resources, StringComparison.Ordinal);
        Assert.DoesNotContain("bedrock:*::foundation-model/anthropic.claude-3-5-sonnet", resources, StringComparison.Ordinal);
        // The model in any region, but only through the configured profile.
        Assert.Contains("bedrock:InferenceProfileArn", resources, StringComparison.Ordinal);
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

    private static readonly string[] CollectorActions = ["logs:CreateLogStream", "logs:PutLogEvents"];

    private string TaskRoleId() =>
        Assert.Single(stack.Resources("AWS::IAM::Role"), r => r.Key.StartsWith("WebTaskRole", StringComparison.Ordinal)).Key;

    /// <summary>Every (action, resource, condition) any policy attached to the task role allows.</summary>
    private List<(string Action, string Resource, string? Condition)> GrantsOfTaskRole()
    {
        var roleRef = $$"""{"Ref":"{{TaskRoleId()}}"}""";
        var grants = new List<(string, string, string?)>();
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
                var condition = statement["Condition"] is { } c ? SynthesizedStack.Compact(c) : null;
                foreach (var action in AsList(statement["Action"]))
                {
                    foreach (var resource in AsList(statement["Resource"]))
                    {
                        grants.Add(((string)action!, SynthesizedStack.Compact(resource), condition));
                    }
                }
            }
        }

        return grants;
    }

    private static IEnumerable<JsonNode?> AsList(JsonNode? node) => node is JsonArray array ? array : new[] { node };
}
