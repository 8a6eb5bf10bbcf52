using System.Diagnostics;
using System.Text;
using LearningNavigator.Conversations;
using Polly;
using Polly.Retry;

namespace LearningNavigator.Chat;

/// <summary>
/// How an answer reaches the store. Writes are idempotent, so a write that failed (a store hiccup) is simply
/// tried again; and an answer whose run ended early is still written, marked interrupted.
/// </summary>
internal static class AnswerPersistence
{
    // About 1.5 s of retries: long enough for a brief store outage, short enough not to hold a circuit.
    private static readonly ResiliencePipeline Retry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is not OperationCanceledException),
            MaxRetryAttempts = 4,
            Delay = TimeSpan.FromMilliseconds(100),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
        })
        .Build();

    /// <summary>Saves the message, retrying transient failures; never cancelled by the reader going away.</summary>
    public static Task SaveAsync(IConversationStore store, StoredMessage message) =>
        Retry.ExecuteAsync(static async (state, token) => await state.store.SaveMessageAsync(state.message, token), (store, message), CancellationToken.None).AsTask();
}

/// <summary>
/// Held by the pipeline from the moment a question is acknowledged until its answer is stored. If the run ends
/// before that (the reader stopped reading, the connection dropped, retrieval failed), disposing it stores what
/// had streamed as an interrupted answer, so an acknowledged question never ends without one.
/// </summary>
internal sealed class PendingAnswer(
    IConversationStore store, string id, string conversationId, string language, string role, StringBuilder text, TimeProvider time) : IAsyncDisposable
{
    private readonly long started = Stopwatch.GetTimestamp();

    public bool Stored { get; set; }

    /// <summary>The guardrails' verdict once known: an interrupted answer still counts in the safety figures.</summary>
    public SafetyFlags Safety { get; set; }

    public async ValueTask DisposeAsync()
    {
        if (!Stored)
        {
            await StoreInterruptedAsync();
        }
    }

    /// <summary>Stores what had streamed, marked interrupted, and returns it.</summary>
    public async Task<StoredMessage> StoreInterruptedAsync()
    {
        Stored = true;
        var message = new StoredMessage
        {
            Id = id,
            ConversationId = conversationId,
            Author = MessageAuthor.Assistant,
            Text = text.ToString(),
            CreatedAt = time.GetUtcNow(),
            Language = language,
            Role = role,
            LatencyMs = (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            LowConfidence = true,
            Interrupted = true,
            Safety = Safety,
        };
        await AnswerPersistence.SaveAsync(store, message);
        return message;
    }
}
