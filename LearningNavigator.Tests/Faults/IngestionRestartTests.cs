using System.Text;
using LearningNavigator.Chat;
using LearningNavigator.Conversations;
using LearningNavigator.Documents;
using LearningNavigator.Knowledge;
using LearningNavigator.Knowledge.Local;
using LearningNavigator.Tests.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LearningNavigator.Tests.Faults;

/// <summary>
/// The app stops with documents still queued (indexing is slowed so it cannot finish) while users are asking;
/// a new host on the same data finishes every document once, and the conversations are intact.
/// </summary>
public sealed class IngestionRestartTests : IDisposable
{
    private const int Documents = 6;
    private readonly TempDirectory data = new("ln-restart-ingest");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        data.Dispose();
    }

    [Fact]
    public async Task Ingestion_interrupted_by_a_restart_resumes_and_finishes_each_document_once()
    {
        IReadOnlyList<AskRecord> records;
        using (var first = Build(slowIndex: true))
        {
            await first.StartAsync();
            var library = first.Services.GetRequiredService<IDocumentLibrary>();
            var load = ChatLoad.RunAsync(first.Services.GetRequiredService<AnswerPipeline>(), users: 10, questionsEach: 3, (_, _) => ClientBehaviour.ReadAll);
            for (var i = 0; i < Documents; i++)
            {
                await library.AddAsync(
                    new DocumentUpload { FileName = $"room-{i}.md", Content = new MemoryStream(Encoding.UTF8.GetBytes(Fact(i))), Roles = [AppRoles.Instructor] },
                    CancellationToken.None);
            }

            await WaitUntilAsync(library, docs => docs.Any(d => d.Status == DocumentStatus.Ready));
            await first.StopAsync();
            var atStop = await library.ListAsync(CancellationToken.None);
            Assert.Contains(atStop, d => d.Status != DocumentStatus.Ready);
            records = await load;
        }

        SqliteConnection.ClearAllPools();
        using var second = Build(slowIndex: false);
        await second.StartAsync();
        var resumed = second.Services.GetRequiredService<IDocumentLibrary>();
        var documents = await WaitUntilAsync(resumed, docs => docs.Count == Documents && docs.All(d => d.Status == DocumentStatus.Ready));

        Assert.All(documents, d => Assert.True(d.ChunkCount > 0, $"{d.FileName} has no chunks."));
        var retriever = second.Services.GetRequiredService<IKnowledgeRetriever>();
        for (var i = 0; i < Documents; i++)
        {
            var passages = await retriever.RetrieveAsync(new RetrievalRequest { Query = $"side door code room {i} harbour{i}", Role = AppRoles.Instructor, TopK = 20 }, CancellationToken.None);
            Assert.Contains(passages, p => p.Text.Contains($"harbour{i}", StringComparison.Ordinal));
            Assert.Equal(passages.Count, passages.Select(p => p.ChunkId).Distinct().Count());
        }

        await Ledger.AssertNothingLostAsync(second.Services.GetRequiredService<IConversationStore>(), records);
        await second.StopAsync();
    }

    private static string Fact(int i) =>
        $"# Room {i}\n\nThe training room harbour{i} has the code {4400 + i} for the side door. Bring the participant manuals to room {i}.\n";

    private static async Task<IReadOnlyList<LibraryDocument>> WaitUntilAsync(IDocumentLibrary library, Func<IReadOnlyList<LibraryDocument>, bool> condition)
    {
        // Bounded wait for background work, not a speed assertion: the limit only stops a hung test.
        for (var i = 0; i < 1200; i++)
        {
            var documents = await library.ListAsync(CancellationToken.None);
            if (condition(documents))
            {
                return documents;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"The library did not reach the expected state: {string.Join(", ", (await library.ListAsync(CancellationToken.None)).Select(d => $"{d.FileName}={d.Status}"))}");
    }

    private IHost Build(bool slowIndex)
    {
        var seed = Directory.CreateDirectory(data.Combine("seed")).FullName;
        File.WriteAllText(Path.Combine(seed, "library.json"), "{ \"documents\": [] }");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = data.Path });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Library:Path"] = seed,
            ["Library:StoragePath"] = data.Combine("library"),
            ["Retrieval:Local:IndexPath"] = data.Combine("index"),
            ["Retrieval:Local:Mode"] = "Bm25",
            ["Storage:Sqlite:DatabasePath"] = data.Combine("navigator.db"),
            ["Generation:Extractive:WordDelay"] = "00:00:00.002",
            ["RateLimiting:Questions:PermitLimit"] = "100000",
            ["RateLimiting:Questions:ConcurrentModelCalls"] = "100",
            ["Chat:ResponseCache:Enabled"] = "false",
        });
        builder.Services.AddLogging();
        builder.Services.AddLearningNavigator(builder.Configuration, data.Path);
        if (slowIndex)
        {
            builder.Services.AddSingleton<IKnowledgeIndex>(sp => new SlowIndex(sp.GetRequiredService<LuceneKnowledgeIndex>()));
        }

        return builder.Build();
    }

    /// <summary>Indexing that takes its time, so the host stops with work still queued.</summary>
    private sealed class SlowIndex(IKnowledgeIndex inner) : IKnowledgeIndex
    {
        public async Task UpsertDocumentAsync(DocumentMetadata document, string contentHash, IReadOnlyList<DocumentChunk> chunks, CancellationToken cancellationToken)
        {
            await Task.Delay(400, cancellationToken);
            await inner.UpsertDocumentAsync(document, contentHash, chunks, cancellationToken);
        }

        public Task DeleteDocumentAsync(string documentId, CancellationToken cancellationToken) => inner.DeleteDocumentAsync(documentId, cancellationToken);

        public Task<IReadOnlyDictionary<string, string>> GetDocumentHashesAsync(CancellationToken cancellationToken) => inner.GetDocumentHashesAsync(cancellationToken);
    }
}
