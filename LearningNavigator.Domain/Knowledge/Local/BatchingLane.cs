namespace LearningNavigator.Knowledge.Local;

/// <summary>
/// Runs CPU-heavy work (a model's inference) on threads of its own, each taking whatever has queued up as one batch.
/// </summary>
/// <remarks>
/// Run on the thread pool, a question's 5–10 ms of model time holds one of a small server's few pool threads, and
/// every short piece of work behind it (a render, a stream write, a first word) waits that long. On threads of its
/// own the model shares the cores through the operating system's scheduler and the pool stays free for short work;
/// questions that arrive while a batch runs go into the next batch, which a model runs for less than the same
/// questions one by one. A thread ends when the lane has been idle for a moment, so an idle process holds none.
/// </remarks>
internal sealed class BatchingLane<TInput, TOutput>(string threadName, int maxThreads, int maxBatch, Func<TInput[], TOutput[]> process)
{
    private static readonly TimeSpan Linger = TimeSpan.FromSeconds(2);

    private readonly Queue<Item> pending = new();
    // Guarded by the queue's lock.
    private int threads;
    private int idleThreads;

    public Task<TOutput> RunAsync(TInput input, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<TOutput>(cancellationToken);
        }

        var item = new Item(input, new TaskCompletionSource<TOutput>(TaskCreationOptions.RunContinuationsAsynchronously), cancellationToken);
        lock (pending)
        {
            pending.Enqueue(item);
            if (idleThreads > 0)
            {
                Monitor.Pulse(pending);
            }
            else if (threads < maxThreads)
            {
                threads++;
                new Thread(Run) { IsBackground = true, Name = threadName }.Start();
            }
        }

        return item.Done.Task;
    }

    private void Run()
    {
        while (true)
        {
            var batch = new List<Item>(maxBatch);
            lock (pending)
            {
                while (pending.Count == 0)
                {
                    idleThreads++;
                    var woken = Monitor.Wait(pending, Linger);
                    idleThreads--;
                    if (!woken && pending.Count == 0)
                    {
                        threads--;
                        return;
                    }
                }

                while (batch.Count < maxBatch && pending.TryDequeue(out var next))
                {
                    if (next.CancellationToken.IsCancellationRequested)
                    {
                        next.Done.TrySetCanceled(next.CancellationToken);
                        continue;
                    }

                    batch.Add(next);
                }
            }

            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                var outputs = process([.. batch.Select(i => i.Input)]);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.TrySetResult(outputs[i]);
                }
            }
            catch (Exception ex)
            {
                foreach (var item in batch)
                {
                    item.Done.TrySetException(ex);
                }
            }
        }
    }

    private sealed record Item(TInput Input, TaskCompletionSource<TOutput> Done, CancellationToken CancellationToken);
}
