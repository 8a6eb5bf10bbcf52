using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Generation;

/// <summary>
/// The offline generator: answers the last user message by quoting the passages attached with
/// <see cref="GroundingContext.WithPassages"/>, each quote followed by its [n] marker, and says it does not
/// know when nothing in them is relevant enough. Streams word by word like a hosted model.
/// </summary>
public sealed partial class ExtractiveChatClient(IOptions<ExtractiveAnswererOptions> options) : IChatClient
{
    public const string ProviderName = "extractive";
    public const string ModelId = "extractive-v1";

    private static readonly ChatClientMetadata Metadata = new(ProviderName, providerUri: null, defaultModelId: ModelId);

    private readonly ExtractiveAnswererOptions _options = options.Value;

    [GeneratedRegex(@"\S+\s*")]
    private static partial Regex WordWithTrailingSpaceRegex();

    [GeneratedRegex(@"\S+")]
    private static partial Regex WordRegex();

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        cancellationToken.ThrowIfCancellationRequested();

        var history = messages.ToList();
        var passages = GroundingContext.GetPassages(options);
        var question = history.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? string.Empty;
        var answer = ExtractiveAnswerComposer.Compose(question, passages, _options);

        var responseId = "extractive-" + Guid.NewGuid().ToString("N");
        var messageId = "msg-" + Guid.NewGuid().ToString("N");
        var createdAt = DateTimeOffset.UtcNow;

        var first = true;
        foreach (Match word in WordWithTrailingSpaceRegex().Matches(answer))
        {
            if (!first && _options.WordDelay > TimeSpan.Zero)
            {
                await Task.Delay(_options.WordDelay, cancellationToken).ConfigureAwait(false);
            }

            cancellationToken.ThrowIfCancellationRequested();
            first = false;
            yield return NewUpdate(responseId, messageId, createdAt, [new TextContent(word.Value)]);
        }

        // The prompt a hosted model would see is the conversation plus the passages, so count both.
        var inputWords = history.Sum(m => CountWords(m.Text)) + passages.Sum(p => CountWords(p.Text));
        var outputWords = CountWords(answer);
        var usage = new UsageDetails
        {
            InputTokenCount = inputWords,
            OutputTokenCount = outputWords,
            TotalTokenCount = inputWords + outputWords,
        };
        var last = NewUpdate(responseId, messageId, createdAt, [new UsageContent(usage)]);
        last.FinishReason = ChatFinishReason.Stop;
        yield return last;
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        return serviceType == typeof(ChatClientMetadata) ? Metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    public void Dispose()
    {
        // Nothing to release: the client holds no connections or handles.
    }

    private static ChatResponseUpdate NewUpdate(string responseId, string messageId, DateTimeOffset createdAt, IList<AIContent> contents) =>
        new(ChatRole.Assistant, contents)
        {
            ResponseId = responseId,
            MessageId = messageId,
            ModelId = ModelId,
            CreatedAt = createdAt,
        };

    private static int CountWords(string? text) => string.IsNullOrEmpty(text) ? 0 : WordRegex().Count(text);
}
