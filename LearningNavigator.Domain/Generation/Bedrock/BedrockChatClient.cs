using System.Runtime.CompilerServices;
using System.Text.Json;
using Anthropic.Bedrock;
using Anthropic.Models.Messages;
using LearningNavigator.Aws;
using Microsoft.Extensions.AI;
using Polly;
using Polly.Retry;

namespace LearningNavigator.Generation.Bedrock;

/// <summary>
/// Claude on Bedrock through Anthropic's own IChatClient adapter, with what the product adds on top: the role
/// prompt marked as a cacheable block, the passages as a separate block, the routed model, and retries with
/// back-off and jitter for as long as no answer text has arrived. After the first token a failure is final:
/// the pipeline keeps the partial answer.
/// </summary>
public sealed class BedrockChatClient(IChatClient anthropic, string defaultModelId, int defaultMaxOutputTokens, ResiliencePipeline beforeFirstToken)
    : DelegatingChatClient(anthropic)
{
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var prepared = Prepare(messages);
        var preparedOptions = Prepare(options);
        return await beforeFirstToken.ExecuteAsync(
            async token => await base.GetResponseAsync(prepared, preparedOptions, token), cancellationToken);
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var prepared = Prepare(messages);
        var preparedOptions = Prepare(options);

        // Updates before the first text (message_start) are held back, so a retried attempt leaves no trace.
        var (stream, held, hasMore) = await beforeFirstToken.ExecuteAsync(
            async token => await OpenUntilFirstTextAsync(prepared, preparedOptions, cancellationToken), cancellationToken);
        await using (stream)
        {
            foreach (var update in held)
            {
                yield return update;
            }

            while (hasMore && await stream.MoveNextAsync())
            {
                yield return stream.Current;
            }
        }
    }

    /// <summary>The standard retry for Bedrock: throttling, 5xx and network failures; bounded; exponential with jitter.</summary>
    public static ResiliencePipeline CreateRetryPipeline(int maxRetries, TimeSpan baseDelay)
    {
        var builder = new ResiliencePipelineBuilder();
        if (maxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = maxRetries,
                Delay = baseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
            });
        }

        return builder.Build();
    }

    internal static bool IsTransient(Exception exception) =>
        AwsFailureOf(exception) is AwsFailure.Throttled or AwsFailure.ServiceUnavailable
        || exception is HttpRequestException;

    /// <summary>The AWS cause of a failure, looking through the wrappers the SDK may add.</summary>
    public static AwsFailure? AwsFailureOf(Exception? exception) => AwsExceptionOf(exception)?.Failure;

    public static AwsRequestException? AwsExceptionOf(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is AwsRequestException aws)
            {
                return aws;
            }
        }

        return null;
    }

    private async Task<(IAsyncEnumerator<ChatResponseUpdate> Stream, List<ChatResponseUpdate> Held, bool HasMore)> OpenUntilFirstTextAsync(
        IList<ChatMessage> messages, ChatOptions options, CancellationToken cancellationToken)
    {
        var stream = base.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        var held = new List<ChatResponseUpdate>();
        try
        {
            while (await stream.MoveNextAsync())
            {
                held.Add(stream.Current);
                if (!string.IsNullOrEmpty(stream.Current.Text))
                {
                    return (stream, held, true);
                }
            }

            return (stream, held, false);
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    private ChatOptions Prepare(ChatOptions? options)
    {
        var prepared = options?.Clone() ?? new ChatOptions();
        prepared.ModelId ??= defaultModelId;

        // Anthropic's SDK (13.12) has no temperature any more, and its adapter drops ChatOptions.Temperature;
        // Claude on Bedrock still honours it, so a raw request template carries it.
        var body = new Dictionary<string, JsonElement>
        {
            ["model"] = JsonSerializer.SerializeToElement(prepared.ModelId),
            ["max_tokens"] = JsonSerializer.SerializeToElement(prepared.MaxOutputTokens ?? defaultMaxOutputTokens),
            ["messages"] = JsonSerializer.SerializeToElement(Array.Empty<object>()),
        };
        if (prepared.Temperature is { } temperature)
        {
            body["temperature"] = JsonSerializer.SerializeToElement(temperature);
        }

        var empty = new Dictionary<string, JsonElement>();
        prepared.RawRepresentationFactory = _ => MessageCreateParams.FromRawUnchecked(empty, empty, body);

        // The passages ride in the prompt's sources block; the object itself must not reach the wire.
        prepared.AdditionalProperties?.Remove(GroundingContext.PassagesKey);
        return prepared;
    }

    /// <summary>The first system message (the role prompt, the same for every question of a role) becomes a cache breakpoint.</summary>
    private static List<ChatMessage> Prepare(IEnumerable<ChatMessage> messages)
    {
        var prepared = new List<ChatMessage>();
        var marked = false;
        foreach (var message in messages)
        {
            if (!marked && message.Role == ChatRole.System)
            {
                var text = new TextContent(message.Text).WithCacheControl(new CacheControlEphemeral());
                prepared.Add(new ChatMessage(ChatRole.System, [text]));
                marked = true;
                continue;
            }

            prepared.Add(message);
        }

        return prepared;
    }
}

/// <summary>
/// Anthropic.Bedrock signs in its credentials object; here signing happens in the HttpClient's pipeline instead, so
/// every retry is signed afresh with the standard AWS credential chain and session tokens are honoured.
/// </summary>
internal sealed class PipelineSignedCredentials(string region) : IAnthropicBedrockCredentials
{
    public string Region => region;

    public Task Apply(HttpRequestMessage requestMessage) => Task.CompletedTask;
}
