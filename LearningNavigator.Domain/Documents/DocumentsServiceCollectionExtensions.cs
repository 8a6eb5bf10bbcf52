using LearningNavigator.Documents.Local;
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
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDocumentTextExtractor, HtmlTextExtractor>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDocumentTextExtractor, PlainTextExtractor>());
        services.TryAddSingleton<DocumentTextExtractor>();
        services.TryAddSingleton(sp => new TextChunker(sp.GetRequiredService<IOptions<ChunkingOptions>>().Value));
        // Transient: it holds no state and must not outlive whatever lifetime the index is registered with.
        services.TryAddTransient<DocumentIngestor>();
        return services;
    }

    /// <summary>
    /// The embedded document library (files on disk, SQLite catalog, background pipeline into the local index) as
    /// <see cref="IDocumentLibrary"/>, unless another library was registered first.
    /// </summary>
    public static IServiceCollection AddLocalDocumentLibrary(this IServiceCollection services)
    {
        services.TryAddSingleton<LocalDocumentLibrary>();
        services.TryAddSingleton<IDocumentLibrary>(sp => sp.GetRequiredService<LocalDocumentLibrary>());
        services.TryAddSingleton<LibrarySeeder>();
        services.AddHostedService<LibraryIngestionWorker>();
        return services;
    }
}
