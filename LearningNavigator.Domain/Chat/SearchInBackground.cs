namespace LearningNavigator.Chat;

/// <summary>
/// A search started ahead of the step that needs its result. However the run ends (an answer, a store that
/// failed first, a reader that went away) disposing stops the search and waits for it, so nothing outlives the
/// answer and no failure goes unobserved.
/// </summary>
internal sealed class SearchInBackground<T> : IAsyncDisposable
{
    private readonly CancellationTokenSource stop;

    internal SearchInBackground(Func<CancellationToken, Task<T>> search, CancellationToken cancellationToken)
    {
        stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // On the thread pool: a local search embeds the question on the calling thread before its first await,
        // which would otherwise run ahead of the store instead of beside it.
        var token = stop.Token;
        Result = Task.Run(() => search(token), CancellationToken.None);
    }

    public Task<T> Result { get; }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!Result.IsCompleted)
            {
                await stop.CancelAsync();
            }

            await Result.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Either the answer already handled this failure where it awaited the result, or something earlier (the
            // store) failed and is the error on its way out, which this must not replace.
        }
        finally
        {
            stop.Dispose();
        }
    }
}

/// <summary>Starts a <see cref="SearchInBackground{T}"/> with its type inferred.</summary>
internal static class SearchInBackground
{
    public static SearchInBackground<T> Start<T>(Func<CancellationToken, Task<T>> search, CancellationToken cancellationToken) =>
        new(search, cancellationToken);
}
