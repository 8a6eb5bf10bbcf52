using System.Net;
using System.Net.Sockets;
using LearningNavigator.Aws;
using LearningNavigator.Documents;
using LearningNavigator.Generation;
using LearningNavigator.Knowledge;
using LearningNavigator.Knowledge.Local;
using LearningNavigator.Web.Observability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Tests.Integration;

/// <summary>
/// Readiness of the configured providers: Bedrock, the knowledge base and a model server must answer HTTP. One that
/// does not is Degraded (still 200): every task shares it, and taking them all out of the load balancer would only
/// add a restart loop to the outage.
/// </summary>
public sealed class ReadinessProviderTests : IDisposable
{
    private readonly ServiceProvider services = new ServiceCollection().AddHttpClient().BuildServiceProvider();

    private IHttpClientFactory HttpClients => services.GetRequiredService<IHttpClientFactory>();

    [Theory]
    [InlineData(403, HealthStatus.Healthy)] // what AWS answers an unsigned request: reachable
    [InlineData(404, HealthStatus.Healthy)]
    [InlineData(503, HealthStatus.Degraded)]
    public async Task Bedrock_is_ready_when_its_endpoint_answers_below_500(int status, HealthStatus expected)
    {
        using var server = new OneStatusServer(status);

        var result = await ModelCheck(GenerationOptions.BedrockProvider, new AwsOptions { Region = "eu-west-2", BedrockRuntimeUrl = server.Url })
            .CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(expected, result.Status);
        Assert.Equal($"Bedrock answered {status}.", result.Description);
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task Bedrock_is_degraded_when_nothing_listens_at_its_endpoint()
    {
        var result = await ModelCheck(GenerationOptions.BedrockProvider, new AwsOptions { Region = "eu-west-2", BedrockRuntimeUrl = ClosedPort() })
            .CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Equal("Bedrock cannot be reached.", result.Description);
    }

    [Fact]
    public async Task A_model_server_that_does_not_listen_is_degraded_and_the_offline_answerer_always_ready()
    {
        var down = new ModelProviderHealthCheck(
            Options.Create(new GenerationOptions { Provider = GenerationOptions.OpenAICompatibleProvider }),
            Options.Create(new OpenAICompatibleOptions { Endpoint = ClosedPort() }),
            Options.Create(new AwsOptions()),
            HttpClients,
            NullLogger<ModelProviderHealthCheck>.Instance);
        var offline = ModelCheck(GenerationOptions.ExtractiveProvider, new AwsOptions());

        Assert.Equal(HealthStatus.Degraded, (await down.CheckHealthAsync(new HealthCheckContext())).Status);
        Assert.Equal(HealthStatus.Healthy, (await offline.CheckHealthAsync(new HealthCheckContext())).Status);
    }

    [Fact]
    public async Task With_the_knowledge_base_readiness_asks_its_endpoint_not_the_local_index()
    {
        using var server = new OneStatusServer(403);
        var up = IndexCheck(server.Url);
        var down = IndexCheck(ClosedPort());

        var reachable = await up.CheckHealthAsync(new HealthCheckContext());
        var unreachable = await down.CheckHealthAsync(new HealthCheckContext());

        // The local index here would throw: a pass means it was never asked.
        Assert.Equal(HealthStatus.Healthy, reachable.Status);
        Assert.Equal("The knowledge base service answered 403.", reachable.Description);
        Assert.Equal(HealthStatus.Degraded, unreachable.Status);
    }

    public void Dispose() => services.Dispose();

    private ModelProviderHealthCheck ModelCheck(string provider, AwsOptions aws) => new(
        Options.Create(new GenerationOptions { Provider = provider }),
        Options.Create(new OpenAICompatibleOptions()),
        Options.Create(aws),
        HttpClients,
        NullLogger<ModelProviderHealthCheck>.Instance);

    private KnowledgeIndexHealthCheck IndexCheck(Uri agentRuntime) => new(
        new UnreadableIndex(),
        Options.Create(new RetrievalOptions { Provider = RetrievalOptions.BedrockKnowledgeBaseProvider }),
        Options.Create(new AwsOptions { Region = "eu-west-2", BedrockAgentRuntimeUrl = agentRuntime }),
        HttpClients,
        NullLogger<KnowledgeIndexHealthCheck>.Instance);

    private static Uri ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");
    }

    /// <summary>Answers every request with one status code and counts them.</summary>
    private sealed class OneStatusServer : IDisposable
    {
        private readonly HttpListener listener = new();
        private int requests;

        public OneStatusServer(int status)
        {
            var port = ClosedPort().Port;
            Url = new Uri($"http://127.0.0.1:{port}/");
            listener.Prefixes.Add(Url.AbsoluteUri);
            listener.Start();
            _ = Task.Run(async () =>
            {
                while (listener.IsListening)
                {
                    try
                    {
                        var context = await listener.GetContextAsync();
                        Interlocked.Increment(ref requests);
                        context.Response.StatusCode = status;
                        context.Response.Close();
                    }
                    catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                    {
                        return;
                    }
                }
            });
        }

        public Uri Url { get; }

        public int Requests => Volatile.Read(ref requests);

        public void Dispose() => listener.Close();
    }

    private sealed class UnreadableIndex : IKnowledgeIndex
    {
        public Task UpsertDocumentAsync(DocumentMetadata document, string contentHash, IReadOnlyList<DocumentChunk> chunks, CancellationToken cancellationToken) =>
            throw Unexpected();

        public Task DeleteDocumentAsync(string documentId, CancellationToken cancellationToken) => throw Unexpected();

        public Task<IReadOnlyDictionary<string, string>> GetDocumentHashesAsync(CancellationToken cancellationToken) => throw Unexpected();

        private static InvalidOperationException Unexpected() => new("The local index must not be touched when the knowledge base answers.");
    }
}
