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
}
