using System.Text;
using LearningNavigator.Documents;
using Microsoft.Extensions.Logging.Abstractions;
using static LearningNavigator.Tests.Domain.Documents.DocumentFixtures;

namespace LearningNavigator.Tests.Domain.Documents;

public sealed class DocumentIngestorTests : IDisposable
{
    private readonly TempDirectory _folder = new();
    private readonly InMemoryKnowledgeIndex _index = new();
    private readonly DocumentIngestor _ingestor;

    public DocumentIngestorTests()
    {
        _ingestor = new DocumentIngestor(
            DocumentTextExtractor.CreateDefault(),
            new TextChunker(new ChunkingOptions { MaxTokens = 100, OverlapTokens = 10 }),
            _index,
            NullLogger<DocumentIngestor>.Instance);

        _folder.Write("algee.md", "# The ALGEE Action Plan\n\n" + Prose(1, 8));
        _folder.Write("manual.pdf", Pdf("Manual", ["Page one of the manual."], ["Page two of the manual."]));
        _folder.Write("facturacion.docx", Docx("Facturación", Styled("Heading1", "Cómo facturar"), Para("Envíe la factura en treinta días.")));
        WriteManifest(("algee.md", "algee"), ("manual.pdf", "manual"), ("facturacion.docx", "facturacion"));
    }

    public void Dispose() => _folder.Dispose();

    private void WriteManifest(params (string File, string Id)[] entries)
    {
        var json = new StringBuilder("{ \"documents\": [");
        json.AppendJoin(",", entries.Select(e =>
            $$"""{ "file": "{{e.File}}", "id": "{{e.Id}}", "title": "{{e.Id}} title", "language": "en", "roles": ["instructor","admin"] }"""));
        json.Append("] }");
        _folder.Write(LibraryManifest.FileName, json.ToString());
    }

    private Task<IngestionReport> IngestAsync() => _ingestor.IngestFolderAsync(_folder.Path, CancellationToken.None);

    [Fact]
    public async Task First_run_indexes_every_document_with_its_chunks()
    {
        var report = await IngestAsync();

        Assert.Equal(["algee", "manual", "facturacion"], report.Indexed);
        Assert.Empty(report.Skipped);
        Assert.Empty(report.Failed);
        Assert.Empty(report.Removed);
        Assert.True(_index.ChunksOf("algee").Count > 1);
        Assert.Equal([1, 2], _index.ChunksOf("manual").Select(c => c.Page));
        var docxChunk = Assert.Single(_index.ChunksOf("facturacion"));
        Assert.Equal("Cómo facturar", docxChunk.Heading);
        Assert.Equal("facturacion title", docxChunk.Title);
        Assert.Equal(["instructor", "admin"], docxChunk.Roles);
    }

    [Fact]
    public async Task Second_run_over_unchanged_files_skips_them_all()
    {
        await IngestAsync();
        _index.Upserts.Clear();

        var report = await IngestAsync();

        Assert.Empty(report.Indexed);
        Assert.Equal(["algee", "manual", "facturacion"], report.Skipped);
        Assert.Empty(_index.Upserts);
    }

    [Fact]
    public async Task Changing_one_file_reindexes_only_that_file()
    {
        await IngestAsync();
        _index.Upserts.Clear();
        _folder.Write("algee.md", "# The ALGEE Action Plan\n\nA rewritten, much shorter plan.");

        var report = await IngestAsync();

        Assert.Equal(["algee"], report.Indexed);
        Assert.Equal(["manual", "facturacion"], report.Skipped);
        Assert.Equal(["algee"], _index.Upserts);
        Assert.Equal("A rewritten, much shorter plan.", Assert.Single(_index.ChunksOf("algee")).Text);
    }

    [Fact]
    public async Task Removing_an_entry_from_the_manifest_deletes_the_document()
    {
        await IngestAsync();
        WriteManifest(("algee.md", "algee"), ("facturacion.docx", "facturacion"));

        var report = await IngestAsync();

        Assert.Equal(["manual"], report.Removed);
        Assert.Equal(["manual"], _index.Deletes);
        Assert.False(_index.Contains("manual"));
        Assert.True(_index.Contains("algee"));
    }

    [Fact]
    public async Task A_corrupt_file_fails_alone_and_the_others_are_indexed()
    {
        _folder.Write("x.pdf", "not a pdf");
        WriteManifest(("algee.md", "algee"), ("x.pdf", "broken"), ("manual.pdf", "manual"));

        var report = await IngestAsync();

        Assert.Equal(["algee", "manual"], report.Indexed);
        var failure = Assert.Single(report.Failed);
        Assert.Equal("broken", failure.DocumentId);
        Assert.Equal("x.pdf", failure.FileName);
        Assert.Contains("PDF", failure.Reason, StringComparison.Ordinal);
        Assert.False(_index.Contains("broken"));
    }

    [Fact]
    public async Task A_failed_reindex_keeps_the_previously_indexed_version()
    {
        await IngestAsync();
        _folder.Write("manual.pdf", "now corrupt");

        var report = await IngestAsync();

        Assert.Equal("manual", Assert.Single(report.Failed).DocumentId);
        Assert.DoesNotContain("manual", report.Removed);
        Assert.Equal([1, 2], _index.ChunksOf("manual").Select(c => c.Page));
    }

    [Fact]
    public async Task An_invalid_manifest_changes_nothing()
    {
        await IngestAsync();
        _folder.Write(LibraryManifest.FileName, """{ "documents": [ { "file": "algee.md", "id": "algee", "title": "T", "language": "xx", "roles": ["admin"] } ] }""");

        await Assert.ThrowsAsync<LibraryManifestException>(IngestAsync);

        Assert.Empty(_index.Deletes);
        Assert.True(_index.Contains("manual"));
    }

    [Fact]
    public void Content_hash_is_lower_case_hex_sha256()
    {
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", DocumentIngestor.ComputeHash("abc"u8));
    }
}
