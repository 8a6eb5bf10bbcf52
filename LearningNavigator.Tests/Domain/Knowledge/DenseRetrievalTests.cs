using LearningNavigator.Documents;
using LearningNavigator.Knowledge;
using LearningNavigator.Knowledge.Local;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Tests.Domain.Knowledge;

public sealed class DenseRetrievalTests : IDisposable
{
    private static readonly string[] Everyone = [AppRoles.Instructor, AppRoles.Staff];
    private static readonly string[] StaffOnly = [AppRoles.Staff];
    private static readonly Dictionary<string, string> Synonyms = new(StringComparer.Ordinal)
    {
        ["anxiety"] = "panic",
        ["terrified"] = "panic",
        ["salary"] = "payroll",
    };

    private readonly string _path = Path.Combine(Path.GetTempPath(), "ln-dense-" + Guid.NewGuid().ToString("N"));
    private readonly List<LuceneKnowledgeIndex> _opened = [];

    public void Dispose()
    {
        foreach (var index in _opened)
        {
            index.Dispose();
        }

        if (Directory.Exists(_path))
        {
            Directory.Delete(_path, recursive: true);
        }
    }

    private LuceneKnowledgeIndex Open(RetrievalMode mode, ITextEmbedder? embedder)
    {
        var index = new LuceneKnowledgeIndex(
            Options.Create(new LocalIndexOptions { IndexPath = _path, Mode = mode }),
            embedder,
            NullLogger<LuceneKnowledgeIndex>.Instance);
        _opened.Add(index);
        return index;
    }

    private static DocumentMetadata Doc(string id, string language, IReadOnlyList<string> roles, string title) => new()
    {
        Id = id,
        Title = title,
        Language = language,
        Roles = roles,
        FileName = id + ".md",
    };

    private static DocumentChunk Chunk(DocumentMetadata doc, int ordinal, string text) => new()
    {
        Id = $"{doc.Id}#{ordinal}",
        DocumentId = doc.Id,
        Title = doc.Title,
        Language = doc.Language,
        Roles = doc.Roles,
        StartOffset = 0,
        EndOffset = text.Length,
        Text = text,
        Ordinal = ordinal,
        TokenCount = text.Split(' ').Length,
    };

    private static readonly DocumentMetadata Panic = Doc("panic", "en", Everyone, "Panic attacks");
    private static readonly DocumentMetadata Payroll = Doc("payroll", "en", StaffOnly, "Staff handbook");
    private static readonly DocumentMetadata Pagos = Doc("pagos", "es", Everyone, "Pagos");

    private static async Task SeedAsync(LuceneKnowledgeIndex index)
    {
        await index.UpsertDocumentAsync(Panic, "h1", [Chunk(Panic, 0, "Stay calm and breathe slowly with the person during a panic attack.")], CancellationToken.None);
        await index.UpsertDocumentAsync(Payroll, "h2", [Chunk(Payroll, 0, "Payroll runs on the last working day of each month.")], CancellationToken.None);
        await index.UpsertDocumentAsync(Pagos, "h3", [Chunk(Pagos, 0, "El payroll se paga el último día del mes.")], CancellationToken.None);
    }

    private static Task<IReadOnlyList<RetrievedPassage>> AskAsync(LuceneKnowledgeIndex index, string query, string role, string? language = null) =>
        index.RetrieveAsync(new RetrievalRequest { Query = query, Role = role, Language = language, TopK = 5 }, CancellationToken.None);

    [Fact]
    public async Task Dense_mode_finds_a_passage_that_shares_meaning_but_no_word_with_the_question()
    {
        var index = Open(RetrievalMode.Dense, new KeywordEmbedder(Synonyms));
        await SeedAsync(index);

        var passages = await AskAsync(index, "anxiety", AppRoles.Instructor);

        Assert.Equal("panic", passages[0].DocumentId);
        // BM25 alone cannot: no chunk holds the word.
        index.Dispose();
        Assert.Empty(await AskAsync(Open(RetrievalMode.Bm25, null), "anxiety", AppRoles.Instructor));
    }

