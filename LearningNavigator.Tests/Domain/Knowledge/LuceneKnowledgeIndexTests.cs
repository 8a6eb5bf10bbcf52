using LearningNavigator.Documents;
using LearningNavigator.Knowledge;
using LearningNavigator.Knowledge.Local;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Tests.Domain.Knowledge;

public sealed class LuceneKnowledgeIndexTests : IDisposable
{
    private static readonly string[] Everyone = [AppRoles.Instructor, AppRoles.Staff];
    private static readonly string[] StaffOnly = [AppRoles.Staff];

    private readonly string _path = Path.Combine(Path.GetTempPath(), "ln-index-" + Guid.NewGuid().ToString("N"));
    private LuceneKnowledgeIndex _index;

    public LuceneKnowledgeIndexTests() => _index = Open();

    public void Dispose()
    {
        _index.Dispose();
        if (Directory.Exists(_path))
        {
            Directory.Delete(_path, recursive: true);
        }
    }

    private LuceneKnowledgeIndex Open() => new(Options.Create(new LocalIndexOptions { IndexPath = _path, Mode = RetrievalMode.Bm25 }));

    private static DocumentMetadata Doc(string id, string language, IReadOnlyList<string> roles, string title) => new()
    {
        Id = id,
        Title = title,
        Language = language,
        Roles = roles,
        FileName = id + ".md",
    };

    private static DocumentChunk Chunk(DocumentMetadata doc, int ordinal, string text, string? heading = null, int? page = null) => new()
    {
        Id = $"{doc.Id}#{ordinal}",
        DocumentId = doc.Id,
        Title = doc.Title,
        Heading = heading,
        Page = page,
        Language = doc.Language,
        Roles = doc.Roles,
        StartOffset = ordinal * 1000,
        EndOffset = ordinal * 1000 + text.Length,
        Text = text,
        Ordinal = ordinal,
        TokenCount = text.Split(' ').Length,
    };

    private static readonly DocumentMetadata Algee = Doc("algee", "en", Everyone, "The MHFA Action Plan");
    private static readonly DocumentMetadata Billing = Doc("billing", "es", Everyone, "Guía de administración");
    private static readonly DocumentMetadata Payroll = Doc("payroll", "en", StaffOnly, "Staff payroll handbook");

    private async Task SeedAsync()
    {
        await _index.UpsertDocumentAsync(Algee, "hash-algee", [
            Chunk(Algee, 0, "ALGEE is the action plan: assess for risk of suicide or harm, listen nonjudgmentally, give reassurance and information, encourage appropriate professional help, encourage self-help and other support strategies.", "ALGEE", 3),
            Chunk(Algee, 1, "Course materials must be ordered two weeks before the session starts.", "Logistics", 4),
            Chunk(Algee, 2, "Instructors renew their certification every three years by teaching courses.", "Certification", 5),
        ], CancellationToken.None);
        await _index.UpsertDocumentAsync(Billing, "hash-billing", [
            Chunk(Billing, 0, "Para enviar una factura, complete el formulario de facturación y adjunte el recibo.", "Facturación"),
            Chunk(Billing, 1, "Los instructores pueden solicitar materiales del curso en español.", "Materiales"),
        ], CancellationToken.None);
        await _index.UpsertDocumentAsync(Payroll, "hash-payroll", [
            Chunk(Payroll, 0, "Payroll is processed on the last business day of each month; staff submit timesheets by the 25th."),
        ], CancellationToken.None);
    }

    private Task<IReadOnlyList<RetrievedPassage>> SearchAsync(string query, string role = AppRoles.Instructor, string? language = null, int topK = 5) =>
        _index.RetrieveAsync(new RetrievalRequest { Query = query, Role = role, Language = language, TopK = topK }, CancellationToken.None);

    [Fact]
    public async Task Algee_question_ranks_the_algee_chunk_first_with_its_citation_data()
    {
        await SeedAsync();

        var results = await SearchAsync("What are the steps of ALGEE?");

        var first = results[0];
        Assert.Equal("algee#0", first.ChunkId);
        Assert.Equal("algee", first.DocumentId);
        Assert.Equal("The MHFA Action Plan", first.Title);
        Assert.Equal("ALGEE", first.Heading);
        Assert.Equal(3, first.Page);
        Assert.Equal("en", first.Language);
        Assert.StartsWith("ALGEE is the action plan", first.Text, StringComparison.Ordinal);
        Assert.Equal(0, first.StartOffset);
        Assert.Equal(first.Text.Length, first.EndOffset);
        Assert.True(first.Score > 0);
        Assert.DoesNotContain(results, r => r.DocumentId == "payroll");
    }

