using Anthropic.Bedrock;
using LearningNavigator.Aws;
using LearningNavigator.Chat;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Generation.Bedrock;

public static class BedrockGenerationServiceCollectionExtensions
{
    public const string HttpClientName = "Bedrock.Runtime";

    /// <summary>Options, validation and the HttpClient for Claude on Bedrock; the client itself is built only when chosen.</summary>
    public static IServiceCollection AddBedrockGeneration(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAws(configuration);
        services.AddOptions<BedrockOptions>()
            .Bind(configuration.GetSection(BedrockOptions.SectionName))
            .Validate<IOptions<GenerationOptions>>(
                (o, g) => !IsBedrock(g.Value) || !string.IsNullOrWhiteSpace(o.FastModelId),
                "Bedrock:FastModelId is required when Generation:Provider is Bedrock.")
            .Validate<IOptions<GenerationOptions>>(
                (o, g) => !IsBedrock(g.Value) || !string.IsNullOrWhiteSpace(o.StrongModelId),
                "Bedrock:StrongModelId is required when Generation:Provider is Bedrock.")
            .Validate(
                o => o.Prices.Values.All(p => p.InputPerMTok >= 0 && p.OutputPerMTok >= 0 && p.CacheReadPerMTok >= 0 && p.CacheWritePerMTok >= 0),
                "Bedrock:Prices must not contain negative prices.")
            .ValidateOnStart();
        services.AddOptions<AwsOptions>()
            .Validate<IOptions<GenerationOptions>>(
                (o, g) => !IsBedrock(g.Value) || !string.IsNullOrWhiteSpace(o.Region),
                "Aws:Region is required when Generation:Provider is Bedrock.");
        services.AddOptions<ModelRoutingOptions>()
            .Bind(configuration.GetSection(ModelRoutingOptions.SectionName))
            .Validate(o => o.StrongWhenQuestionLongerThan >= 0 && o.StrongWhenPassagesAtLeast >= 0, "Bedrock:Routing thresholds must not be negative.")
            .ValidateOnStart();

        services.AddHttpClient(HttpClientName, client => client.Timeout = TimeSpan.FromMinutes(3))
            .AddHttpMessageHandler(() => new EventStreamExceptionHandler())
            .AddHttpMessageHandler(() => new AwsErrorHandler("Bedrock"))
            .AddHttpMessageHandler(sp => new SigV4SigningHandler(
                sp.GetRequiredService<IAwsCredentialSource>(),
                sp.GetRequiredService<IOptions<AwsOptions>>().Value.Region ?? string.Empty,
                AwsServiceCollectionExtensions.BedrockSigningName,
                sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    internal static bool IsBedrock(GenerationOptions options) =>
        string.Equals(options.Provider, GenerationOptions.BedrockProvider, StringComparison.OrdinalIgnoreCase);

    internal static IChatClient Create(IServiceProvider services)
    {
        var aws = services.GetRequiredService<IOptions<AwsOptions>>().Value;
        var bedrock = services.GetRequiredService<IOptions<BedrockOptions>>().Value;
        var chat = services.GetRequiredService<IOptions<ChatPipelineOptions>>().Value;
        var anthropic = new AnthropicBedrockClient(new PipelineSignedCredentials(aws.Region!))
        {
            BaseUrl = aws.BedrockRuntimeEndpoint.GetLeftPart(UriPartial.Authority),
            HttpClient = services.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
            // Retries belong to the product's pipeline, which knows whether any text has been shown yet.
            MaxRetries = 0,
            Handlers = [new AnthropicVersionHandler()],
        };
        return new BedrockChatClient(
            anthropic.AsIChatClient(bedrock.FastModelId, chat.MaxOutputTokens),
            bedrock.FastModelId!,
            chat.MaxOutputTokens,
            BedrockChatClient.CreateRetryPipeline(aws.MaxRetries, aws.RetryBaseDelay));
    }
}
