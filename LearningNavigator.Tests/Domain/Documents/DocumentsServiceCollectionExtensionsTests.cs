using LearningNavigator.Documents;
using LearningNavigator.Knowledge;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Tests.Domain.Documents;

public sealed class DocumentsServiceCollectionExtensionsTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IKnowledgeIndex, InMemoryKnowledgeIndex>();
        services.AddDocumentIngestion(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    [Fact]
    public void Defaults_bind_and_everything_resolves()
    {
        using var provider = Build([]);

        Assert.Equal("SampleLibrary", provider.GetRequiredService<IOptions<LibraryOptions>>().Value.Path);
        var chunker = provider.GetRequiredService<TextChunker>();
        Assert.Equal(500, chunker.Options.MaxTokens);
        Assert.Equal(50, chunker.Options.OverlapTokens);
        Assert.Same(chunker, provider.GetRequiredService<TextChunker>());
        Assert.NotNull(provider.GetRequiredService<DocumentIngestor>());
        Assert.Equal(
            [".docx", ".htm", ".html", ".markdown", ".md", ".pdf", ".txt"],
            provider.GetRequiredService<DocumentTextExtractor>().SupportedExtensions.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Configured_values_are_bound()
    {
        using var provider = Build(new() { ["Library:Path"] = "/data/library", ["Library:Chunking:MaxTokens"] = "300", ["Library:Chunking:OverlapTokens"] = "30" });

        Assert.Equal("/data/library", provider.GetRequiredService<IOptions<LibraryOptions>>().Value.Path);
        Assert.Equal(300, provider.GetRequiredService<TextChunker>().Options.MaxTokens);
    }

    [Theory]
    [InlineData("Library:Chunking:MaxTokens", "5", "MaxTokens")]
    [InlineData("Library:Chunking:OverlapTokens", "400", "OverlapTokens")]
    [InlineData("Library:Path", "", "Path")]
    public void Invalid_settings_fail_naming_the_setting(string key, string value, string expected)
    {
        using var provider = Build(new() { [key] = value });

        var ex = Assert.Throws<OptionsValidationException>(() =>
        {
            _ = provider.GetRequiredService<IOptions<LibraryOptions>>().Value;
            _ = provider.GetRequiredService<IOptions<ChunkingOptions>>().Value;
        });
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