    [Fact]
    public async Task English_stemming_matches_inflected_words()
    {
        await SeedAsync();

        var results = await SearchAsync("renewing certifications", language: "en");

        Assert.Equal("algee#2", results[0].ChunkId);
    }

    [Fact]
    public async Task Spanish_plural_finds_singular_through_spanish_stemming()
    {
        await SeedAsync();

        var results = await SearchAsync("¿Cómo envío mis facturas?", language: "es");

        Assert.Equal("billing#0", results[0].ChunkId);
    }

    [Fact]
    public async Task Without_language_both_languages_are_searched()
    {
        await SeedAsync();

        var spanish = await SearchAsync("facturas");
        var english = await SearchAsync("nonjudgmentally listening");

        Assert.Equal("billing#0", spanish[0].ChunkId);
        Assert.Equal("algee#0", english[0].ChunkId);
    }

    [Fact]
    public async Task Language_filter_excludes_other_languages()
    {
        await SeedAsync();

        // "materiales del curso" vs "course materials": both languages have a materials chunk.
        var spanishOnly = await SearchAsync("materials materiales curso course", language: "es");
        var englishOnly = await SearchAsync("materials materiales curso course", language: "en");

        Assert.NotEmpty(spanishOnly);
        Assert.All(spanishOnly, p => Assert.Equal("es", p.Language));
        Assert.NotEmpty(englishOnly);
        Assert.All(englishOnly, p => Assert.Equal("en", p.Language));
    }

    [Fact]
    public async Task Staff_only_chunk_is_invisible_to_instructors_and_visible_to_staff_and_admin()
    {
        await SeedAsync();

        var instructor = await SearchAsync("payroll timesheets", AppRoles.Instructor);
        var staff = await SearchAsync("payroll timesheets", AppRoles.Staff);
        var admin = await SearchAsync("payroll timesheets", AppRoles.Admin);

        Assert.DoesNotContain(instructor, p => p.DocumentId == "payroll");
        Assert.Equal("payroll#0", staff[0].ChunkId);
        Assert.Equal("payroll#0", admin[0].ChunkId);
    }

    [Fact]
    public async Task Unknown_role_sees_nothing()
    {
        await SeedAsync();

        Assert.Empty(await SearchAsync("ALGEE", "guest"));
    }

    [Fact]
    public async Task Reupsert_replaces_every_chunk_of_the_document()
    {
        await SeedAsync();

        await _index.UpsertDocumentAsync(Algee, "hash-algee-2", [
            Chunk(Algee, 0, "ALGEE revised: approach, assess and assist with any crisis."),
        ], CancellationToken.None);

        var results = await SearchAsync("ALGEE action plan assess crisis materials certification", AppRoles.Admin, topK: 50);
        var algee = results.Where(r => r.DocumentId == "algee").ToList();
        var only = Assert.Single(algee);
        Assert.Equal("ALGEE revised: approach, assess and assist with any crisis.", only.Text);
        Assert.Equal("hash-algee-2", (await _index.GetDocumentHashesAsync(CancellationToken.None))["algee"]);
    }

    [Fact]
    public async Task Delete_removes_chunks_and_hash()
    {
        await SeedAsync();

        await _index.DeleteDocumentAsync("algee", CancellationToken.None);

        Assert.DoesNotContain(await SearchAsync("ALGEE action plan", AppRoles.Admin), p => p.DocumentId == "algee");
        Assert.False((await _index.GetDocumentHashesAsync(CancellationToken.None)).ContainsKey("algee"));
    }

    [Fact]
    public async Task Hashes_map_each_document_to_its_content_hash()
    {
        await SeedAsync();
        await _index.UpsertDocumentAsync(Doc("empty", "en", Everyone, "Empty"), "hash-empty", [], CancellationToken.None);

        var hashes = await _index.GetDocumentHashesAsync(CancellationToken.None);

        Assert.Equal(4, hashes.Count);
        Assert.Equal("hash-algee", hashes["algee"]);
        Assert.Equal("hash-billing", hashes["billing"]);
        Assert.Equal("hash-payroll", hashes["payroll"]);
        Assert.Equal("hash-empty", hashes["empty"]);
    }

