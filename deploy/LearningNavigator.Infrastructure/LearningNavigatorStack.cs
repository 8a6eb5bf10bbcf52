using Amazon.CDK;
using Amazon.CDK.AWS.SecretsManager;
using Constructs;

namespace LearningNavigator.Infrastructure;

/// <summary>The whole AWS side of Learning Navigator in one stack: data, knowledge, sign-in, the app, its shield and its watch.</summary>
public sealed class LearningNavigatorStack : Stack
{
    public LearningNavigatorStack(Construct scope, string id, DeploymentSettings settings, IStackProps? props = null) : base(scope, id, props)
    {
        Data = new DataStores(this, "Data");
        Knowledge = new KnowledgeBase(this, "Knowledge", Data.Documents, settings);
        ZendeskToken = new Secret(this, "ZendeskToken", new SecretProps
        {
            Description = "Zendesk API token the app uses to open tickets for escalated questions (Escalations__Zendesk__ApiToken). Set its value after the first deploy.",
            RemovalPolicy = RemovalPolicy.RETAIN,
        });

        var permissions = new TaskRolePolicy(Data.Table, Data.Documents, DataStores.DocumentsPrefix, settings.ModelIds, Knowledge.Base?.AttrKnowledgeBaseArn);
        Web = new WebService(this, "Web", settings, permissions);
        var publicBaseUrl = settings.DomainName is { Length: > 0 } domain
            ? $"https://{domain}"
            : $"https://{Web.Service.LoadBalancer.LoadBalancerDnsName}";
        Identity = new Identity(this, "Identity", settings, publicBaseUrl);

        // Configuration by environment alone: the same image runs the embedded default or the AWS set-up.
        var environment = new Dictionary<string, string>
        {
            ["Aws__Region"] = Region,
            ["Storage__Provider"] = "DynamoDb",
            ["Storage__DynamoDb__TableName"] = Data.Table.TableName,
            ["Retrieval__Provider"] = settings.WithKnowledgeBase ? "BedrockKnowledgeBase" : "Local",
            ["Generation__Provider"] = "Bedrock",
            // The first model id is the fast one, the last the strong one (Bedrock:Routing picks between them).
            ["Bedrock__FastModelId"] = settings.ModelIds[0],
            ["Bedrock__StrongModelId"] = settings.ModelIds[^1],
            ["KnowledgeBase__Bucket"] = Data.Documents.BucketName,
            ["KnowledgeBase__KeyPrefix"] = DataStores.DocumentsPrefix,
            ["Authentication__Provider"] = "Cognito",
            ["Authentication__Cognito__Authority"] = $"https://cognito-idp.{Region}.amazonaws.com/{Identity.UserPool.UserPoolId}",
            ["Authentication__Cognito__ClientId"] = Identity.Client.UserPoolClientId,
        };
        if (settings.ZendeskBaseUrl is { Length: > 0 } zendeskUrl && settings.ZendeskEmail is { Length: > 0 } zendeskEmail)
        {
            environment["Escalations__Zendesk__Enabled"] = "true";
            environment["Escalations__Zendesk__BaseUrl"] = zendeskUrl;
            environment["Escalations__Zendesk__Email"] = zendeskEmail;
        }

        if (Knowledge.Base is not null && Knowledge.DataSource is not null)
        {
            environment["KnowledgeBase__Id"] = Knowledge.Base.AttrKnowledgeBaseId;
            environment["KnowledgeBase__DataSourceId"] = Knowledge.DataSource.AttrDataSourceId;
        }

        foreach (var (key, value) in environment)
        {
            Web.Container.AddEnvironment(key, value);
        }

        // The sign-in client's secret never appears in the template or the task definition: Cognito generates it,
        // it is copied into a Secrets Manager secret, and ECS hands it to the container at start. Only the task's
        // execution role may read it; the app's own role gains nothing.
        CognitoClientSecret = new Secret(this, "CognitoClientSecret", new SecretProps
        {
            Description = "The Cognito app client's secret, read by ECS into Authentication__Cognito__ClientSecret.",
            SecretStringValue = Identity.Client.UserPoolClientSecret,
        });
        Web.Container.AddSecret("Authentication__Cognito__ClientSecret", Amazon.CDK.AWS.ECS.Secret.FromSecretsManager(CognitoClientSecret));
        // The Zendesk token reaches the app the same way, so the app's role needs no Secrets Manager access at all.
        Web.Container.AddSecret("Escalations__Zendesk__ApiToken", Amazon.CDK.AWS.ECS.Secret.FromSecretsManager(ZendeskToken));

        Protection = new Protection(this, "Protection", Web.Service.LoadBalancer.LoadBalancerArn);
        Monitoring = new Monitoring(this, "Monitoring", settings, Web.Service.LoadBalancer);
        Backups = new Backups(this, "Backups", Data.Table, Data.Documents);

        _ = new CfnOutput(this, "Url", new CfnOutputProps { Value = publicBaseUrl });
        _ = new CfnOutput(this, "LoadBalancerDns", new CfnOutputProps { Value = Web.Service.LoadBalancer.LoadBalancerDnsName });
        _ = new CfnOutput(this, "TableName", new CfnOutputProps { Value = Data.Table.TableName });
        _ = new CfnOutput(this, "DocumentBucket", new CfnOutputProps { Value = Data.Documents.BucketName });
        _ = new CfnOutput(this, "UserPoolId", new CfnOutputProps { Value = Identity.UserPool.UserPoolId });
        _ = new CfnOutput(this, "ZendeskSecretArn", new CfnOutputProps { Value = ZendeskToken.SecretArn });
        _ = new CfnOutput(this, "VectorCollectionEndpoint", new CfnOutputProps { Value = Knowledge.Collection.AttrCollectionEndpoint });
        if (Knowledge.Base is not null)
        {
            _ = new CfnOutput(this, "KnowledgeBaseId", new CfnOutputProps { Value = Knowledge.Base.AttrKnowledgeBaseId });
        }
    }

    public DataStores Data { get; }

    public KnowledgeBase Knowledge { get; }

    public Secret ZendeskToken { get; }

    public Secret CognitoClientSecret { get; }

    public WebService Web { get; }

    public Identity Identity { get; }

    public Protection Protection { get; }

    public Monitoring Monitoring { get; }

    public Backups Backups { get; }
}
