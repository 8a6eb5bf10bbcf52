using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Knowledge.Local;

public static class LocalKnowledgeServiceCollectionExtensions
{
    /// <summary>Registers the on-disk Lucene index as the one <see cref="IKnowledgeIndex"/> and <see cref="IKnowledgeRetriever"/>.</summary>
    public static IServiceCollection AddLocalKnowledgeIndex(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RetrievalOptions>()
            .Bind(configuration.GetSection(RetrievalOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<LocalIndexOptions>()
            .Bind(configuration.GetSection(LocalIndexOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // One writer per directory is a Lucene rule, so both interfaces must resolve to the same instance.
        services.AddSingleton<ITextEmbedder>(sp => new MiniLmEmbedder(sp.GetRequiredService<IOptions<LocalIndexOptions>>().Value.EmbeddingPrecision));
        services.AddHostedService<EmbedderWarmUp>();
        services.AddSingleton(sp => new LuceneKnowledgeIndex(
            sp.GetRequiredService<IOptions<LocalIndexOptions>>(),
            sp.GetRequiredService<ITextEmbedder>(),
            sp.GetService<ILogger<LuceneKnowledgeIndex>>() ?? NullLogger<LuceneKnowledgeIndex>.Instance));
        services.AddSingleton<IKnowledgeIndex>(sp => sp.GetRequiredService<LuceneKnowledgeIndex>());
        services.AddSingleton<IKnowledgeRetriever>(sp => sp.GetRequiredService<LuceneKnowledgeIndex>());
        return services;
    }
}
