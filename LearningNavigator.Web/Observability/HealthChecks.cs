using LearningNavigator.Aws;
using LearningNavigator.Conversations;
using LearningNavigator.Generation;
using LearningNavigator.Knowledge;
using LearningNavigator.Knowledge.Local;
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

/// <summary>
/// The local index opens and lists its documents (an empty index is degraded, not down); with the Bedrock
/// Knowledge Base, its endpoint answers.
/// </summary>
internal sealed partial class KnowledgeIndexHealthCheck(
    IKnowledgeIndex index,
    IOptions<RetrievalOptions> retrieval,
    IOptions<AwsOptions> aws,
    IHttpClientFactory httpClients,
    ILogger<KnowledgeIndexHealthCheck> logger) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (string.Equals(retrieval.Value.Provider, RetrievalOptions.BedrockKnowledgeBaseProvider, StringComparison.OrdinalIgnoreCase))
        {
            return await EndpointProbe.CheckAsync(httpClients, aws.Value.BedrockAgentRuntimeEndpoint, "The knowledge base service", logger, cancellationToken);
        }

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
/// The configured model is reachable: the offline answerer runs in process and is always ready; a model server
/// (OpenAI-compatible) or Bedrock's runtime endpoint must answer HTTP.
/// </summary>
internal sealed class ModelProviderHealthCheck(
    IOptions<GenerationOptions> generation,
    IOptions<OpenAICompatibleOptions> openAI,
    IOptions<AwsOptions> aws,
    IHttpClientFactory httpClients,
    ILogger<ModelProviderHealthCheck> logger) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var provider = generation.Value.Provider;
        if (string.Equals(provider, GenerationOptions.BedrockProvider, StringComparison.OrdinalIgnoreCase))
        {
            return EndpointProbe.CheckAsync(httpClients, aws.Value.BedrockRuntimeEndpoint, "Bedrock", logger, cancellationToken);
        }

        if (string.Equals(provider, GenerationOptions.OpenAICompatibleProvider, StringComparison.OrdinalIgnoreCase) && openAI.Value.Endpoint is { } endpoint)
        {
            return EndpointProbe.CheckAsync(httpClients, new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/models"), "The model server", logger, cancellationToken);
        }

        return Task.FromResult(HealthCheckResult.Healthy($"{provider} answers in process."));
    }
}

/// <summary>
/// One unsigned GET: any HTTP answer below 500 (AWS answers an unsigned request with 403) proves the service is
/// reachable, which is all readiness asks. Nothing is invoked, so a probe every few seconds costs nothing and
/// needs no permission. A service every task shares being down is Degraded, not Unhealthy: the load balancer
/// would otherwise take every task out and ECS replace them all, dropping every circuit, while the app itself
/// can still say what is wrong to the people asking.
/// </summary>
internal static partial class EndpointProbe
{
    public const string HttpClientName = "readiness-probe";

    public static async Task<HealthCheckResult> CheckAsync(IHttpClientFactory httpClients, Uri target, string service, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).GetAsync(target, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var status = (int)response.StatusCode;
            return status < 500
                ? HealthCheckResult.Healthy($"{service} answered {status}.")
                : HealthCheckResult.Degraded($"{service} answered {status}.");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Log.Unreachable(logger, service, ex);
            return HealthCheckResult.Degraded($"{service} cannot be reached.");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Readiness: {Service} cannot be reached")]
        public static partial void Unreachable(ILogger logger, string service, Exception exception);
    }
}
