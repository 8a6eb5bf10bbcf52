using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace LearningNavigator.Tests.Fakes;

/// <summary>Bedrock Agent Runtime's Retrieve on loopback, answering with the AWS response shape.</summary>
public sealed class FakeAgentRuntime() : LoopbackAwsServer("bedrock")
{
    public const string KnowledgeBaseId = "KBTEST1234";

    /// <summary>The results the next Retrieve calls return (retrievalResults items).</summary>
    public List<JsonObject> Results { get; set; } = [Result("s3://kb-bucket/documents/algee.pdf", "Listen without judgement to the person.", 3, 0.82)];

    public static JsonObject Result(string uri, string text, int? page, double score, string language = "en")
    {
        var metadata = new JsonObject
        {
            ["x-amz-bedrock-kb-source-uri"] = uri,
            ["x-amz-bedrock-kb-chunk-id"] = $"chunk-{Math.Abs(StringComparer.Ordinal.GetHashCode(uri + text)) % 100000}",
            ["x-amz-bedrock-kb-data-source-id"] = "DSTEST",
            ["language"] = language,
            ["roles"] = new JsonArray("instructor", "staff"),
        };
        if (page is { } p)
        {
            metadata["x-amz-bedrock-kb-document-page-number"] = (double)p;
        }

        return new JsonObject
        {
            ["content"] = new JsonObject { ["text"] = text, ["type"] = "TEXT" },
            ["location"] = new JsonObject { ["type"] = "S3", ["s3Location"] = new JsonObject { ["uri"] = uri } },
            ["metadata"] = metadata,
            ["score"] = score,
        };
    }

    protected override async Task HandleAsync(HttpContext context, ReceivedRequest request)
    {
        if (request.Method != "POST" || request.RawTarget != $"/knowledgebases/{KnowledgeBaseId}/retrieve")
        {
            await JsonErrorAsync(context, 404, "ResourceNotFoundException", $"No knowledge base at {request.RawTarget}");
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject { ["retrievalResults"] = new JsonArray([.. Results.Select(r => r.DeepClone())]) }.ToJsonString());
    }
}

/// <summary>bedrock-agent's ingestion jobs on loopback: STARTING, then IN_PROGRESS for a few polls, then an end state.</summary>
public sealed class FakeBedrockAgent() : LoopbackAwsServer("bedrock")
{
    public const string DataSourceId = "DSTEST";
    private readonly ConcurrentDictionary<string, int> polls = new();

    public int PollsBeforeDone { get; set; } = 2;

    /// <summary>COMPLETE or FAILED.</summary>
    public string EndStatus { get; set; } = "COMPLETE";

    public int JobsStarted => polls.Count;

    /// <summary>When set, every call gets this AWS JSON error instead (an IAM refusal, a wrong data source…).</summary>
    public (int Status, string ErrorType, string Message)? Refusal { get; set; }

    private static string JobsPath => $"/knowledgebases/{FakeAgentRuntime.KnowledgeBaseId}/datasources/{DataSourceId}/ingestionjobs";

    protected override async Task HandleAsync(HttpContext context, ReceivedRequest request)
    {
        if (Refusal is { } refusal)
        {
            await JsonErrorAsync(context, refusal.Status, refusal.ErrorType, refusal.Message);
            return;
        }

        if (request.Method == "PUT" && request.RawTarget == JobsPath + "/")
        {
            var body = JsonNode.Parse(request.BodyText);
            if (body?["clientToken"] is null)
            {
                await JsonErrorAsync(context, 400, "ValidationException", "clientToken is required");
                return;
            }

            var id = $"JOB{polls.Count + 1:D4}";
            polls[id] = 0;
            await WriteJobAsync(context, id, "STARTING");
            return;
        }

        if (request.Method == "GET" && request.RawTarget.StartsWith(JobsPath + "/", StringComparison.Ordinal))
        {
            var id = request.RawTarget[(JobsPath.Length + 1)..];
            if (!polls.ContainsKey(id))
            {
                await JsonErrorAsync(context, 404, "ResourceNotFoundException", $"No ingestion job {id}");
                return;
            }

            var count = polls.AddOrUpdate(id, 1, (_, n) => n + 1);
            await WriteJobAsync(context, id, count >= PollsBeforeDone ? EndStatus : "IN_PROGRESS");
            return;
        }

        await JsonErrorAsync(context, 404, "UnknownOperationException", $"No route for {request.Method} {request.RawTarget}");
    }

    private static async Task WriteJobAsync(HttpContext context, string id, string status)
    {
        var job = new JsonObject
        {
            ["ingestionJobId"] = id,
            ["knowledgeBaseId"] = FakeAgentRuntime.KnowledgeBaseId,
            ["dataSourceId"] = DataSourceId,
            ["status"] = status,
            ["startedAt"] = "2026-01-01T00:00:00Z",
            ["updatedAt"] = "2026-01-01T00:00:01Z",
        };
        if (status == "FAILED")
        {
            job["failureReasons"] = new JsonArray("Unsupported file format");
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject { ["ingestionJob"] = job }.ToJsonString());
    }
}
