using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using LearningNavigator.Aws;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Knowledge.Bedrock;

/// <summary>
/// Bedrock Agent Runtime <c>Retrieve</c> over a SigV4-signed HttpClient, filtered by the documents' role and
/// language metadata (the sidecar attributes <c>roles</c> and <c>language</c>).
/// </summary>
public sealed class BedrockKnowledgeBaseRetriever(
    IHttpClientFactory httpClientFactory,
    IOptions<AwsOptions> aws,
    IOptions<KnowledgeBaseOptions> knowledgeBase) : IKnowledgeRetriever
{
    public const string HttpClientName = "Bedrock.AgentRuntime";
    public const string PageNumberKey = "x-amz-bedrock-kb-document-page-number";
    public const string SourceUriKey = "x-amz-bedrock-kb-source-uri";
    public const string ChunkIdKey = "x-amz-bedrock-kb-chunk-id";

    public async Task<IReadOnlyList<RetrievedPassage>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var http = httpClientFactory.CreateClient(HttpClientName);
        var uri = new Uri(aws.Value.BedrockAgentRuntimeEndpoint, $"/knowledgebases/{Uri.EscapeDataString(knowledgeBase.Value.Id!)}/retrieve");
        using var response = await http.PostAsync(uri, JsonContent.Create(RequestBody(request)), cancellationToken);
        using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        return Map(json.RootElement, request.Language);
    }

    /// <summary>The Retrieve request as AWS documents it.</summary>
    public static JsonObject RequestBody(RetrievalRequest request)
    {
        var roleFilter = new JsonObject { ["listContains"] = new JsonObject { ["key"] = "roles", ["value"] = request.Role } };
        // andAll needs at least two members, so a single condition stands alone.
        JsonObject filter = request.Language is { Length: > 0 } language
            ? new JsonObject
            {
                ["andAll"] = new JsonArray(
                    roleFilter,
                    new JsonObject { ["equals"] = new JsonObject { ["key"] = "language", ["value"] = language } }),
            }
            : roleFilter;
        return new JsonObject
        {
            ["retrievalQuery"] = new JsonObject { ["text"] = request.Query },
            ["retrievalConfiguration"] = new JsonObject
            {
                ["vectorSearchConfiguration"] = new JsonObject
                {
                    ["numberOfResults"] = request.TopK,
                    ["filter"] = filter,
                },
            },
        };
    }

    private static List<RetrievedPassage> Map(JsonElement root, string? requestedLanguage)
    {
        var passages = new List<RetrievedPassage>();
        if (!root.TryGetProperty("retrievalResults", out var results))
        {
            return passages;
        }

        foreach (var result in results.EnumerateArray())
        {
            var text = result.TryGetProperty("content", out var content) && content.TryGetProperty("text", out var t) ? t.GetString() : null;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            var metadata = result.TryGetProperty("metadata", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
            var uri = S3Uri(result) ?? String(metadata, SourceUriKey) ?? "unknown";
            var page = Number(metadata, PageNumberKey);
            var chunkId = String(metadata, ChunkIdKey) ?? $"{uri}#{(page ?? 0).ToString(CultureInfo.InvariantCulture)}#{passages.Count}";
            passages.Add(new RetrievedPassage
            {
                ChunkId = chunkId,
                DocumentId = uri,
                Title = String(metadata, "title") ?? Path.GetFileNameWithoutExtension(FileNameOf(uri)),
                Page = page,
                Language = String(metadata, "language") ?? requestedLanguage ?? "en",
                Text = text,
                Score = result.TryGetProperty("score", out var score) && score.ValueKind == JsonValueKind.Number ? score.GetDouble() : 0,
            });
        }

        return passages;
    }

    private static string? S3Uri(JsonElement result) =>
        result.TryGetProperty("location", out var location)
        && location.TryGetProperty("s3Location", out var s3)
        && s3.TryGetProperty("uri", out var uri)
            ? uri.GetString()
            : null;

    private static string? String(JsonElement metadata, string key) =>
        metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    // Bedrock reports page numbers as JSON numbers, sometimes with a fractional part ("3.0").
    private static int? Number(JsonElement metadata, string key) =>
        metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty(key, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.Number => (int)value.GetDouble(),
                JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => (int)d,
                _ => null,
            }
            : null;

    private static string FileNameOf(string uri)
    {
        var name = uri[(uri.LastIndexOf('/') + 1)..];
        return name.Length > 0 ? Uri.UnescapeDataString(name) : uri;
    }
}
