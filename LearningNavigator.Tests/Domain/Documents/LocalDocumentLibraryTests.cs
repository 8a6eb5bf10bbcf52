using System.Text;
using LearningNavigator.Documents;
using LearningNavigator.Documents.Local;
using LearningNavigator.Knowledge;
using LearningNavigator.Knowledge.Local;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static LearningNavigator.Tests.Domain.Documents.DocumentFixtures;
using TestFolder = LearningNavigator.Tests.TestSupport.TempDirectory;

namespace LearningNavigator.Tests.Domain.Documents;

/// <summary>The embedded library over a real Lucene index and SQLite catalog in a temp folder.</summary>
public sealed class LocalDocumentLibraryTests : IDisposable
{
    private const string Fact = "The Harbourview training room has a code of 4417 for the side door.";
    private readonly TestFolder _data = new("ln-library");
    private LuceneKnowledgeIndex _index;
    private LocalDocumentLibrary _library;

    public LocalDocumentLibraryTests() => (_index, _library) = Open();

    public void Dispose()
    {
        _library.Dispose();
        _index.Dispose();
        SqliteConnection.ClearAllPools();
        _data.Dispose();
    }

    private (LuceneKnowledgeIndex, LocalDocumentLibrary) Open(int maxMegabytes = 50)
    {
        var index = new LuceneKnowledgeIndex(Options.Create(new LocalIndexOptions { IndexPath = _data.Combine("index") }));
        var options = new LibraryOptions { StoragePath = _data.Combine("library"), MaxFileMegabytes = maxMegabytes };
        var library = new LocalDocumentLibrary(
            Options.Create(options),
            DocumentTextExtractor.CreateDefault(options),
            new TextChunker(new ChunkingOptions { MaxTokens = 100, OverlapTokens = 10 }),
            index,
            TimeProvider.System,
            NullLogger<LocalDocumentLibrary>.Instance);
        return (index, library);
    }

    private void Reopen()
    {
        _library.Dispose();
        _index.Dispose();
        (_index, _library) = Open();
    }

    private Task<LibraryDocument> AddAsync(string fileName, string text, string[]? roles = null, string? replaces = null) =>
        AddAsync(fileName, Encoding.UTF8.GetBytes(text), roles, replaces);

    private Task<LibraryDocument> AddAsync(string fileName, byte[] bytes, string[]? roles = null, string? replaces = null) =>
        _library.AddAsync(new DocumentUpload
        {
            FileName = fileName,
            Content = new MemoryStream(bytes),
            Roles = roles ?? [AppRoles.Instructor, AppRoles.Staff],
            ReplacesId = replaces,
        }, CancellationToken.None);

    private async Task<IReadOnlyList<RetrievedPassage>> SearchAsync(string query, string role = AppRoles.Instructor) =>
        await _index.RetrieveAsync(new RetrievalRequest { Query = query, Role = role, TopK = 10 }, CancellationToken.None);

    [Fact]
    public async Task An_upload_moves_through_every_stage_to_ready_and_is_found_at_once()
    {
        var seen = new List<DocumentStatus>();
        _library.Changed += d => seen.Add(d.Status);

        var queued = await AddAsync("Door Codes.md", "# Building access\n\n" + Fact);
        Assert.Equal(DocumentStatus.Queued, queued.Status);
        Assert.Equal("door-codes", queued.Id);
        await _library.ProcessPendingAsync(CancellationToken.None);

        var ready = (await _library.GetAsync(queued.Id, CancellationToken.None))!;
        Assert.Equal(DocumentStatus.Ready, ready.Status);
        Assert.Equal("Building access", ready.Title);
        Assert.Equal("en", ready.Language);
        Assert.Equal(1, ready.ChunkCount);
        Assert.Equal([AppRoles.Instructor, AppRoles.Staff, AppRoles.Admin], ready.Roles);
        Assert.Equal(
            [DocumentStatus.Queued, DocumentStatus.Extracting, DocumentStatus.Chunking, DocumentStatus.Indexing, DocumentStatus.Ready],
            seen);
        var hit = Assert.Single(await SearchAsync("Harbourview side door code"));
        Assert.Equal("door-codes", hit.DocumentId);
    }

