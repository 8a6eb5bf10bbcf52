using LearningNavigator.Conversations;
using LearningNavigator.Generation;
using LearningNavigator.Knowledge;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Web.Observability;

/// <summary>The conversation store answers a read.</summary>
internal sealed partial class ConversationStoreHealthCheck(IConversationStore store, ILogger<ConversationStoreHealthCheck> logger) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.GetConversationAsync("health-probe", cancellationToken);
            return HealthCheckResult.Healthy("The conversation store answers.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.StoreDown(logger, ex);
            return HealthCheckResult.Unhealthy("The conversation store does not answer.");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Readiness: the conversation store failed a read")]
        public static partial void StoreDown(ILogger logger, Exception exception);
    }
}

/// <summary>The knowledge index opens and lists its documents; an empty index is degraded, not down.</summary>
internal sealed partial class KnowledgeIndexHealthCheck(IKnowledgeIndex index, ILogger<KnowledgeIndexHealthCheck> logger) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var documents = await index.GetDocumentHashesAsync(cancellationToken);
            return documents.Count > 0
                ? HealthCheckResult.Healthy($"{documents.Count} documents indexed.")
                : HealthCheckResult.Degraded("The index is open but holds no documents yet.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.IndexDown(logger, ex);
            return HealthCheckResult.Unhealthy("The knowledge index cannot be read.");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Readiness: the knowledge index failed a read")]
        public static partial void IndexDown(ILogger logger, Exception exception);
    }
}

/// <summary>
/// The configured model server answers HTTP. The offline answerer runs in process and is always ready;
/// any HTTP answer (even 401) proves the server is reachable, which is all readiness asks.
/// </summary>
internal sealed partial class ModelProviderHealthCheck(
    IOptions<GenerationOptions> generation,
    IOptions<OpenAICompatibleOptions> openAI,
    IHttpClientFactory httpClients,
    ILogger<ModelProviderHealthCheck> logger) : IHealthCheck
{
    public const string HttpClientName = "model-health";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!string.Equals(generation.Value.Provider, GenerationOptions.OpenAICompatibleProvider, StringComparison.OrdinalIgnoreCase)
            || openAI.Value.Endpoint is not { } endpoint)
        {
            return HealthCheckResult.Healthy($"{generation.Value.Provider} answers in process.");
        }

        try
        {
            var models = new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/models");
            using var response = await httpClients.CreateClient(HttpClientName).GetAsync(models, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return (int)response.StatusCode < 500
                ? HealthCheckResult.Healthy($"The model server answered {(int)response.StatusCode}.")
                : HealthCheckResult.Unhealthy($"The model server answered {(int)response.StatusCode}.");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Log.ModelUnreachable(logger, ex);
            return HealthCheckResult.Unhealthy("The model server cannot be reached.");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Readiness: the model server cannot be reached")]
        public static partial void ModelUnreachable(ILogger logger, Exception exception);
    }
}
