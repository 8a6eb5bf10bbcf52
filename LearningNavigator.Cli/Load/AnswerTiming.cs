using System.Diagnostics;

namespace LearningNavigator.Cli.Load;

/// <summary>What one answer looked like from the client's side: when it was asked and when each token arrived.</summary>
public sealed class AnswerTiming
{
    private long? lastToken;

    public long Sent { get; private set; } = Stopwatch.GetTimestamp();

    /// <summary>The question leaves now (a client that first waited for its page to settle calls this).</summary>
    public void MarkSent() => Sent = Stopwatch.GetTimestamp();

    public double? FirstTokenMs { get; private set; }

    public double? TotalMs { get; private set; }

    /// <summary>Time between two consecutive arrivals of answer text.</summary>
    public List<double> GapsMs { get; } = [];

    public int Tokens { get; private set; }

    public bool Completed { get; private set; }

    public string? Error { get; private set; }

    /// <summary>Answer text arrived (one token, or several the transport delivered together).</summary>
    public void Token(int count = 1)
    {
        var now = Stopwatch.GetTimestamp();
        if (lastToken is { } previous)
        {
            GapsMs.Add(Stopwatch.GetElapsedTime(previous, now).TotalMilliseconds);
        }
        else
        {
            FirstTokenMs = Stopwatch.GetElapsedTime(Sent, now).TotalMilliseconds;
        }

        lastToken = now;
        Tokens += count;
    }

    /// <summary>The server's retrieval time for this answer (query embedding and search on the embedded default).</summary>
    public double? RetrievalMs { get; private set; }

    /// <summary>The model's own time to its first token, as the server measured it.</summary>
    public double? ModelFirstTokenMs { get; private set; }

    /// <summary>
    /// What the app added before the first token as this client saw it: everything but the knowledge base and the
    /// model (transport, queueing, sign-in checks, limits, storage, guardrails, prompt, rendering).
    /// </summary>
    public double? AppAddedMs => FirstTokenMs - RetrievalMs - ModelFirstTokenMs;

    /// <summary>
    /// From the question reaching the server to its first word sent on: the API from the request's arrival, a circuit
    /// from the question reaching the page (after SignalR has read and dispatched it).
    /// </summary>
    public double? RequestFirstTokenMs { get; private set; }

    /// <summary>
    /// What the app added as the server itself measured it: the same parts as <see cref="AppAddedMs"/> but without
    /// the network and the simulated users' own waits for a core, which share this machine with the server.
    /// </summary>
    public double? ServerAppAddedMs => RequestFirstTokenMs - RetrievalMs - ModelFirstTokenMs;

    public void ServerMeasured(double retrievalMs, double? modelFirstTokenMs, double? requestFirstTokenMs = null)
    {
        RetrievalMs = retrievalMs;
        ModelFirstTokenMs = modelFirstTokenMs;
        RequestFirstTokenMs = requestFirstTokenMs;
    }

    public void Complete()
    {
        TotalMs = Stopwatch.GetElapsedTime(Sent).TotalMilliseconds;
        Completed = true;
    }

    public void Fail(string error)
    {
        TotalMs = Stopwatch.GetElapsedTime(Sent).TotalMilliseconds;
        Error = error;
    }
}