    [Fact]
    public async Task Index_persists_across_dispose_and_reopen()
    {
        await SeedAsync();
        _index.Dispose();

        _index = Open();

        Assert.Equal("algee#0", (await SearchAsync("ALGEE"))[0].ChunkId);
        Assert.Equal(3, (await _index.GetDocumentHashesAsync(CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Empty_index_and_empty_queries_return_nothing()
    {
        Assert.Empty(await SearchAsync("ALGEE"));
        Assert.Empty(await _index.GetDocumentHashesAsync(CancellationToken.None));

        await SeedAsync();
        Assert.Empty(await SearchAsync(""));
        Assert.Empty(await SearchAsync("   "));
        Assert.Empty(await SearchAsync("the and of", language: "en"));
    }

    [Theory]
    [InlineData("what's \"ALGEE\"? (steps) AND/OR -x")]
    [InlineData("ALGEE~ *:* [1 TO 2] {a} ^ \\ / ! && || +")]
    [InlineData("\"unterminated")]
    [InlineData("NOT")]
    public async Task Hostile_queries_do_not_throw(string query)
    {
        await SeedAsync();

        var results = await SearchAsync(query);

        if (query.Contains("ALGEE", StringComparison.Ordinal))
        {
            Assert.Equal("algee#0", results[0].ChunkId);
        }
    }

    [Fact]
    public async Task TopK_limits_results_and_is_capped()
    {
        await SeedAsync();

        Assert.Single(await SearchAsync("ALGEE materials certification courses", topK: 1));
        Assert.Equal(3, (await SearchAsync("ALGEE materials certification courses", topK: 500)).Count);
    }

    [Fact]
    public async Task Concurrent_searches_and_upserts_do_not_interfere()
    {
        await SeedAsync();

        var writes = Enumerable.Range(0, 10).Select(i => Task.Run(() => _index.UpsertDocumentAsync(
            Doc($"extra-{i}", "en", Everyone, $"Extra {i}"), $"h{i}", [Chunk(Doc($"extra-{i}", "en", Everyone, $"Extra {i}"), 0, $"Extra note number {i} about volunteers.")], CancellationToken.None)));
        var reads = Enumerable.Range(0, 20).Select(_ => Task.Run(() => SearchAsync("ALGEE")));

        await Task.WhenAll(writes);
        var readResults = await Task.WhenAll(reads);

        Assert.All(readResults, r => Assert.Equal("algee#0", r[0].ChunkId));
        Assert.Equal(13, (await _index.GetDocumentHashesAsync(CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Registration_resolves_one_instance_for_both_interfaces()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Retrieval:Provider"] = "Local",
            ["Retrieval:TopK"] = "7",
            ["Retrieval:Local:IndexPath"] = Path.Combine(_path, "di"),
        }).Build();
        await using var provider = new ServiceCollection().AddLocalKnowledgeIndex(configuration).BuildServiceProvider();

        var index = provider.GetRequiredService<IKnowledgeIndex>();
        var retriever = provider.GetRequiredService<IKnowledgeRetriever>();

        Assert.Same(index, retriever);
        Assert.IsType<LuceneKnowledgeIndex>(index);
        Assert.Equal(7, provider.GetRequiredService<IOptions<RetrievalOptions>>().Value.TopK);
    }

    [Theory]
    [InlineData("Retrieval:Provider", "Bedrockish", "Retrieval:Provider")]
    [InlineData("Retrieval:TopK", "0", "Retrieval:TopK")]
    [InlineData("Retrieval:Local:IndexPath", "", "Retrieval:Local:IndexPath")]
    [InlineData("Retrieval:Local:FusionDepth", "5", "Retrieval:Local:FusionDepth")]
    [InlineData("Retrieval:Local:RrfK", "0", "Retrieval:Local:RrfK")]
    [InlineData("Retrieval:Local:Bm25B", "1.5", "Retrieval:Local:Bm25B")]
    public void Invalid_configuration_fails_naming_the_key(string key, string value, string expectedInMessage)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Retrieval:Local:IndexPath"] = Path.Combine(_path, "di"),
            [key] = value,
        }).Build();
        using var provider = new ServiceCollection().AddLocalKnowledgeIndex(configuration).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() =>
        {
            _ = provider.GetRequiredService<IOptions<RetrievalOptions>>().Value;
            _ = provider.GetRequiredService<IOptions<LocalIndexOptions>>().Value;
        });
        Assert.Contains(expectedInMessage, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_retrieval_mode_fails_naming_the_key()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Retrieval:Local:IndexPath"] = Path.Combine(_path, "di"),
            ["Retrieval:Local:Mode"] = "Semantic",
        }).Build();
        using var provider = new ServiceCollection().AddLocalKnowledgeIndex(configuration).BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IOptions<LocalIndexOptions>>().Value);

        Assert.Contains("Retrieval:Local:Mode", error.Message, StringComparison.Ordinal);
    }
}
