namespace LearningNavigator.Conversations.Sqlite;

/// <summary>
/// Runs one process's writes to a SQLite file one at a time: at once on the caller's thread when no other write is
/// running, otherwise queued for a thread that only writes.
/// </summary>
/// <remarks>
/// SQLite has one writer at a time. Waiting for it inside SQLite's busy handler sleeps on a thread-pool thread, and
/// an async gate hands the write lock to a continuation that must first wait its turn in the thread pool's queue:
/// on a busy server every hand-over then costs that queue's delay while the lock sits unused, and a chat question
/// waited tens of milliseconds behind a few answers being saved. Here the lock is never handed to a continuation:
/// a write that finds the file free runs straight away, and queued writes are run back to back by the writer
/// thread, whose callers are told afterwards. The thread ends when the queue has stayed empty for a moment, so an
/// idle store holds no thread and steady traffic does not start one per write.
/// </remarks>
internal sealed class SqliteWriteQueue(string threadName)
{
    private static readonly TimeSpan Linger = TimeSpan.FromSeconds(2);

    private readonly Queue<Action> pending = new();
    // Guarded by the queue's lock: whether a write is running, whether the writer thread has the turn, and whether
    // that thread exists.
    private bool writing;
    private bool writerThreadHasTurn;
    private bool writerThreadRunning;

    /// <summary>Runs <paramref name="write"/> when it is its turn, unless cancelled before that.</summary>
    public Task<T> RunAsync<T>(Func<T> write, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        lock (pending)
        {
            if (writing)
            {
                var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
                pending.Enqueue(() => done.TrySetFromTask(Attempt(write, cancellationToken)));
                return done.Task;
            }

            writing = true;
        }

        try
        {
            return Attempt(write, cancellationToken);
        }
        finally
        {
            lock (pending)
            {
                if (pending.Count == 0)
                {
                    writing = false;
                }
                else
                {
                    HandToWriterThread();
                }
            }
        }
    }

    private void HandToWriterThread()
    {
        writerThreadHasTurn = true;
        if (writerThreadRunning)
        {
            Monitor.Pulse(pending);
        }
        else
        {
            writerThreadRunning = true;
            new Thread(RunQueuedWrites) { IsBackground = true, Name = threadName }.Start();
        }
    }

    private void RunQueuedWrites()
    {
        while (true)
        {
            Action next;
            lock (pending)
            {
                while (!writerThreadHasTurn)
                {
                    if (!Monitor.Wait(pending, Linger) && !writerThreadHasTurn)
                    {
                        writerThreadRunning = false;
                        return;
                    }
                }

                next = pending.Dequeue();
            }

            next();
            lock (pending)
            {
                if (pending.Count == 0)
                {
                    writerThreadHasTurn = false;
                    writing = false;
                }
            }
        }
    }

    /// <summary>Runs the write unless it was cancelled before its turn; its outcome, never a throw.</summary>
    private static Task<T> Attempt<T>(Func<T> write, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        try
        {
            return Task.FromResult(write());
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }
        catch (Exception ex)
        {
            return Task.FromException<T>(ex);
        }
    }
}
