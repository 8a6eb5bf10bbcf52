using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using LearningNavigator.Aws;
using LearningNavigator.Documents;
using LearningNavigator.Knowledge.Local;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Knowledge.Bedrock;

public static class BedrockKnowledgeServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Knowledge Base retriever and document library, and makes <see cref="IKnowledgeRetriever"/> and
    /// <see cref="IDocumentLibrary"/> follow Retrieval:Provider. Call after the local registrations: it wraps them.
    /// </summary>
    public static IServiceCollection AddBedrockKnowledgeBase(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAws(configuration);
        services.AddOptions<KnowledgeBaseOptions>()
            .Bind(configuration.GetSection(KnowledgeBaseOptions.SectionName))
            .Validate<IOptions<RetrievalOptions>>((o, r) => !IsKnowledgeBase(r.Value) || !string.IsNullOrWhiteSpace(o.Id),
                "KnowledgeBase:Id is required when Retrieval:Provider is BedrockKnowledgeBase.")
            .Validate<IOptions<RetrievalOptions>>((o, r) => !IsKnowledgeBase(r.Value) || !string.IsNullOrWhiteSpace(o.DataSourceId),
                "KnowledgeBase:DataSourceId is required when Retrieval:Provider is BedrockKnowledgeBase.")
            .Validate<IOptions<RetrievalOptions>>((o, r) => !IsKnowledgeBase(r.Value) || !string.IsNullOrWhiteSpace(o.Bucket),
                "KnowledgeBase:Bucket is required when Retrieval:Provider is BedrockKnowledgeBase.")
            .Validate(o => o.IngestionPollInterval > TimeSpan.Zero, "KnowledgeBase:IngestionPollInterval must be positive.")
            .ValidateOnStart();
        services.AddOptions<AwsOptions>()
            .Validate<IOptions<RetrievalOptions>>((o, r) => !IsKnowledgeBase(r.Value) || !string.IsNullOrWhiteSpace(o.Region),
                "Aws:Region is required when Retrieval:Provider is BedrockKnowledgeBase.");

        services.AddAwsJsonClient(BedrockKnowledgeBaseRetriever.HttpClientName, "Bedrock Knowledge Bases");
        services.AddAwsJsonClient(BedrockAgentClient.HttpClientName, "Bedrock Agent");
        services.TryAddSingleton<BedrockKnowledgeBaseRetriever>();
        services.TryAddSingleton<BedrockAgentClient>();
        services.TryAddSingleton<KnowledgeBaseDocumentLibrary>();
        services.TryAddSingleton<IAmazonS3>(CreateS3Client);

        FollowProvider<IKnowledgeRetriever, BedrockKnowledgeBaseRetriever>(services);
        FollowProvider<IDocumentLibrary, KnowledgeBaseDocumentLibrary>(services);
        return services;
    }

    public static bool IsKnowledgeBase(RetrievalOptions options) =>
        string.Equals(options.Provider, RetrievalOptions.BedrockKnowledgeBaseProvider, StringComparison.OrdinalIgnoreCase);

    private static AmazonS3Client CreateS3Client(IServiceProvider services)
    {
        var aws = services.GetRequiredService<IOptions<AwsOptions>>().Value;
        var config = new AmazonS3Config
        {
            // Checksums only where S3 insists, so any S3-compatible server can stand in.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (aws.S3Url is { } url)
        {
            config.ServiceURL = url.ToString();
            config.ForcePathStyle = true;
            config.AuthenticationRegion = aws.Region;
        }
        else if (aws.Region is { Length: > 0 } region)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        return new AmazonS3Client(services.GetRequiredService<IAwsCredentialSource>().Credentials, config);
    }

    /// <summary>Resolves to the Bedrock implementation when Retrieval:Provider says so, else to what was registered before.</summary>
    private static void FollowProvider<TService, TBedrock>(IServiceCollection services)
        where TService : class
        where TBedrock : TService
    {
        var local = services.LastOrDefault(d => d.ServiceType == typeof(TService) && !d.IsKeyedService);
        services.RemoveAll<TService>();
        services.AddSingleton<TService>(sp =>
        {
            if (IsKnowledgeBase(sp.GetRequiredService<IOptions<RetrievalOptions>>().Value))
            {
                return sp.GetRequiredService<TBedrock>();
            }

            return local switch
            {
                { ImplementationInstance: TService instance } => instance,
                { ImplementationFactory: { } factory } => (TService)factory(sp),
                { ImplementationType: { } type } => (TService)ActivatorUtilities.CreateInstance(sp, type),
                _ => throw new InvalidOperationException($"No {typeof(TService).Name} is registered for Retrieval:Provider=Local."),
            };
        });
    }
}
