using LearningNavigator.Aws;
using LearningNavigator.Tests.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LearningNavigator.Tests.Fakes;

/// <summary>
/// The domain wired as in production (Generation:Provider=Bedrock, Retrieval:Provider=BedrockKnowledgeBase) with
/// every AWS endpoint pointed at a loopback fake and fixed test credentials.
/// </summary>
public sealed class BedrockTestHost : IAsyncDisposable
{
    public const string FastModel = "anthropic.claude-3-5-haiku-20241022-v1:0";
    public const string StrongModel = "anthropic.claude-3-7-sonnet-20250219-v1:0";

    private readonly TempDirectory directory = new("ln-bedrock");

    private BedrockTestHost(IDictionary<string, string?> overrides, string secretKey)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Generation:Provider"] = "Bedrock",
            ["Retrieval:Provider"] = "BedrockKnowledgeBase",
            ["Aws:Region"] = SigV4Verifier.Region,
            ["Aws:BedrockRuntimeUrl"] = Runtime.BaseUrl.ToString(),
            ["Aws:BedrockAgentRuntimeUrl"] = AgentRuntime.BaseUrl.ToString(),
            ["Aws:BedrockAgentUrl"] = Agent.BaseUrl.ToString(),
            ["Aws:S3Url"] = S3.BaseUrl.ToString(),
            ["Aws:MaxRetries"] = "2",
            ["Aws:RetryBaseDelay"] = "00:00:00.005",
            ["Bedrock:FastModelId"] = FastModel,
            ["Bedrock:StrongModelId"] = StrongModel,
            ["Bedrock:Prices:claude-3-5-haiku:InputPerMTok"] = "0.8",
            ["Bedrock:Prices:claude-3-5-haiku:OutputPerMTok"] = "4",
            ["Bedrock:Prices:claude-3-5-haiku:CacheReadPerMTok"] = "0.08",
            ["Bedrock:Prices:claude-3-5-haiku:CacheWritePerMTok"] = "1",
            ["KnowledgeBase:Id"] = FakeAgentRuntime.KnowledgeBaseId,
            ["KnowledgeBase:DataSourceId"] = FakeBedrockAgent.DataSourceId,
            ["KnowledgeBase:Bucket"] = FakeS3.Bucket,
            ["KnowledgeBase:IngestionPollInterval"] = "00:00:00.005",
            ["Storage:Sqlite:DatabasePath"] = directory.Combine("navigator.db"),
            ["Retrieval:Local:IndexPath"] = directory.Combine("index"),
        };
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IAwsCredentialSource>(new StaticAwsCredentialSource(SigV4Verifier.AccessKey, secretKey))
            .AddLearningNavigator(configuration, directory.Path);
        Services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    public FakeBedrockRuntime Runtime { get; } = new();

    public FakeAgentRuntime AgentRuntime { get; } = new();

    public FakeBedrockAgent Agent { get; } = new();

    public FakeS3 S3 { get; } = new();

    public ServiceProvider Services { get; }

    public static BedrockTestHost Start(IDictionary<string, string?>? overrides = null, string secretKey = SigV4Verifier.SecretKey) =>
        new(overrides ?? new Dictionary<string, string?>(), secretKey);

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Runtime.DisposeAsync();
        await AgentRuntime.DisposeAsync();
        await Agent.DisposeAsync();
        await S3.DisposeAsync();
        directory.Dispose();
    }
}
