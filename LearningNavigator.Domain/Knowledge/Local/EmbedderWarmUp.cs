using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Knowledge.Local;

/// <summary>
/// Loads the embedding model in the background at start, so after a restart (vectors already stored, nothing to
/// embed) the first question does not wait about a second for it; then brings the index's vectors up to date (after
/// an upgrade that changed the model, every chunk), so that no question waits for that either. Start-up itself
/// never waits.
/// </summary>
internal sealed partial class EmbedderWarmUp(
    ITextEmbedder embedder, LuceneKnowledgeIndex index, IOptions<LocalIndexOptions> options, ILogger<EmbedderWarmUp> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.Value.Mode == RetrievalMode.Bm25
            ? Task.CompletedTask
            : Task.Run(() =>
            {
                try
                {
                    embedder.Embed(["warm-up"], stoppingToken);
                    index.PrepareVectors(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A model that cannot load fails the first dense search loudly; here it only gets a log line.
                    Log.Failed(logger, ex);
                }
            }, stoppingToken);

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Could not load the embedding model or embed the library in the background")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}
