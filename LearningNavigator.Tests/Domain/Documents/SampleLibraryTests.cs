using LearningNavigator.Documents;

namespace LearningNavigator.Tests.Domain.Documents;

/// <summary>
/// The library a fresh start indexes keeps its promises, read the way the indexer reads it: enough documents in
/// both languages and all three formats, every one marked as sample content, the topics instructors ask about,
/// and staff-only procedures that instructors never see.
/// </summary>
public sealed class SampleLibraryTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "SampleLibrary");

    // Each topic the product promises, with words that only a document about it would hold (English | Spanish).
    public static TheoryData<string, string[]> Topics => new()
    {
        { "the ALGEE action plan", ["ALGEE"] },
        { "course formats and scheduling", ["blended", "semipresencial"] },
        { "invoicing and payments", ["invoice", "factura"] },
        { "teaching materials", ["participant manual", "manual del participante", "materials"] },
        { "instructor certification and policies", ["certification", "recertif"] },
        { "self-care for first aiders", ["self-care", "autocuidado"] },
        { "crisis resources (988)", ["988"] },
        { "staff procedures", ["refund"] },
    };

    [Fact]
    public async Task It_holds_at_least_twelve_documents_in_english_and_spanish_and_in_markdown_pdf_and_docx()
    {
        var manifest = await LibraryManifestLoader.LoadAsync(Folder, CancellationToken.None);

        Assert.True(manifest.Documents.Count >= 12, $"{manifest.Documents.Count} documents; at least 12 promised.");
        Assert.Equal(["en", "es"], manifest.Documents.Select(d => d.Language).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal([".docx", ".md", ".pdf"], manifest.Documents.Select(d => Path.GetExtension(d.File)).Distinct().Order(StringComparer.Ordinal));
        Assert.All(manifest.Documents, d => Assert.True(File.Exists(Path.Combine(Folder, d.File)), $"{d.File} is listed but missing."));
    }

    [Fact]
    public async Task Every_document_opens_with_the_sample_content_banner_in_its_language()
    {
        foreach (var (entry, text) in await ReadAllAsync())
        {
            var firstLine = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];
            Assert.Contains("SAMPLE CONTENT", firstLine, StringComparison.Ordinal);
            if (entry.Language == "es")
            {
                Assert.Contains("CONTENIDO DE EJEMPLO", firstLine, StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Topics))]
    public async Task Each_promised_topic_is_covered(string topic, string[] words)
    {
        var documents = await ReadAllAsync();

        Assert.True(
            documents.Any(d => words.Any(w => d.Text.Contains(w, StringComparison.OrdinalIgnoreCase))),
            $"No sample document covers {topic}.");
    }

    [Fact]
    public async Task Staff_procedures_are_hidden_from_instructors_and_shown_to_staff_and_admins()
    {
        var manifest = await LibraryManifestLoader.LoadAsync(Folder, CancellationToken.None);

        var staffOnly = manifest.Documents.Where(d => !d.Roles.Contains(AppRoles.Instructor)).ToList();
        Assert.NotEmpty(staffOnly);
        Assert.All(staffOnly, d => Assert.Superset(new HashSet<string> { AppRoles.Staff, AppRoles.Admin }, d.Roles.ToHashSet()));
        Assert.Contains(manifest.Documents, d => d.Roles.Contains(AppRoles.Instructor));
    }

    private static async Task<List<(LibraryManifestEntry Entry, string Text)>> ReadAllAsync()
    {
        var manifest = await LibraryManifestLoader.LoadAsync(Folder, CancellationToken.None);
        var extractor = DocumentTextExtractor.CreateDefault();
        var documents = new List<(LibraryManifestEntry, string)>();
        foreach (var entry in manifest.Documents)
        {
            await using var file = File.OpenRead(Path.Combine(Folder, entry.File));
            documents.Add((entry, (await extractor.ExtractAsync(file, entry.File, CancellationToken.None)).FullText));
        }

        return documents;
    }
}
