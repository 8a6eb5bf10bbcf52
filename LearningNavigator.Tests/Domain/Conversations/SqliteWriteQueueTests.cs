using LearningNavigator.Conversations.Sqlite;

namespace LearningNavigator.Tests.Domain.Conversations;

public sealed class SqliteWriteQueueTests
{
    [Fact]
    public async Task Concurrent_writes_run_one_at_a_time_and_each_caller_gets_its_own_result()
    {
        var queue = new SqliteWriteQueue("test writer");
        var running = 0;
        var overlaps = 0;
        var writes = Enumerable.Range(0, 200).Select(i => Task.Run(() => queue.RunAsync(
            () =>
            {
                if (Interlocked.Increment(ref running) > 1)
                {
                    Interlocked.Increment(ref overlaps);
                }

                Thread.SpinWait(20_000);
                Interlocked.Decrement(ref running);
                return i;
            },
            CancellationToken.None))).ToList();

        var results = await Task.WhenAll(writes);

        Assert.Equal(0, overlaps);
        Assert.Equal(Enumerable.Range(0, 200), results);
    }

    [Fact]
    public async Task A_failing_write_fails_only_its_caller_and_the_writes_queued_behind_it_still_run()
    {
        var queue = new SqliteWriteQueue("test writer");
        using var releaseFirst = new ManualResetEventSlim();
        var first = StartBlockedWrite(queue, "first", releaseFirst);

        // Both queue behind the first, so they run on the writer thread.
        var failing = queue.RunAsync<string>(() => throw new InvalidOperationException("constraint failed"), CancellationToken.None);
        var after = queue.RunAsync(() => "after", CancellationToken.None);
        releaseFirst.Set();

        Assert.Equal("first", await first);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        Assert.Equal("constraint failed", error.Message);
        Assert.Equal("after", await after);
    }

    [Fact]
    public async Task A_write_cancelled_while_it_waits_for_its_turn_never_runs()
    {
        var queue = new SqliteWriteQueue("test writer");
        using var releaseFirst = new ManualResetEventSlim();
        var first = StartBlockedWrite(queue, 1, releaseFirst);

        using var cancel = new CancellationTokenSource();
        var ran = false;
        var cancelled = queue.RunAsync(
            () =>
            {
                ran = true;
                return 2;
            },
            cancel.Token);
        await cancel.CancelAsync();
        releaseFirst.Set();

        Assert.Equal(1, await first);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.False(ran);
        // The queue is still usable: the next write runs.
        Assert.Equal(3, await queue.RunAsync(() => 3, CancellationToken.None));
    }

    [Fact]
    public async Task A_write_that_finds_the_file_free_runs_on_the_callers_thread()
    {
        var queue = new SqliteWriteQueue("test writer");
        var caller = Environment.CurrentManagedThreadId;

        var writer = await queue.RunAsync(() => Environment.CurrentManagedThreadId, CancellationToken.None);

        Assert.Equal(caller, writer);
    }

    /// <summary>Starts a write on another thread that holds the file until <paramref name="release"/> is set; returns once it runs.</summary>
    private static Task<T> StartBlockedWrite<T>(SqliteWriteQueue queue, T result, ManualResetEventSlim release)
    {
        using var running = new ManualResetEventSlim();
        var write = Task.Run(() => queue.RunAsync(
            () =>
            {
                running.Set();
                release.Wait();
                return result;
            },
            CancellationToken.None));
        running.Wait();
        return write;
    }
}
