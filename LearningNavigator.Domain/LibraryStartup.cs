using LearningNavigator.Conversations.Sqlite;
using LearningNavigator.Documents;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LearningNavigator;

/// <summary>
/// Prepares storage and brings the index up to date with the library before the app takes requests,
/// so the first question already finds every document. Unchanged files are skipped by content hash.
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

        var ingestor = services.GetRequiredService<DocumentIngestor>();
        LastReport = await ingestor.IngestFolderAsync(library.Value.Path, cancellationToken);
        Log.Ingested(logger, LastReport.Indexed.Count, LastReport.Skipped.Count, LastReport.Failed.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Library ready: {Indexed} indexed, {Skipped} unchanged, {Failed} failed")]
        public static partial void Ingested(ILogger logger, int indexed, int skipped, int failed);
    }
}
