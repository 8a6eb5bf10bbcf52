using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using LearningNavigator.Generation.Bedrock;
using Microsoft.AspNetCore.Http;

namespace LearningNavigator.Tests.Fakes;

/// <summary>What one scripted answer of the fake holds.</summary>
public sealed record ScriptedStream
{
    public required IReadOnlyList<string> Pieces { get; init; }
    public int InputTokens { get; init; } = 40;
    public int OutputTokens { get; init; } = 12;
    public int CacheReadTokens { get; init; }
    public int CacheWriteTokens { get; init; } = 900;
    /// <summary>After this many text pieces an exception event of <see cref="ExceptionType"/> ends the stream.</summary>
    public int? FailAfterPieces { get; init; }
    public string ExceptionType { get; init; } = "modelStreamErrorException";
}

/// <summary>
/// Bedrock Runtime's InvokeModelWithResponseStream on loopback: real application/vnd.amazon.eventstream frames with
/// prelude and message CRCs, :event-type/:content-type/:message-type headers and base64 "bytes" chunks carrying
/// Anthropic's stream events; exception events mid-stream; AWS JSON errors before the stream.
/// </summary>
public sealed class FakeBedrockRuntime() : LoopbackAwsServer("bedrock")
{
    private readonly ConcurrentQueue<Func<HttpContext, string, Task>> script = new();

    public ScriptedStream DefaultStream { get; set; } = new() { Pieces = ["Listen ", "without ", "judgement ", "[1]."] };

    public void EnqueueError(int status, string errorType, string message) =>
        script.Enqueue((context, _) => JsonErrorAsync(context, status, errorType, message));

    public void EnqueueStream(ScriptedStream stream) => script.Enqueue((context, model) => StreamAsync(context, model, stream));

    /// <summary>Model ids taken from the request paths, in order.</summary>
    public IEnumerable<string> ModelIds => Requests.Select(r => Uri.UnescapeDataString(r.RawTarget.Split('/')[2]));

    protected override Task HandleAsync(HttpContext context, ReceivedRequest request)
    {
        var segments = request.RawTarget.Split('/');
        if (request.Method != "POST" || segments.Length != 4 || segments[1] != "model" || segments[3] != "invoke-with-response-stream")
        {
            return JsonErrorAsync(context, 404, "UnknownOperationException", $"No route for {request.Method} {request.RawTarget}");
        }

        var model = Uri.UnescapeDataString(segments[2]);
        return script.TryDequeue(out var next) ? next(context, model) : StreamAsync(context, model, DefaultStream);
    }

    private static async Task StreamAsync(HttpContext context, string model, ScriptedStream stream)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/vnd.amazon.eventstream";
        context.Response.Headers["x-amzn-bedrock-content-type"] = "application/json";
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();

        await ChunkAsync(context, new
        {
            type = "message_start",
            message = new
            {
                id = "msg_bdrk_01",
                type = "message",
                role = "assistant",
                model,
                content = Array.Empty<object>(),
                stop_reason = (string?)null,
                stop_sequence = (string?)null,
                usage = new
                {
                    input_tokens = stream.InputTokens,
                    cache_creation_input_tokens = stream.CacheWriteTokens,
                    cache_read_input_tokens = stream.CacheReadTokens,
                    output_tokens = 1,
                },
            },
        });
        await ChunkAsync(context, new { type = "content_block_start", index = 0, content_block = new { type = "text", text = "" } });
        for (var i = 0; i < stream.Pieces.Count; i++)
        {
            if (stream.FailAfterPieces == i)
            {
                await ExceptionAsync(context, stream.ExceptionType, "The model stopped unexpectedly.");
                return;
            }

            await ChunkAsync(context, new { type = "content_block_delta", index = 0, delta = new { type = "text_delta", text = stream.Pieces[i] } });
        }

        await ChunkAsync(context, new { type = "content_block_stop", index = 0 });
        // Bedrock's message_delta carries only the output count; input and cache counts came with message_start.
        await ChunkAsync(context, new { type = "message_delta", delta = new { stop_reason = "end_turn", stop_sequence = (string?)null }, usage = new { output_tokens = stream.OutputTokens } });
        await ChunkAsync(context, new Dictionary<string, object>
        {
            ["type"] = "message_stop",
            ["amazon-bedrock-invocationMetrics"] = new { inputTokenCount = stream.InputTokens, outputTokenCount = stream.OutputTokens, invocationLatency = 120, firstByteLatency = 40 },
        });
    }

    private static async Task ChunkAsync(HttpContext context, object anthropicEvent)
    {
        var bytes = Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(anthropicEvent));
        var payload = JsonSerializer.SerializeToUtf8Bytes(new { bytes, p = "abcdefghij" });
        var frame = AwsEventStream.Encode(
            new Dictionary<string, string> { [":event-type"] = "chunk", [":content-type"] = "application/json", [":message-type"] = "event" },
            payload);
        await context.Response.Body.WriteAsync(frame);
        await context.Response.Body.FlushAsync();
    }

    private static async Task ExceptionAsync(HttpContext context, string exceptionType, string message)
    {
        var frame = AwsEventStream.Encode(
            new Dictionary<string, string> { [":exception-type"] = exceptionType, [":content-type"] = "application/json", [":message-type"] = "exception" },
            Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { message })));
        await context.Response.Body.WriteAsync(frame);
        await context.Response.Body.FlushAsync();
    }
}
