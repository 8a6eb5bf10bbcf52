using LearningNavigator.Knowledge.Local;

namespace LearningNavigator.Tests.Domain.Knowledge;

public sealed class BatchingLaneTests
{
    [Fact]
    public async Task Work_that_queues_up_is_run_in_batches_on_at_most_the_given_threads_and_each_caller_gets_its_own_result()
    {
        var batchSizes = new List<int>();
        var running = 0;
        var mostAtOnce = 0;
        var lane = new BatchingLane<int, int>("test lane", maxThreads: 2, maxBatch: 4, inputs =>
        {
            var now = Interlocked.Increment(ref running);
            lock (batchSizes)
            {
                batchSizes.Add(inputs.Length);
                mostAtOnce = Math.Max(mostAtOnce, now);
            }

            Thread.Sleep(20);
            Interlocked.Decrement(ref running);
            return [.. inputs.Select(i => i * 10)];
        });

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => lane.RunAsync(i, CancellationToken.None)).ToList());

        Assert.Equal(Enumerable.Range(0, 50).Select(i => i * 10), results);
        Assert.Equal(50, batchSizes.Sum());
        Assert.Equal(4, batchSizes.Max());
        Assert.InRange(mostAtOnce, 1, 2);
    }

    [Fact]
    public async Task A_failed_batch_fails_its_own_callers_and_the_lane_goes_on()
    {
        var lane = new BatchingLane<string, string>("test lane", maxThreads: 1, maxBatch: 1, inputs =>
            inputs[0] == "bad" ? throw new InvalidOperationException("model failed") : [inputs[0].ToUpperInvariant()]);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => lane.RunAsync("bad", CancellationToken.None));

        Assert.Equal("model failed", error.Message);
        Assert.Equal("GOOD", await lane.RunAsync("good", CancellationToken.None));
    }

    [Fact]
    public async Task Work_cancelled_while_it_waits_is_never_run()
    {
        using var firstStarted = new ManualResetEventSlim();
        using var releaseFirst = new ManualResetEventSlim();
        var seen = new List<int>();
        var lane = new BatchingLane<int, int>("test lane", maxThreads: 1, maxBatch: 4, inputs =>
        {
            lock (seen)
            {
                seen.AddRange(inputs);
            }

            firstStarted.Set();
            releaseFirst.Wait();
            return inputs;
        });

        var first = lane.RunAsync(1, CancellationToken.None);
        firstStarted.Wait();
        using var cancel = new CancellationTokenSource();
        var cancelled = lane.RunAsync(2, cancel.Token);
        var kept = lane.RunAsync(3, CancellationToken.None);
        await cancel.CancelAsync();
        releaseFirst.Set();

        Assert.Equal(1, await first);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(3, await kept);
        Assert.Equal([1, 3], seen);
    }
}
