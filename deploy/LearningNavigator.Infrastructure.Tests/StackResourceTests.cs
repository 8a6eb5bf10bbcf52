using Amazon.CDK.Assertions;
using LearningNavigator.Conversations.DynamoDb;

namespace LearningNavigator.Infrastructure.Tests;

[Collection(StackCollection.Name)]
public sealed class StackResourceTests(SynthesizedStack stack)
{
    private Template Template => stack.Template;

    private static Dictionary<string, object> Obj(params (string Key, object Value)[] pairs) => pairs.ToDictionary(p => p.Key, p => p.Value);

    [Fact]
    public void The_table_has_pk_sk_gsi1_ttl_point_in_time_recovery_and_on_demand_billing()
    {
        Template.ResourceCountIs("AWS::DynamoDB::Table", 1);
        Template.HasResourceProperties("AWS::DynamoDB::Table", Obj(
            // The names the app's store writes, so retention set in the app is the retention DynamoDB applies.
            ("KeySchema", new object[] { Obj(("AttributeName", DynamoDbTableSchema.Pk), ("KeyType", "HASH")), Obj(("AttributeName", DynamoDbTableSchema.Sk), ("KeyType", "RANGE")) }),
            ("BillingMode", "PAY_PER_REQUEST"),
            ("PointInTimeRecoverySpecification", Obj(("PointInTimeRecoveryEnabled", true))),
            ("TimeToLiveSpecification", Obj(("AttributeName", DynamoDbTableSchema.ExpiresAt), ("Enabled", true))),
            ("SSESpecification", Obj(("SSEEnabled", true))),
            ("GlobalSecondaryIndexes", new object[]
            {
                Match.ObjectLike(Obj(
                    ("IndexName", DynamoDbTableSchema.Gsi1),
                    ("KeySchema", new object[] { Obj(("AttributeName", DynamoDbTableSchema.Gsi1Pk), ("KeyType", "HASH")), Obj(("AttributeName", DynamoDbTableSchema.Gsi1Sk), ("KeyType", "RANGE")) }),
                    ("Projection", Obj(("ProjectionType", "ALL"))))),
            })));
        Template.HasResource("AWS::DynamoDB::Table", Obj(("DeletionPolicy", "Retain")));
    }

    [Fact]
    public void The_document_bucket_is_encrypted_versioned_private_and_tls_only()
    {
        Template.ResourceCountIs("AWS::S3::Bucket", 1);
        Template.HasResourceProperties("AWS::S3::Bucket", Obj(
            ("BucketEncryption", Obj(("ServerSideEncryptionConfiguration", new object[] { Obj(("ServerSideEncryptionByDefault", Obj(("SSEAlgorithm", "AES256")))) }))),
            ("VersioningConfiguration", Obj(("Status", "Enabled"))),
            ("PublicAccessBlockConfiguration", Obj(("BlockPublicAcls", true), ("BlockPublicPolicy", true), ("IgnorePublicAcls", true), ("RestrictPublicBuckets", true)))));
        Template.HasResourceProperties("AWS::S3::BucketPolicy", Obj(("PolicyDocument", Obj(("Statement", Match.ArrayWith(new object[]
        {
            Match.ObjectLike(Obj(("Effect", "Deny"), ("Condition", Obj(("Bool", Obj(("aws:SecureTransport", "false"))))))),
        }))))));
    }

    [Fact]
    public void A_bedrock_knowledge_base_reads_the_documents_prefix_of_the_bucket()
    {
        var bucket = stack.LogicalId("AWS::S3::Bucket", "DataDocuments");
        Template.HasResourceProperties("AWS::Bedrock::KnowledgeBase", Obj(
            ("KnowledgeBaseConfiguration", Obj(
                ("Type", "VECTOR"),
                ("VectorKnowledgeBaseConfiguration", Obj(("EmbeddingModelArn", Obj(("Fn::Join", new object[]
                {
                    "",
                    new object[] { "arn:", Obj(("Ref", "AWS::Partition")), $":bedrock:{SynthesizedStack.Region}::foundation-model/{stack.Settings.EmbeddingModelId}" },
                }))))))),
            ("StorageConfiguration", Match.ObjectLike(Obj(("Type", "OPENSEARCH_SERVERLESS"))))));
        Template.HasResourceProperties("AWS::Bedrock::DataSource", Obj(
            ("DataSourceConfiguration", Obj(
                ("Type", "S3"),
                ("S3Configuration", Obj(("BucketArn", Obj(("Fn::GetAtt", new object[] { bucket, "Arn" }))), ("InclusionPrefixes", new object[] { "documents/" })))))));
        Template.HasResourceProperties("AWS::OpenSearchServerless::Collection", Obj(("Type", "VECTORSEARCH")));
    }

