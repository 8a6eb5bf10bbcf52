namespace LearningNavigator.Cli.Load;

/// <summary>
/// One way of reaching the app as a simulated user. The load command is the same for every driver: it connects
/// N users, each asks questions back to back, and the driver reports when each token arrived.
/// </summary>
/// <remarks>
/// Drivers: <see cref="DomainLoadDriver"/> (the answer pipeline in-process, no transport),
/// <see cref="CircuitLoadDriver"/> (real Blazor Server circuits over SignalR) and <see cref="ApiLoadDriver"/>
/// (server-sent events from <c>POST /api/v1/conversations/{id}/messages</c> with API keys); a new one is added
/// to <see cref="LoadRunner"/>'s driver choice.
/// </remarks>
public interface ILoadDriver
{
    string Name { get; }

    /// <summary>Signs user <paramref name="index"/> (1-based) in and opens whatever it holds for the whole run.</summary>
    Task<ILoadUser> ConnectAsync(int index, CancellationToken cancellationToken);
}

public interface ILoadUser : IAsyncDisposable
{
    /// <summary>Asks one question and returns once the answer has finished streaming (or failed).</summary>
    Task AskAsync(string question, AnswerTiming timing, CancellationToken cancellationToken);
}
