using LearningNavigator.Conversations.Sqlite;
using LearningNavigator.Documents;
using LearningNavigator.Documents.Local;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LearningNavigator;

/// <summary>
/// Prepares storage and seeds the library folder (library.json) into the document library before the app
/// takes requests, so the first question already finds every document. Files seeded before with the same bytes
/// are skipped; documents left queued by the last run are finished here too.
/// </summary>
public sealed partial class LibraryStartup(IServiceProvider services, IOptions<LibraryOptions> library, ILogger<LibraryStartup> logger) : IHostedService
{
    public IngestionReport? LastReport { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (services.GetService<SqliteConversationStore>() is { } sqlite)
        {
            await sqlite.InitializeAsync(cancellationToken);
        }

        // Only the embedded library is seeded from the folder; a managed knowledge base has its own documents.
        if (services.GetRequiredService<IDocumentLibrary>() is not LocalDocumentLibrary)
        {
            return;
        }

        LastReport = await services.GetRequiredService<LibrarySeeder>().SeedAsync(library.Value.Path, cancellationToken);
        Log.Ingested(logger, LastReport.Indexed.Count, LastReport.Skipped.Count, LastReport.Failed.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Library ready: {Indexed} indexed, {Skipped} unchanged, {Failed} failed")]
        public static partial void Ingested(ILogger logger, int indexed, int skipped, int failed);
    }
}
