using System.Runtime.CompilerServices;
using LearningNavigator.Chat;
using LearningNavigator.Conversations;
using Microsoft.Extensions.Time.Testing;

namespace LearningNavigator.Tests.Domain.Chat;

public sealed class AnswerFramesTests
{
    private static readonly TimeSpan Frame = TimeSpan.FromMilliseconds(50);
    // Guards against a hang only: nothing here measures speed.
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(20);

    private readonly FakeTimeProvider time = new();

    /// <summary>The next frame, failing the test on a hang instead of stalling it.</summary>
    private static Task<bool> NextFrameAsync(IAsyncEnumerator<AnswerEvent> frames) => frames.MoveNextAsync().AsTask().WaitAsync(Hang);

    [Fact]
    public async Task First_text_goes_at_once_and_text_within_a_frame_arrives_as_one_delta_before_the_event_behind_it()
    {
        using var source = new ScriptedAnswer();
        await using var frames = source.ReadAsync(CancellationToken.None).InFramesAsync(Frame, time, CancellationToken.None).GetAsyncEnumerator();

        source.Next(new AnswerDelta("Assess "));
        Assert.True(await NextFrameAsync(frames));
        Assert.Equal("Assess ", Assert.IsType<AnswerDelta>(frames.Current).Text);

        var second = frames.MoveNextAsync().AsTask();
        await source.NextAsync(new AnswerDelta("for risk "), new AnswerDelta("of suicide."), Completed());
        Assert.False(second.IsCompleted, "text inside the frame waits for the frame");
        Assert.True(await AdvanceUntilAsync(second));
        Assert.Equal("for risk of suicide.", Assert.IsType<AnswerDelta>(frames.Current).Text);
        Assert.True(await NextFrameAsync(frames));
        Assert.IsType<AnswerCompleted>(frames.Current);

        source.End();
        Assert.False(await NextFrameAsync(frames));
    }

    [Fact]
    public async Task Events_other_than_text_are_not_held_back_by_a_frame()
    {
        using var source = new ScriptedAnswer();
        await using var frames = source.ReadAsync(CancellationToken.None).InFramesAsync(Frame, time, CancellationToken.None).GetAsyncEnumerator();

        source.Next(new AnswerDelta("Listen."));
        Assert.True(await NextFrameAsync(frames));
        source.Next(new PassagesRetrieved([]));
        Assert.True(await NextFrameAsync(frames));
        Assert.IsType<PassagesRetrieved>(frames.Current);
    }

    [Fact]
    public async Task A_failure_reaches_the_reader_after_the_text_before_it_as_the_same_exception()
    {
        await using var frames = FailsAfterText().InFramesAsync(Frame, time, CancellationToken.None).GetAsyncEnumerator();

        Assert.True(await NextFrameAsync(frames));
        Assert.Equal("Partial", Assert.IsType<AnswerDelta>(frames.Current).Text);
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => NextFrameAsync(frames));
        Assert.Equal("model stream broke", failure.Message);
    }

    [Fact]
    public async Task Cancelling_reaches_the_source_and_the_reader_still_sees_how_the_source_ended()
    {
        using var cancellation = new CancellationTokenSource();
        var stopped = new TaskCompletionSource();
        await using var frames = StopsWhenCancelled(stopped).InFramesAsync(Frame, time, cancellation.Token).GetAsyncEnumerator();

        Assert.True(await NextFrameAsync(frames));
        await cancellation.CancelAsync();
        Assert.True(await NextFrameAsync(frames));
        Assert.True(Assert.IsType<AnswerCompleted>(frames.Current).AssistantMessage.Interrupted);
        Assert.True(stopped.Task.IsCompleted);
    }

    [Fact]
    public async Task A_reader_that_stops_early_stops_the_source_and_waits_for_it_to_finish()
    {
        var cleanedUp = false;
        var frames = Endless(() => cleanedUp = true).InFramesAsync(Frame, time, CancellationToken.None).GetAsyncEnumerator();
        Assert.True(await NextFrameAsync(frames));

        await frames.DisposeAsync().AsTask().WaitAsync(Hang);

        Assert.True(cleanedUp);
    }

    /// <summary>
    /// Moves the clock a frame at a time until <paramref name="pending"/> completes: the reader may read the clock
    /// just before a move and set its timer just after, and then it needs one more frame.
    /// </summary>
    private async Task<T> AdvanceUntilAsync<T>(Task<T> pending)
    {
        for (var frames = 0; !pending.IsCompleted && frames < 400; frames++)
        {
            time.Advance(Frame);
            await Task.WhenAny(pending, Task.Delay(TimeSpan.FromMilliseconds(50)));
        }

        return await pending.WaitAsync(Hang);
    }

    private static AnswerCompleted Completed(bool interrupted = false) => new(new StoredMessage
    {
        Id = "a1",
        ConversationId = "c1",
        Author = MessageAuthor.Assistant,
        Text = "Assess for risk of suicide.",
        CreatedAt = DateTimeOffset.UnixEpoch,
        Interrupted = interrupted,
    });

    private static async IAsyncEnumerable<AnswerEvent> FailsAfterText()
    {
        yield return new AnswerDelta("Partial");
        await Task.Yield();
        throw new InvalidOperationException("model stream broke");
    }

    private static async IAsyncEnumerable<AnswerEvent> StopsWhenCancelled(TaskCompletionSource stopped, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        yield return new AnswerDelta("Partial");
        var interrupted = false;
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            interrupted = true;
            stopped.SetResult();
        }

        // Like the pipeline: a cancelled run still stores and reports its partial answer.
        yield return Completed(interrupted);
    }

    private static async IAsyncEnumerable<AnswerEvent> Endless(Action cleanUp, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        try
        {
            while (true)
            {
                yield return new AnswerDelta("word ");
                await Task.Delay(TimeSpan.FromMilliseconds(1), cancellationToken);
            }
        }
        finally
        {
            cleanUp();
        }
    }

    /// <summary>A source the test feeds step by step, and that says when what it was fed has been handed on.</summary>
    private sealed class ScriptedAnswer : IDisposable
    {
        private readonly SemaphoreSlim fed = new(0);
        private readonly SemaphoreSlim handedOn = new(0);
        private readonly Queue<AnswerEvent?> script = new();

        public void Next(params AnswerEvent[] events)
        {
            lock (script)
            {
                foreach (var next in events)
                {
                    script.Enqueue(next);
                }
            }

            fed.Release(events.Length);
        }

        /// <summary>Feeds the events and returns once the reader of this source has taken every one of them.</summary>
        public async Task NextAsync(params AnswerEvent[] events)
        {
            Next(events);
            foreach (var _ in events)
            {
                Assert.True(await handedOn.WaitAsync(Hang));
            }
        }

        public void Dispose()
        {
            fed.Dispose();
            handedOn.Dispose();
        }

        public void End()
        {
            lock (script)
            {
                script.Enqueue(null);
            }

            fed.Release();
        }

        public async IAsyncEnumerable<AnswerEvent> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            while (true)
            {
                await fed.WaitAsync(cancellationToken);
                AnswerEvent? next;
                lock (script)
                {
                    next = script.Dequeue();
                }

                if (next is null)
                {
                    yield break;
                }

                yield return next;
                // The reader asks for more only once it has put this one where it keeps it.
                handedOn.Release();
            }
        }
    }
}
