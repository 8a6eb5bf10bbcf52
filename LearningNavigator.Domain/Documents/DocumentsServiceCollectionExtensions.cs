using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Documents;

public static class DocumentsServiceCollectionExtensions
{
    /// <summary>
    /// Extractors, chunker and ingestor, with "Library" and "Library:Chunking" validated at start-up.
    /// The ingestor needs an <see cref="Knowledge.IKnowledgeIndex"/> registered elsewhere.
    /// </summary>
    public static IServiceCollection AddDocumentIngestion(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<LibraryOptions>()
            .Bind(configuration.GetSection(LibraryOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<ChunkingOptions>()
            .Bind(configuration.GetSection($"{LibraryOptions.SectionName}:Chunking"))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDocumentTextExtractor, PdfTextExtractor>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDocumentTextExtractor, DocxTextExtractor>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDocumentTextExtractor, MarkdownTextExtractor>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDocumentTextExtractor, PlainTextExtractor>());
        services.TryAddSingleton<DocumentTextExtractor>();
        services.TryAddSingleton(sp => new TextChunker(sp.GetRequiredService<IOptions<ChunkingOptions>>().Value));
        // Transient: it holds no state and must not outlive whatever lifetime the index is registered with.
        services.TryAddTransient<DocumentIngestor>();
        return services;
    }
}
