using LearningNavigator.Conversations;
using LearningNavigator.Knowledge;

namespace LearningNavigator.Chat;

public sealed record AskRequest
{
    public required string UserId { get; init; }
    public required string Role { get; init; }
    /// <summary>An existing conversation of the user, or a new id to start one.</summary>
    public required string ConversationId { get; init; }
    public required string Text { get; init; }
    /// <summary>The interface language; the question's own language wins when it is clearly another.</summary>
    public string Language { get; init; } = "en";
    /// <summary>Client-chosen ids make a retried request land on the same rows instead of new ones.</summary>
    public string? UserMessageId { get; init; }
    public string? AssistantMessageId { get; init; }
}

/// <summary>What the pipeline reports, in order, while it answers.</summary>
public abstract record AnswerEvent;

/// <summary>The question passed validation and is stored; generation has not started.</summary>
public sealed record QuestionAccepted(Conversation Conversation, StoredMessage UserMessage, string AssistantMessageId) : AnswerEvent;

public sealed record PassagesRetrieved(IReadOnlyList<RetrievedPassage> Passages) : AnswerEvent;

/// <summary>The next piece of answer text, to append to what came before.</summary>
public sealed record AnswerDelta(string Text) : AnswerEvent;

/// <summary>The answer as stored, with citations and measurements. Last event of every run.</summary>
public sealed record AnswerCompleted(StoredMessage AssistantMessage) : AnswerEvent
{
    /// <summary>
    /// How far retrieval supports the answer; <see cref="StoredMessage.LowConfidence"/> is its verdict. A declined
    /// question is not low-confidence: it was refused on purpose, with somewhere else to go.
    /// </summary>
    public AnswerConfidence Confidence { get; init; } = AnswerConfidence.None;

    /// <summary>Where the time before the first word went; none for a declined question.</summary>
    public AnswerTimings? Timings { get; init; }
}

/// <summary>
/// Where an answer's time before its first word went, each part measured once, in milliseconds. What the app itself
/// added is the whole minus the two parts it waits on: the knowledge base and the model.
/// </summary>
/// <param name="AcceptedMs">From the call to the question being stored (limits, conversation, history, write).</param>
/// <param name="RetrievalMs">The knowledge base's search (on the embedded default, the query embedding and the index).</param>
/// <param name="ModelFirstTokenMs">From asking the model to its first text: the model's own time to first token.</param>
/// <param name="FirstTokenMs">From the call to the first answer text leaving the pipeline.</param>
public sealed record AnswerTimings(double AcceptedMs, double RetrievalMs, double? ModelFirstTokenMs, double? FirstTokenMs)
{
    /// <summary>
    /// How much longer the first word took than the search and the model alone would have, within the pipeline. The
    /// search runs while the question is stored, so storing that ends before the search costs nothing here and only
    /// storing that outlasts it counts: the time a person waits beyond what the knowledge base and the model take.
    /// </summary>
    public double? AppAddedMs =>
        FirstTokenMs is { } first && ModelFirstTokenMs is { } model ? Math.Round(first - RetrievalMs - model, 1) : null;

    public static AnswerTimings Of(TimeSpan accepted, TimeSpan retrieval, TimeSpan? modelFirstToken, TimeSpan? firstToken) =>
        new(Ms(accepted), Ms(retrieval), modelFirstToken is { } model ? Ms(model) : null, firstToken is { } first ? Ms(first) : null);

    // A tenth of a millisecond is finer than any of these varies between two answers.
    private static double Ms(TimeSpan span) => Math.Round(span.TotalMilliseconds, 1);
}
