namespace LearningNavigator.Aws;

/// <summary>
/// Where the AWS services are (section "Aws"). The URLs are optional overrides of the regional endpoints, so any
/// Bedrock- or S3-compatible server can stand in (the tests point them at loopback fakes).
/// </summary>
public sealed class AwsOptions
{
    public const string SectionName = "Aws";

    public string? Region { get; set; }

    public Uri? BedrockRuntimeUrl { get; set; }

    public Uri? BedrockAgentRuntimeUrl { get; set; }

    public Uri? BedrockAgentUrl { get; set; }

    public Uri? S3Url { get; set; }

    /// <summary>Endpoint override for DynamoDB, e.g. a local emulator at http://127.0.0.1:8000 (checked with the table's settings).</summary>
    public string? DynamoDbUrl { get; set; }

    /// <summary>Attempts after the first for throttling and 5xx answers, before any answer text has arrived.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>First back-off; it doubles per attempt, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    public Uri BedrockRuntimeEndpoint => BedrockRuntimeUrl ?? Regional("bedrock-runtime");

    public Uri BedrockAgentRuntimeEndpoint => BedrockAgentRuntimeUrl ?? Regional("bedrock-agent-runtime");

    public Uri BedrockAgentEndpoint => BedrockAgentUrl ?? Regional("bedrock-agent");

    private Uri Regional(string service) => new($"https://{service}.{Region}.amazonaws.com");
}