    [Fact]
    public async Task The_role_filter_applies_on_the_dense_path()
    {
        var index = Open(RetrievalMode.Dense, new KeywordEmbedder(Synonyms));
        await SeedAsync(index);

        var asInstructor = await AskAsync(index, "salary", AppRoles.Instructor);
        var asStaff = await AskAsync(index, "salary", AppRoles.Staff);
        var asAdmin = await AskAsync(index, "salary", AppRoles.Admin);

        // Dense search ranks every visible chunk, so the instructor still gets passages, just never the staff-only one.
        Assert.NotEmpty(asInstructor);
        Assert.DoesNotContain(asInstructor, p => p.DocumentId == "payroll");
        Assert.Equal("payroll", asStaff[0].DocumentId);
        Assert.Contains(asAdmin, p => p.DocumentId == "payroll");
    }

    [Fact]
    public async Task The_language_filter_applies_on_the_dense_path()
    {
        var index = Open(RetrievalMode.Dense, new KeywordEmbedder(Synonyms));
        await SeedAsync(index);

        var spanish = await AskAsync(index, "payroll", AppRoles.Staff, language: "es");

        Assert.Equal(["pagos"], spanish.Select(p => p.DocumentId));
    }

    [Fact]
    public async Task Hybrid_mode_returns_what_either_ranking_finds()
    {
        var index = Open(RetrievalMode.Hybrid, new KeywordEmbedder(Synonyms));
        await SeedAsync(index);

        // "monthly" matches nothing; "terrified" is a synonym only the dense side knows; "month" only BM25 matches.
        var passages = await AskAsync(index, "terrified month", AppRoles.Staff, language: "en");

        Assert.Equal(["panic", "payroll"], passages.Select(p => p.DocumentId).Order(StringComparer.Ordinal));
        Assert.All(passages, p => Assert.InRange(p.Score, 0, 2.0 / (ReciprocalRankFusion.DefaultK + 1)));
    }

    [Fact]
    public async Task Vectors_persist_so_reopening_the_index_embeds_only_the_question()
    {
        var first = new KeywordEmbedder(Synonyms);
        var index = Open(RetrievalMode.Hybrid, first);
        await SeedAsync(index);
        Assert.Equal(3, first.TextsEmbedded);
        index.Dispose();

        var second = new KeywordEmbedder(Synonyms);
        var reopened = Open(RetrievalMode.Hybrid, second);
        var passages = await AskAsync(reopened, "anxiety", AppRoles.Instructor);

        Assert.Equal("panic", passages[0].DocumentId);
        Assert.Equal(1, second.TextsEmbedded);
        Assert.Equal(3, reopened.CountChunkVectors());
    }

    [Fact]
    public async Task An_index_built_without_vectors_is_embedded_once_then_never_again()
    {
        var bm25 = Open(RetrievalMode.Bm25, new KeywordEmbedder(Synonyms));
        await SeedAsync(bm25);
        Assert.Equal(0, bm25.CountChunkVectors());
        bm25.Dispose();

        var embedder = new KeywordEmbedder(Synonyms);
        var dense = Open(RetrievalMode.Dense, embedder);
        var passages = await AskAsync(dense, "anxiety", AppRoles.Instructor);
        Assert.Equal("panic", passages[0].DocumentId);
        Assert.Equal(3 + 1, embedder.TextsEmbedded);
        Assert.Equal(3, dense.CountChunkVectors());
        dense.Dispose();

        var again = new KeywordEmbedder(Synonyms);
        var reopened = Open(RetrievalMode.Dense, again);
        await AskAsync(reopened, "anxiety", AppRoles.Instructor);
        Assert.Equal(1, again.TextsEmbedded);
    }