    [Fact]
    public void Cognito_requires_mfa_allows_no_self_sign_up_and_has_the_three_role_groups()
    {
        Template.HasResourceProperties("AWS::Cognito::UserPool", Obj(
            ("MfaConfiguration", "ON"),
            ("EnabledMfas", new object[] { "SOFTWARE_TOKEN_MFA" }),
            ("AdminCreateUserConfig", Obj(("AllowAdminCreateUserOnly", true)))));
        var groups = stack.Resources("AWS::Cognito::UserPoolGroup").Select(g => (string?)g.Value!["Properties"]!["GroupName"]).Order(StringComparer.Ordinal);
        Assert.Equal(["admins", "instructors", "staff"], groups);
        Template.HasResourceProperties("AWS::Cognito::UserPoolClient", Obj(
            ("AllowedOAuthFlows", new object[] { "code" }),
            ("GenerateSecret", true)));
    }

    [Fact]
    public void The_sign_in_client_secret_reaches_the_container_from_secrets_manager_never_as_plain_text()
    {
        var secret = stack.LogicalId("AWS::SecretsManager::Secret", "CognitoClientSecret");
        Template.HasResourceProperties("AWS::ECS::TaskDefinition", Obj(
            ("ContainerDefinitions", Match.ArrayWith(new object[]
            {
                Match.ObjectLike(Obj(("Secrets", Match.ArrayWith(new object[]
                {
                    Obj(("Name", "Authentication__Cognito__ClientSecret"), ("ValueFrom", Obj(("Ref", secret)))),
                })))),
            }))));
        var environment = stack.Resources("AWS::ECS::TaskDefinition").Single().Value!["Properties"]!["ContainerDefinitions"]![0]!["Environment"]!.AsArray();
        Assert.DoesNotContain(environment, e => (string?)e!["Name"] == "Authentication__Cognito__ClientSecret");
        // The secret's value comes from Cognito at deploy time, not from anything written in the template.
        var value = stack.Resources("AWS::SecretsManager::Secret").Single(r => r.Key == secret).Value!["Properties"]!["SecretString"]!;
        Assert.Contains("Fn::GetAtt", value.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_app_runs_on_fargate_read_only_with_a_health_check_behind_a_sticky_alb()
    {
        Template.HasResourceProperties("AWS::ECS::TaskDefinition", Obj(
            ("RequiresCompatibilities", new object[] { "FARGATE" }),
            ("ContainerDefinitions", Match.ArrayWith(new object[]
            {
                Match.ObjectLike(Obj(
                    ("ReadonlyRootFilesystem", true),
                    ("PortMappings", new object[] { Match.ObjectLike(Obj(("ContainerPort", 8080))) }),
                    ("HealthCheck", Match.ObjectLike(Obj(("Command", new object[] { "CMD", "dotnet", "LearningNavigator.Web.dll", "--healthcheck" })))),
                    ("MountPoints", Match.ArrayWith(new object[] { Match.ObjectLike(Obj(("ContainerPath", "/app/App_Data"))) })))),
            }))));
        Template.HasResourceProperties("AWS::ECS::Service", Obj(("LaunchType", "FARGATE")));
        Template.HasResourceProperties("AWS::ElasticLoadBalancingV2::LoadBalancer", Obj(
            ("Scheme", "internet-facing"),
            ("LoadBalancerAttributes", Match.ArrayWith(new object[] { Obj(("Key", "idle_timeout.timeout_seconds"), ("Value", "900")) }))));
        Template.HasResourceProperties("AWS::ElasticLoadBalancingV2::TargetGroup", Obj(
            ("HealthCheckPath", "/health/ready"),
            ("TargetGroupAttributes", Match.ArrayWith(new object[]
            {
                Obj(("Key", "stickiness.enabled"), ("Value", "true")),
                Obj(("Key", "stickiness.type"), ("Value", "lb_cookie")),
            }))));
    }

    [Fact]
    public void Data_protection_keys_live_in_the_table_every_task_shares_not_on_a_task_volume()
    {
        Template.HasResourceProperties("AWS::ECS::TaskDefinition", Obj(
            ("ContainerDefinitions", Match.ArrayWith(new object[]
            {
                Match.ObjectLike(Obj(("Environment", Match.ArrayWith(new object[]
                {
                    Obj(("Name", "DataProtection__Store"), ("Value", "DynamoDb")),
                    Obj(("Name", "Storage__DynamoDb__TableName"), ("Value", Obj(("Ref", stack.LogicalId("AWS::DynamoDB::Table", "DataTable"))))),
                })))),
            }))));
        var environment = stack.Resources("AWS::ECS::TaskDefinition").Single().Value!["Properties"]!["ContainerDefinitions"]![0]!["Environment"]!.AsArray();
        Assert.DoesNotContain(environment, e => (string?)e!["Name"] == "DataProtection__KeysPath");
        // The key repository reads the partition with Query and writes a key with a conditional PutItem (GetItem on a retry).
        Assert.Superset(new HashSet<string>(["dynamodb:Query", "dynamodb:PutItem", "dynamodb:GetItem"]), new HashSet<string>(TaskRolePolicy.TableActions));
    }

    [Fact]
    public void Waf_limits_each_ip_to_2000_requests_per_5_minutes_and_applies_the_managed_rule_groups()
    {
        Template.HasResourceProperties("AWS::WAFv2::WebACL", Obj(
            ("Scope", "REGIONAL"),
            ("Rules", Match.ArrayWith(new object[]
            {
                Match.ObjectLike(Obj(
                    ("Action", Obj(("Block", Obj()))),
                    ("Statement", Obj(("RateBasedStatement", Obj(("Limit", 2000), ("EvaluationWindowSec", 300), ("AggregateKeyType", "IP"))))))),
            }))));
        foreach (var group in new[] { "AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesAmazonIpReputationList" })
        {
            Template.HasResourceProperties("AWS::WAFv2::WebACL", Obj(("Rules", Match.ArrayWith(new object[]
            {
                Match.ObjectLike(Obj(("Statement", Obj(("ManagedRuleGroupStatement", Match.ObjectLike(Obj(("VendorName", "AWS"), ("Name", group)))))))),
            }))));
        }

        var loadBalancer = stack.LogicalId("AWS::ElasticLoadBalancingV2::LoadBalancer", "WebService");
        Template.HasResourceProperties("AWS::WAFv2::WebACLAssociation", Obj(("ResourceArn", Obj(("Ref", loadBalancer)))));
    }

    [Fact]
    public void The_zendesk_token_is_a_retained_secret()
    {
        // The other secret is the Cognito client's, which Cognito can always give again.
        Template.ResourceCountIs("AWS::SecretsManager::Secret", 2);
        var zendeskId = stack.LogicalId("AWS::SecretsManager::Secret", "ZendeskToken");
        var zendesk = stack.Resources("AWS::SecretsManager::Secret").Single(r => r.Key == zendeskId).Value!;
        Assert.Equal("Retain", (string?)zendesk["DeletionPolicy"]);

        // ECS reads it into the setting the app's Zendesk notifier takes; the app's own role never sees Secrets Manager.
        Template.HasResourceProperties("AWS::ECS::TaskDefinition", Obj(
            ("ContainerDefinitions", Match.ArrayWith(new object[]
            {
                Match.ObjectLike(Obj(("Secrets", Match.ArrayWith(new object[]
                {
                    Obj(("Name", "Escalations__Zendesk__ApiToken"), ("ValueFrom", Obj(("Ref", zendeskId)))),
                })))),
            }))));
        var containers = stack.Resources("AWS::ECS::TaskDefinition").Single().Value!["Properties"]!["ContainerDefinitions"]!.AsArray();
        Assert.All(containers, c => Assert.DoesNotContain((c!["Environment"] as System.Text.Json.Nodes.JsonArray) ?? [], e => ((string?)e!["Name"])!.Contains("Zendesk", StringComparison.Ordinal)));
    }

    [Fact]
    public void Zendesk_tickets_are_turned_on_by_the_deployment_settings_with_the_token_from_the_secret()
    {
        var settings = new DeploymentSettings { ZendeskBaseUrl = "https://example.zendesk.com", ZendeskEmail = "agent@example.org" };
        var app = new Amazon.CDK.App();
        var withZendesk = new LearningNavigatorStack(app, "WithZendesk", settings, new Amazon.CDK.StackProps
        {
            Env = new Amazon.CDK.Environment { Account = SynthesizedStack.Account, Region = SynthesizedStack.Region },
        });

        Template.FromStack(withZendesk).HasResourceProperties("AWS::ECS::TaskDefinition", Obj(
            ("ContainerDefinitions", Match.ArrayWith(new object[]
            {
                Match.ObjectLike(Obj(("Environment", Match.ArrayWith(new object[]
                {
                    Obj(("Name", "Escalations__Zendesk__Enabled"), ("Value", "true")),
                    Obj(("Name", "Escalations__Zendesk__BaseUrl"), ("Value", "https://example.zendesk.com")),
                    Obj(("Name", "Escalations__Zendesk__Email"), ("Value", "agent@example.org")),
                })))),
            }))));
    }

    [Fact]
    public void Alarms_page_on_slow_answers_server_errors_and_bedrock_throttles()
    {
        Template.HasResourceProperties("AWS::CloudWatch::Alarm", Obj(
            ("Metrics", new object[]
            {
                Match.ObjectLike(Obj(("MetricStat", Match.ObjectLike(Obj(
                    ("Metric", Obj(("MetricName", "navigator.answer.duration"), ("Namespace", "LearningNavigator"))),
                    ("Stat", "p95")))))),
            }),
            ("Threshold", 3),
            ("ComparisonOperator", "GreaterThanThreshold"),
            ("AlarmActions", Match.AnyValue())));

        var alarms = stack.Resources("AWS::CloudWatch::Alarm").Select(a => SynthesizedStack.Compact(a.Value)).ToList();
        Assert.Single(alarms, a => a.Contains("HTTPCode_Target_5XX_Count", StringComparison.Ordinal)
            && a.Contains("HTTPCode_ELB_5XX_Count", StringComparison.Ordinal)
            && a.Contains("RequestCount", StringComparison.Ordinal)
            && a.Contains("\"Threshold\":5", StringComparison.Ordinal));
        var throttles = Assert.Single(alarms, a => a.Contains("InvocationThrottles", StringComparison.Ordinal));
        Assert.All(stack.Settings.ModelIds, model => Assert.Contains(model, throttles, StringComparison.Ordinal));
        Assert.All(alarms, a => Assert.Contains("AlarmActions", a, StringComparison.Ordinal));
        Template.HasResourceProperties("AWS::SNS::Subscription", Obj(("Protocol", "email"), ("Endpoint", stack.Settings.AlarmEmail)));
        Template.ResourceCountIs("AWS::CloudWatch::Dashboard", 1);
    }

    [Fact]
    public void A_monthly_cost_budget_alerts_at_80_percent_actual_and_100_percent_forecast()
    {
        Template.HasResourceProperties("AWS::Budgets::Budget", Obj(
            ("Budget", Match.ObjectLike(Obj(("BudgetType", "COST"), ("TimeUnit", "MONTHLY"), ("BudgetLimit", Obj(("Amount", 500), ("Unit", "USD")))))),
            ("NotificationsWithSubscribers", new object[]
            {
                Match.ObjectLike(Obj(("Notification", Match.ObjectLike(Obj(("NotificationType", "ACTUAL"), ("Threshold", 80)))))),
                Match.ObjectLike(Obj(("Notification", Match.ObjectLike(Obj(("NotificationType", "FORECASTED"), ("Threshold", 100)))))),
            })));
    }

    [Fact]
    public void A_backup_plan_covers_the_table_and_the_bucket_daily_and_monthly()
    {
        Template.HasResourceProperties("AWS::Backup::BackupPlan", Obj(("BackupPlan", Match.ObjectLike(Obj(("BackupPlanRule", new object[]
        {
            Match.ObjectLike(Obj(("RuleName", "Daily"), ("Lifecycle", Obj(("DeleteAfterDays", 35))))),
            Match.ObjectLike(Obj(("RuleName", "Monthly"), ("Lifecycle", Obj(("DeleteAfterDays", 365))))),
        }))))));
        var selection = SynthesizedStack.Compact(Assert.Single(stack.Resources("AWS::Backup::BackupSelection")).Value);
        Assert.Contains(stack.LogicalId("AWS::DynamoDB::Table", "DataTable"), selection, StringComparison.Ordinal);
        Assert.Contains(stack.LogicalId("AWS::S3::Bucket", "DataDocuments"), selection, StringComparison.Ordinal);
        Template.HasResource("AWS::Backup::BackupVault", Obj(("DeletionPolicy", "Retain")));
    }
}
