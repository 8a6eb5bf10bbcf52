using LearningNavigator.Documents;
using LearningNavigator.Knowledge;
using LearningNavigator.Knowledge.Local;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Tests.Domain.Knowledge;

/// <summary>The field layout marker, the upgrade of older indexes, and the common-terms shortcut of BM25.</summary>
public sealed class LuceneIndexLayoutTests : IDisposable
{
    private static readonly string[] Everyone = [AppRoles.Instructor, AppRoles.Staff];
    private readonly string _path = Path.Combine(Path.GetTempPath(), "ln-layout-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (System.IO.Directory.Exists(_path))
        {
            System.IO.Directory.Delete(_path, recursive: true);
        }
    }

    private LuceneKnowledgeIndex Open(RetrievalMode mode = RetrievalMode.Bm25, ITextEmbedder? embedder = null) =>
        new(Options.Create(new LocalIndexOptions { IndexPath = _path, Mode = mode }), embedder, NullLogger<LuceneKnowledgeIndex>.Instance);

    private static Task<IReadOnlyList<RetrievedPassage>> SearchAsync(LuceneKnowledgeIndex index, string query, int topK = 5) =>
        index.RetrieveAsync(new RetrievalRequest { Query = query, Role = AppRoles.Instructor, Language = "en", TopK = topK }, CancellationToken.None);

    [Fact]
    public async Task An_index_in_the_first_layout_is_rewritten_on_open_keeping_its_vectors()
    {
        WriteFirstLayoutIndex(withVector: true);

        using (var index = Open())
        {
            // "Referral" is only in the title and "escalation" only in the heading: both searchable again.
            var hits = await SearchAsync(index, "referral");
            Assert.Equal("old#0", Assert.Single(hits).ChunkId);
            Assert.Equal("old#0", Assert.Single(await SearchAsync(index, "escalation")).ChunkId);
            Assert.Equal("Referral guide", hits[0].Title);
            Assert.Equal("Escalation", hits[0].Heading);
            Assert.Equal("Call the duty manager when a participant is in distress.", hits[0].Text);
            Assert.Equal(7, hits[0].Page);
            Assert.Equal(1, index.CountChunkVectors());
            Assert.Equal("sha-old", (await index.GetDocumentHashesAsync(CancellationToken.None))["old"]);
        }

        Assert.Equal("2", CommitData()["layout"]);
    }

    [Fact]
    public async Task A_new_index_records_its_layout_and_keeps_it_through_later_commits()
    {
        var doc = new DocumentMetadata { Id = "d", Title = "Scheduling", Language = "en", Roles = Everyone, FileName = "d.md" };
        using (var index = Open())
        {
            await index.UpsertDocumentAsync(doc, "h1", [Chunk("d", 0, "Courses are scheduled in the portal.", "Scheduling")], CancellationToken.None);
            await index.DeleteDocumentAsync("d", CancellationToken.None);
            await index.UpsertDocumentAsync(doc, "h2", [Chunk("d", 0, "Courses are scheduled by the regional office.", "Scheduling")], CancellationToken.None);
        }

        Assert.Equal("2", CommitData()["layout"]);
        using var reopened = Open();
        Assert.Equal("h2", (await reopened.GetDocumentHashesAsync(CancellationToken.None))["d"]);
        Assert.Equal("Scheduling", Assert.Single(await SearchAsync(reopened, "scheduling")).Title);
    }

    [Fact]
    public async Task A_rare_word_matching_few_chunks_does_not_hide_chunks_matching_only_common_words()
    {
        // 1,500 chunks hold "course": past the common-term threshold. One chunk also holds "zebra".
        var documents = Enumerable.Range(0, 75).Select(d =>
        {
            var id = "doc" + d;
            var metadata = new DocumentMetadata { Id = id, Title = "Handbook " + d, Language = "en", Roles = Everyone, FileName = id + ".md" };
            IReadOnlyList<DocumentChunk> chunks = [.. Enumerable.Range(0, 20).Select(c =>
                Chunk(id, c, d == 3 && c == 4 ? "The zebra course starts in spring." : $"The course material part {c} of section {d}.", "Handbook " + d))];
            return (metadata, "h" + id, chunks);
        }).ToList();
        using var index = Open();
        await index.UpsertDocumentsAsync(documents, CancellationToken.None);

        var hits = await SearchAsync(index, "zebra course", topK: 5);

        Assert.Equal(5, hits.Count);
        Assert.Equal("doc3#4", hits[0].ChunkId);
        Assert.All(hits.Skip(1), h => Assert.True(h.Score < hits[0].Score));
    }

    private static DocumentChunk Chunk(string documentId, int ordinal, string text, string title) => new()
    {
        Id = $"{documentId}#{ordinal}",
        DocumentId = documentId,
        Title = title,
        Language = "en",
        Roles = Everyone,
        StartOffset = 0,
        EndOffset = text.Length,
        Text = text,
        Ordinal = ordinal,
        TokenCount = text.Split(' ').Length,
    };

    private IDictionary<string, string> CommitData()
    {
        using var directory = FSDirectory.Open(_path);
        var infos = new SegmentInfos();
        infos.Read(directory);
        return infos.UserData;
    }

    /// <summary>The fields the index wrote before layout 2: title, heading and text searchable apart, no commit data.</summary>
    private void WriteFirstLayoutIndex(bool withVector)
    {
        using var directory = FSDirectory.Open(_path);
        using var analyzer = new StandardAnalyzer(LuceneVersion.LUCENE_48);
        using var writer = new IndexWriter(directory, new IndexWriterConfig(LuceneVersion.LUCENE_48, analyzer));
        var chunk = new Document
        {
            new StringField("kind", "chunk", Field.Store.NO),
            new StringField("chunk_id", "old#0", Field.Store.YES),
            new StringField("doc_id", "old", Field.Store.YES),
            new StringField("lang", "en", Field.Store.YES),
            new StoredField("title", "Referral guide"),
            new TextField("title_en", "Referral guide", Field.Store.NO),
            new StoredField("text", "Call the duty manager when a participant is in distress."),
            new TextField("text_en", "Call the duty manager when a participant is in distress.", Field.Store.NO),
            new StoredField("heading", "Escalation"),
            new TextField("heading_en", "Escalation", Field.Store.NO),
            new StoredField("page", 7),
            new StoredField("start", 0),
            new StoredField("end", 57),
            new StoredField("ordinal", 0),
            new StoredField("tokens", 10),
            new StoredField("hash", "sha-old"),
            new StringField("role", AppRoles.Instructor, Field.Store.YES),
            new StringField("role", AppRoles.Staff, Field.Store.YES),
        };
        if (withVector)
        {
            var vector = new float[MiniLmEmbedder.VectorDimensions];
            vector[0] = 1;
            var bytes = new byte[vector.Length * sizeof(float)];
            Buffer.BlockCopy(vector, 0, bytes, 0, bytes.Length);
            chunk.Add(new BinaryDocValuesField("vec", new BytesRef(bytes)));
        }

        writer.AddDocuments([
            [new StringField("kind", "doc", Field.Store.NO), new StringField("doc_id", "old", Field.Store.YES), new StoredField("hash", "sha-old")],
            chunk,
        ]);
        writer.Commit();
    }
}
