using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Generation;

/// <summary>
/// Settings of the paced fake model (section "Generation:Paced"), a load-testing aid: it stands in for a slow
/// hosted model so the app's own cost can be measured apart from a model's.
/// </summary>
public sealed class PacedOptions
{
    public const string SectionName = "Generation:Paced";

    /// <summary>Fixed pause between two streamed tokens.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10", ErrorMessage = "Generation:Paced:TokenDelay must be between 00:00:00 and 00:00:10.")]
    public TimeSpan TokenDelay { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Pause before the first token, as a hosted model's own time to first token.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00", ErrorMessage = "Generation:Paced:FirstTokenDelay must be between 00:00:00 and 00:01:00.")]
    public TimeSpan FirstTokenDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Tokens in every answer (one word and its trailing space each).</summary>
    [Range(1, 100_000, ErrorMessage = "Generation:Paced:Tokens must be between 1 and 100,000.")]
    public int Tokens { get; set; } = 120;
}

/// <summary>
/// A fake model that streams <see cref="PacedOptions.Tokens"/> words of the first retrieved passage (or filler
/// when there is none) at a fixed pace, citing [1]. Pacing follows a schedule from the start of the answer rather
/// than sleeping a fixed time after each token, so a late token does not push all later ones back: the gaps a
/// client sees are the app's doing, not the fake model's drift.
/// </summary>
public sealed class PacedChatClient(IOptions<PacedOptions> options) : IChatClient
{
    public const string ModelId = "paced-v1";

    private static readonly ChatClientMetadata Metadata = new("paced", providerUri: null, defaultModelId: ModelId);
    private static readonly string[] Filler = ["the", "course", "covers", "how", "to", "notice", "listen", "and", "support", "a", "person", "in", "distress"];

    private readonly PacedOptions pace = options.Value;

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var passages = GroundingContext.GetPassages(options);
        var words = passages.Count > 0
            ? passages[0].Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            : Filler;
        if (words.Length == 0)
        {
            words = Filler;
        }

        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < pace.Tokens; i++)
        {
            var due = pace.FirstTokenDelay + (pace.TokenDelay * i);
            var wait = due - Stopwatch.GetElapsedTime(started);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }

            cancellationToken.ThrowIfCancellationRequested();
            var last = i == pace.Tokens - 1;
            var text = words[i % words.Length] + (last && passages.Count > 0 ? " [1]" : " ");
            yield return new ChatResponseUpdate(ChatRole.Assistant, text) { ModelId = ModelId };
        }

        yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(new UsageDetails { OutputTokenCount = pace.Tokens })])
        {
            ModelId = ModelId,
            FinishReason = ChatFinishReason.Stop,
        };
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? Metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    public void Dispose()
    {
        // Holds nothing.
    }
}