    [Fact]
    public async Task The_same_bytes_uploaded_again_are_not_ingested_twice()
    {
        var first = await AddAsync("codes.md", Fact);
        await _library.ProcessPendingAsync(CancellationToken.None);

        var second = await AddAsync("copy-of-codes.md", Fact);
        var replacedWithSame = await AddAsync("codes.md", Fact, replaces: first.Id);

        Assert.Equal(first.Id, second.Id);
        Assert.Equal(DocumentStatus.Ready, second.Status);
        Assert.Equal(DocumentStatus.Ready, replacedWithSame.Status);
        Assert.Single(await _library.ListAsync(CancellationToken.None));
        Assert.Empty(await _library.Catalog.PendingIdsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Delete_removes_every_chunk_from_the_index_and_the_file_from_disk()
    {
        var document = await AddAsync("long.md", "# Door codes\n\n" + Fact + "\n\n" + Prose(3, 20));
        await _library.ProcessPendingAsync(CancellationToken.None);
        Assert.True((await _library.GetAsync(document.Id, CancellationToken.None))!.ChunkCount > 3);
        Assert.NotEmpty(await SearchAsync("Harbourview"));

        await _library.DeleteAsync(document.Id, CancellationToken.None);

        Assert.Null(await _library.GetAsync(document.Id, CancellationToken.None));
        Assert.Empty(await SearchAsync("Harbourview"));
        Assert.Empty(await SearchAsync("instructor course crisis support mental health", AppRoles.Admin));
        Assert.False((await _index.GetDocumentHashesAsync(CancellationToken.None)).ContainsKey(document.Id));
        Assert.Empty(Directory.GetFiles(_data.Combine("library", "files")));
    }

    [Fact]
    public async Task A_job_queued_when_the_app_stopped_completes_after_a_restart()
    {
        var queued = await AddAsync("codes.md", Fact);
        Reopen();

        Assert.Equal(DocumentStatus.Queued, (await _library.GetAsync(queued.Id, CancellationToken.None))!.Status);
        using var stop = new CancellationTokenSource();
        var ready = new TaskCompletionSource();
        _library.Changed += d =>
        {
            if (d.Id == queued.Id && d.Status == DocumentStatus.Ready)
            {
                ready.TrySetResult();
            }
        };
        var worker = _library.RunAsync(stop.Token);
        // A hang guard, not a speed assertion.
        await ready.Task.WaitAsync(TimeSpan.FromMinutes(1));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => worker);

        Assert.NotEmpty(await SearchAsync("Harbourview side door"));
    }

    [Fact]
    public async Task A_broken_file_fails_alone_with_its_reason_and_leaves_nothing_in_the_index()
    {
        var broken = await AddAsync("broken.pdf", Encoding.Latin1.GetBytes("%PDF-1.7\nnothing readable follows"));
        var good = await AddAsync("codes.md", Fact);
        var renamed = await AddAsync("notes.pdf", "plain words, not a PDF");
        await _library.ProcessPendingAsync(CancellationToken.None);

        var failed = (await _library.GetAsync(broken.Id, CancellationToken.None))!;
        Assert.Equal(DocumentStatus.Failed, failed.Status);
        Assert.Equal("The file is not a readable PDF.", failed.Error);
        Assert.Equal(DocumentStatus.Failed, renamed.Status);
        Assert.Contains("the content is text", renamed.Error, StringComparison.Ordinal);
        Assert.Equal(DocumentStatus.Ready, (await _library.GetAsync(good.Id, CancellationToken.None))!.Status);
        var indexed = await _index.GetDocumentHashesAsync(CancellationToken.None);
        Assert.Equal([good.Id], indexed.Keys);

        // The kind of refusal is kept with the document (and across a restart) so the admin page can word it per language.
        Assert.Equal(DocumentExtractionFailure.Unreadable, failed.Failure);
        Assert.Equal(DocumentExtractionFailure.WrongType, renamed.Failure);
        Reopen();
        Assert.Equal(DocumentExtractionFailure.WrongType, (await _library.GetAsync(renamed.Id, CancellationToken.None))!.Failure);
        Assert.Null((await _library.GetAsync(good.Id, CancellationToken.None))!.Failure);
    }

    [Fact]
    public async Task A_file_over_the_limit_is_listed_as_failed_and_nothing_is_kept()
    {
        _library.Dispose();
        _index.Dispose();
        (_index, _library) = Open(maxMegabytes: 1);

        var document = await AddAsync("huge.txt", new string('x', 2 * 1024 * 1024));

        Assert.Equal(DocumentStatus.Failed, document.Status);
        Assert.StartsWith("The file is more than 1.0 MB; the limit is 1 MB", document.Error, StringComparison.Ordinal);
        Assert.Equal(DocumentExtractionFailure.TooLarge, document.Failure);
        Assert.Empty(Directory.GetFiles(_data.Combine("library", "files")));
    }

    [Fact]
    public async Task Changing_roles_reindexes_so_retrieval_follows_at_once()
    {
        var document = await AddAsync("codes.md", Fact, roles: [AppRoles.Staff]);
        await _library.ProcessPendingAsync(CancellationToken.None);
        Assert.Empty(await SearchAsync("Harbourview", AppRoles.Instructor));

        await _library.SetRolesAsync(document.Id, [AppRoles.Instructor], CancellationToken.None);
        await _library.ProcessPendingAsync(CancellationToken.None);

        Assert.NotEmpty(await SearchAsync("Harbourview", AppRoles.Instructor));
        Assert.Empty(await SearchAsync("Harbourview", AppRoles.Staff));
        await Assert.ThrowsAsync<ArgumentException>(() => _library.SetRolesAsync(document.Id, ["superuser"], CancellationToken.None));
    }

    [Fact]
    public async Task Replacing_a_document_swaps_its_chunks_and_reindex_all_requeues_everything()
    {
        var document = await AddAsync("codes.md", Fact);
        await AddAsync("other.md", "# Parking\n\nPark behind the library.");
        await _library.ProcessPendingAsync(CancellationToken.None);

        var replaced = await AddAsync("codes-v2.md", "The side door code changed to 9902 in March.", replaces: document.Id);
        await _library.ProcessPendingAsync(CancellationToken.None);
        Assert.Equal(document.Id, replaced.Id);
        Assert.Empty(await SearchAsync("Harbourview"));
        Assert.Equal(document.Id, Assert.Single(await SearchAsync("9902")).DocumentId);

        await _library.ReindexAllAsync(CancellationToken.None);
        Assert.Equal(2, (await _library.Catalog.PendingIdsAsync(CancellationToken.None)).Count);
        await _library.ProcessPendingAsync(CancellationToken.None);
        Assert.All(await _library.ListAsync(CancellationToken.None), d => Assert.Equal(DocumentStatus.Ready, d.Status));
    }

    [Fact]
    public async Task Spanish_text_is_detected_and_the_preview_shows_text_and_chunks()
    {
        var document = await AddAsync("facturas.md", "# Facturación\n\n¿Cómo se envía la factura? La factura se envía después del curso, durante los treinta días siguientes.");
        await _library.ProcessPendingAsync(CancellationToken.None);

        Assert.Equal("es", (await _library.GetAsync(document.Id, CancellationToken.None))!.Language);
        var preview = (await _library.GetPreviewAsync(document.Id, CancellationToken.None))!;
        Assert.StartsWith("¿Cómo se envía la factura?", preview.Text, StringComparison.Ordinal);
        Assert.Equal("Facturación", Assert.Single(preview.Chunks).Heading);
    }
}
