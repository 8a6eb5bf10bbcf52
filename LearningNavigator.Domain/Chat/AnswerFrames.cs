using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Text;
using System.Threading.Channels;

namespace LearningNavigator.Chat;

/// <summary>
/// Hands an answer to a screen in frames: text that arrives within one frame reaches the consumer as one delta.
/// </summary>
/// <remarks>
/// A model sends a word every few milliseconds, and each event a Blazor page consumes costs a hop onto its
/// circuit's dispatcher. Nobody reads faster than a frame, so the answer is read on the thread pool and the page
/// wakes once per frame instead of once per word. The first text and every other event go through at once, in
/// their original order, and the consumer's cancellation reaches the source exactly as if it read it directly.
/// </remarks>
public static class AnswerFrames
{
    public static async IAsyncEnumerable<AnswerEvent> InFramesAsync(
        this IAsyncEnumerable<AnswerEvent> source,
        TimeSpan frame,
        TimeProvider time,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(time);
        var events = Channel.CreateUnbounded<AnswerEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ExceptionDispatchInfo? failure = null;
        var reading = Task.Run(
            async () =>
            {
                try
                {
                    await foreach (var next in source.WithCancellation(abandon.Token).ConfigureAwait(false))
                    {
                        events.Writer.TryWrite(next);
                    }
                }
                catch (Exception ex)
                {
                    failure = ExceptionDispatchInfo.Capture(ex);
                }
                finally
                {
                    events.Writer.TryComplete();
                }
            },
            CancellationToken.None);

        try
        {
            var pending = new StringBuilder();
            long? lastText = null;
            // Not cancellable on purpose: a cancelled source still ends its run (it stores the partial answer and
            // reports it), and the consumer sees that end, as it would reading the source itself.
            while (await events.Reader.WaitToReadAsync(CancellationToken.None))
            {
                if (lastText is { } shown && events.Reader.TryPeek(out var head) && head is AnswerDelta
                    && frame - time.GetElapsedTime(shown) is { Ticks: > 0 } untilNextFrame)
                {
                    await Task.Delay(untilNextFrame, time, CancellationToken.None);
                }

                while (events.Reader.TryRead(out var next))
                {
                    if (next is AnswerDelta delta)
                    {
                        pending.Append(delta.Text);
                        continue;
                    }

                    if (pending.Length > 0)
                    {
                        yield return Take(pending);
                        lastText = time.GetTimestamp();
                    }

                    yield return next;
                }

                if (pending.Length > 0)
                {
                    yield return Take(pending);
                    lastText = time.GetTimestamp();
                }
            }

            failure?.Throw();
        }
        finally
        {
            // A consumer that stops early must not leave the source running unobserved: stop it and let it finish
            // (the pipeline stores what it has) before returning.
            await abandon.CancelAsync();
            await reading;
        }
    }

    private static AnswerDelta Take(StringBuilder pending)
    {
        var text = pending.ToString();
        pending.Clear();
        return new AnswerDelta(text);
    }
}
