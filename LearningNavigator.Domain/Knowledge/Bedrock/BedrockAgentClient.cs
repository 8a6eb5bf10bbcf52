using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using LearningNavigator.Aws;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Knowledge.Bedrock;

/// <summary>Where an ingestion job is, as bedrock-agent reports it.</summary>
public sealed record IngestionJob(string Id, string Status, IReadOnlyList<string> FailureReasons)
{
    public bool IsFinished => Status is "COMPLETE" or "FAILED" or "STOPPED";

    public bool Succeeded => Status == "COMPLETE";
}

/// <summary>bedrock-agent's StartIngestionJob and GetIngestionJob over a SigV4-signed HttpClient.</summary>
public sealed class BedrockAgentClient(IHttpClientFactory httpClientFactory, IOptions<AwsOptions> aws, IOptions<KnowledgeBaseOptions> knowledgeBase)
{
    public const string HttpClientName = "Bedrock.Agent";

    public async Task<IngestionJob> StartIngestionJobAsync(CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["clientToken"] = Guid.NewGuid().ToString("N") };
        using var response = await Http.PutAsync(new Uri(aws.Value.BedrockAgentEndpoint, JobsPath + "/"), JsonContent.Create(body), cancellationToken);
        return await ReadJobAsync(response, cancellationToken);
    }

    public async Task<IngestionJob> GetIngestionJobAsync(string jobId, CancellationToken cancellationToken)
    {
        using var response = await Http.GetAsync(new Uri(aws.Value.BedrockAgentEndpoint, $"{JobsPath}/{Uri.EscapeDataString(jobId)}"), cancellationToken);
        return await ReadJobAsync(response, cancellationToken);
    }

    private HttpClient Http => httpClientFactory.CreateClient(HttpClientName);

    private string JobsPath =>
        $"/knowledgebases/{Uri.EscapeDataString(knowledgeBase.Value.Id!)}/datasources/{Uri.EscapeDataString(knowledgeBase.Value.DataSourceId!)}/ingestionjobs";

    private static async Task<IngestionJob> ReadJobAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        var job = json.RootElement.GetProperty("ingestionJob");
        var reasons = job.TryGetProperty("failureReasons", out var r) && r.ValueKind == JsonValueKind.Array
            ? r.EnumerateArray().Select(e => e.GetString() ?? string.Empty).ToList()
            : [];
        return new IngestionJob(job.GetProperty("ingestionJobId").GetString()!, job.GetProperty("status").GetString()!, reasons);
    }
}