    [Fact]
    public async Task Vectors_of_another_model_are_replaced_once_then_kept()
    {
        var before = Open(RetrievalMode.Hybrid, new KeywordEmbedder(Synonyms, modelId: "model-a"));
        await SeedAsync(before);
        before.Dispose();

        // Vectors of two models are not comparable: a new model embeds every chunk again, here ahead of any question
        // (the app does it at start-up), so the first search embeds only its question.
        var changed = new KeywordEmbedder(Synonyms, modelId: "model-b");
        var reopened = Open(RetrievalMode.Hybrid, changed);
        reopened.PrepareVectors(CancellationToken.None);
        Assert.Equal(3, changed.TextsEmbedded);
        Assert.Equal("panic", (await AskAsync(reopened, "anxiety", AppRoles.Instructor))[0].DocumentId);
        Assert.Equal(3 + 1, changed.TextsEmbedded);
        reopened.Dispose();

        var same = new KeywordEmbedder(Synonyms, modelId: "model-b");
        var again = Open(RetrievalMode.Hybrid, same);
        await AskAsync(again, "anxiety", AppRoles.Instructor);
        Assert.Equal(1, same.TextsEmbedded);
        again.Dispose();

        // A BM25-only process in between keeps the record of which model wrote the vectors.
        Open(RetrievalMode.Bm25, null).Dispose();
        var afterBm25 = new KeywordEmbedder(Synonyms, modelId: "model-b");
        await AskAsync(Open(RetrievalMode.Hybrid, afterBm25), "anxiety", AppRoles.Instructor);
        Assert.Equal(1, afterBm25.TextsEmbedded);
    }

    [Fact]
    public async Task Rewritten_documents_keep_every_field_a_citation_needs()
    {
        var bm25 = Open(RetrievalMode.Bm25, null);
        var doc = Doc("guide", "en", StaffOnly, "Guide");
        var chunk = Chunk(doc, 3, "Breathe slowly during a panic attack.") with { Heading = "Breathing", Page = 7, StartOffset = 40, EndOffset = 77 };
        await bm25.UpsertDocumentAsync(doc, "hash-1", [chunk], CancellationToken.None);
        bm25.Dispose();

        var dense = Open(RetrievalMode.Dense, new KeywordEmbedder(Synonyms));
        var passage = Assert.Single(await AskAsync(dense, "panic", AppRoles.Staff));

        Assert.Equal(("guide#3", "Breathing", 7, 40, 77), (passage.ChunkId, passage.Heading, passage.Page, passage.StartOffset, passage.EndOffset));
        Assert.Equal("hash-1", (await dense.GetDocumentHashesAsync(CancellationToken.None))["guide"]);
        Assert.Empty(await AskAsync(dense, "panic", AppRoles.Instructor));
    }

    [Fact]
    public async Task Deleting_a_document_removes_its_vectors_from_dense_results()
    {
        var index = Open(RetrievalMode.Dense, new KeywordEmbedder(Synonyms));
        await SeedAsync(index);

        await index.DeleteDocumentAsync("panic", CancellationToken.None);

        Assert.DoesNotContain(await AskAsync(index, "anxiety", AppRoles.Admin), p => p.DocumentId == "panic");
        Assert.Equal(2, index.CountChunkVectors());
    }

    [Fact]
    public async Task A_bulk_upsert_with_a_foreign_chunk_writes_nothing()
    {
        var embedder = new KeywordEmbedder(Synonyms);
        var index = Open(RetrievalMode.Hybrid, embedder);
        var good = (Panic, "h1", (IReadOnlyList<DocumentChunk>)[Chunk(Panic, 0, "Breathe slowly during a panic attack.")]);
        var bad = (Payroll, "h2", (IReadOnlyList<DocumentChunk>)[Chunk(Pagos, 0, "Payroll runs monthly.")]);

        await Assert.ThrowsAsync<ArgumentException>(() => index.UpsertDocumentsAsync([good, bad], CancellationToken.None));
        await index.UpsertDocumentsAsync([good], CancellationToken.None);

        Assert.Equal(["panic"], (await index.GetDocumentHashesAsync(CancellationToken.None)).Keys);
        Assert.Equal(1, index.CountChunkVectors());
        Assert.Equal(1, embedder.TextsEmbedded);
    }
}
