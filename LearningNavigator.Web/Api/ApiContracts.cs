using System.ComponentModel;
using LearningNavigator.Chat;
using LearningNavigator.Conversations;

namespace LearningNavigator.Web.Api;

// The wire contract of /api/v1. Field names are camelCase JSON; ids are opaque strings.

public sealed record CreateConversationRequest
{
    [Description("Optional title (at most 200 characters); a new conversation is called \"New conversation\" otherwise.")]
    public string? Title { get; init; }
}

public sealed record AskQuestionRequest
{
    [Description("The question, 1 to 2000 characters.")]
    public string? Text { get; init; }

    [Description("\"en\" or \"es\": the language of the answer's interface text. A question clearly in the other language is answered in its own.")]
    public string? Language { get; init; }
}

public sealed record FeedbackRequest
{
    [Description("\"up\" or \"down\".")]
    public string? Rating { get; init; }

    [Description("Optional comment, at most 1000 characters.")]
    public string? Comment { get; init; }
}

public sealed record ConversationDto(string Id, string Title, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int MessageCount)
{
    public static ConversationDto From(Conversation c) => new(c.Id, c.Title, c.CreatedAt, c.UpdatedAt, c.MessageCount);
}

public sealed record ConversationPageDto(IReadOnlyList<ConversationDto> Items, string? ContinuationToken);

public sealed record CitationDto(int Number, string DocumentId, string Title, string Location, string Quote)
{
    public static CitationDto From(Citation c) => new(c.Number, c.DocumentId, c.Title, c.Location, c.Quote);
}

public sealed record MessageDto(
    string Id,
    [property: Description("\"user\" or \"assistant\".")] string Author,
    string Text,
    DateTimeOffset CreatedAt,
    string Language,
    IReadOnlyList<CitationDto> Citations,
    string? Model,
    bool LowConfidence,
    [property: Description("The answer stopped early (client disconnected, stop pressed, or the model failed); the text is what had streamed.")] bool Interrupted)
{
    public static MessageDto From(StoredMessage m) => new(
        m.Id,
        m.Author == MessageAuthor.User ? "user" : "assistant",
        m.Text,
        m.CreatedAt,
        m.Language,
        [.. m.Citations.Select(CitationDto.From)],
        m.Model,
        m.LowConfidence,
        m.Interrupted);
}

public sealed record MessagePageDto(IReadOnlyList<MessageDto> Items, string? ContinuationToken);

public sealed record FeedbackDto(string MessageId, string Rating, string? Comment);

// Payloads of the answer stream's events (see AnswerStream for the order).

public sealed record TextEvent(string Text);

public sealed record CitationsEvent(IReadOnlyList<CitationDto> Citations);

public sealed record UsageEvent(
    string? Model,
    int? InputTokens,
    int? OutputTokens,
    int? CacheReadTokens,
    int? CacheWriteTokens,
    decimal? EstimatedCostUsd,
    int? LatencyMs,
    int? TimeToFirstTokenMs,
    AnswerTimings? Timings = null,
    double? RequestFirstTokenMs = null);

public sealed record FollowUpsEvent(IReadOnlyList<string> Questions);

/// <param name="Cause">
/// When AWS failed the answer: throttled, accessDenied, modelNotEnabled, badConfiguration, serviceUnavailable or
/// streamFailed; null for any other failure.
/// </param>
public sealed record ErrorEvent(int Status, string Title, string Detail, string? Cause = null);

public sealed record DoneEvent(string ConversationId, string UserMessageId, string MessageId, bool Interrupted, bool LowConfidence);
