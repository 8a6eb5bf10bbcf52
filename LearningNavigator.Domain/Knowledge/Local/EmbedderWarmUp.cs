using Microsoft.Extensions.DependencyInjection;
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
    IServiceProvider services, IOptions<RetrievalOptions> retrieval, IOptions<LocalIndexOptions> options, ILogger<EmbedderWarmUp> logger) : BackgroundService
{
    // With a Bedrock Knowledge Base the local index and model are never used: resolving them (lazily, below) would
    // open an index folder and hold some 500 MB of model for nothing.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.Value.Mode == RetrievalMode.Bm25
        || !string.Equals(retrieval.Value.Provider, RetrievalOptions.LocalProvider, StringComparison.OrdinalIgnoreCase)
            ? Task.CompletedTask
            : Task.Run(() =>
            {
                try
                {
                    services.GetRequiredService<ITextEmbedder>().Embed(["warm-up"], stoppingToken);
                    services.GetRequiredService<LuceneKnowledgeIndex>().PrepareVectors(stoppingToken);
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
