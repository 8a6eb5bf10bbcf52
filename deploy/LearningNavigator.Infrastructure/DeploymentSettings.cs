using Amazon.CDK;

namespace LearningNavigator.Infrastructure;

/// <summary>
/// Everything an operator may change per environment, read from CDK context (<c>-c key=value</c> or
/// cdk.json). Defaults give a working stack; see docs/deploy.md for each key.
/// </summary>
public sealed record DeploymentSettings
{
    public string StackName { get; init; } = "LearningNavigator";
    /// <summary>ECR repository and tag of the app image (pushed before <c>cdk deploy</c>).</summary>
    public string ImageRepository { get; init; } = "learning-navigator";
    public string ImageTag { get; init; } = "latest";
    /// <summary>Claude models the app may call, by Bedrock model id.</summary>
    public IReadOnlyList<string> ModelIds { get; init; } =
        ["anthropic.claude-3-5-haiku-20241022-v1:0", "anthropic.claude-3-5-sonnet-20241022-v2:0"];
    public string EmbeddingModelId { get; init; } = "amazon.titan-embed-text-v2:0";
    /// <summary>Optional ACM certificate for HTTPS on the load balancer; without one it listens on HTTP.</summary>
    public string? CertificateArn { get; init; }
    /// <summary>The public address users sign in from (Cognito callback); defaults to the load balancer's name.</summary>
    public string? DomainName { get; init; }
    public string CognitoDomainPrefix { get; init; } = "learning-navigator";
    /// <summary>Receives alarms and budget alerts.</summary>
    public string AlarmEmail { get; init; } = "operations@example.org";
    public double MonthlyBudgetUsd { get; init; } = 500;
    /// <summary>
    /// The vector index in the OpenSearch Serverless collection must exist before a knowledge base can
    /// use it, so a first deploy runs with this off (see docs/deploy.md).
    /// </summary>
    public bool WithKnowledgeBase { get; init; } = true;
    public string VectorIndexName { get; init; } = "learning-navigator-index";
    public int DesiredCount { get; init; } = 2;
    /// <summary>With <see cref="ZendeskEmail"/>, turns on Zendesk tickets for escalations (the token comes from the stack's secret).</summary>
    public string? ZendeskBaseUrl { get; init; }
    public string? ZendeskEmail { get; init; }

    public static DeploymentSettings FromContext(App app)
    {
        var defaults = new DeploymentSettings();
        string? Get(string key) => app.Node.TryGetContext(key)?.ToString();
        return new DeploymentSettings
        {
            StackName = Get("stackName") ?? defaults.StackName,
            ImageRepository = Get("imageRepository") ?? defaults.ImageRepository,
            ImageTag = Get("imageTag") ?? defaults.ImageTag,
            ModelIds = Get("modelIds")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? defaults.ModelIds,
            EmbeddingModelId = Get("embeddingModelId") ?? defaults.EmbeddingModelId,
            CertificateArn = Get("certificateArn"),
            DomainName = Get("domainName"),
            CognitoDomainPrefix = Get("cognitoDomainPrefix") ?? defaults.CognitoDomainPrefix,
            AlarmEmail = Get("alarmEmail") ?? defaults.AlarmEmail,
            MonthlyBudgetUsd = Get("monthlyBudgetUsd") is { } budget ? double.Parse(budget, System.Globalization.CultureInfo.InvariantCulture) : defaults.MonthlyBudgetUsd,
            WithKnowledgeBase = Get("withKnowledgeBase") is not { } kb || !string.Equals(kb, "false", StringComparison.OrdinalIgnoreCase),
            VectorIndexName = Get("vectorIndexName") ?? defaults.VectorIndexName,
            DesiredCount = Get("desiredCount") is { } count ? int.Parse(count, System.Globalization.CultureInfo.InvariantCulture) : defaults.DesiredCount,
            ZendeskBaseUrl = Get("zendeskBaseUrl"),
            ZendeskEmail = Get("zendeskEmail"),
        };
    }
}
