using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LearningNavigator.Tests.Faults;

/// <summary>A model whose stream breaks (a dropped connection) after some tokens, for every n-th answer.</summary>
public sealed class BreakingChatClient(IChatClient inner) : DelegatingChatClient(inner)
{
    private int streams;
    private int breaks;

    /// <summary>0 = never break; n = break every n-th stream.</summary>
    public int BreakEvery { get; set; }

    public int BreakAfterTokens { get; set; } = 8;

    public int Breaks => Volatile.Read(ref breaks);

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var number = Interlocked.Increment(ref streams);
        var breakHere = BreakEvery > 0 && number % BreakEvery == 0;
        var tokens = 0;
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken))
        {
            if (breakHere && ++tokens > BreakAfterTokens)
            {
                Interlocked.Increment(ref breaks);
                throw new IOException("The model connection dropped mid-answer (injected fault).");
            }

            yield return update;
        }
    }
}
