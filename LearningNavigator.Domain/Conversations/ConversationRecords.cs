namespace LearningNavigator.Conversations;

public sealed record UserProfile
{
    public required string Id { get; init; }
    public required string Email { get; init; }
    public required string DisplayName { get; init; }
    public required string Role { get; init; }
    public string PreferredLanguage { get; init; } = "en";
}

public sealed record Conversation
{
    public required string Id { get; init; }
    public required string UserId { get; init; }
    public required string Title { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public int MessageCount { get; init; }
}

public enum MessageAuthor
{
    User,
    Assistant,
}

/// <summary>A numbered source an answer leans on: [Number] in the text points here.</summary>
public sealed record Citation
{
    public required int Number { get; init; }
    public required string ChunkId { get; init; }
    public required string DocumentId { get; init; }
    public required string Title { get; init; }
    public string Location { get; init; } = string.Empty;
    /// <summary>The whole passage as retrieved.</summary>
    public required string PassageText { get; init; }
    /// <summary>The part of the passage the answer drew on, highlighted in the passage panel.</summary>
    public string Quote { get; init; } = string.Empty;
    public int StartOffset { get; init; }
    public int EndOffset { get; init; }
}

public sealed record StoredMessage
{
    public required string Id { get; init; }
    public required string ConversationId { get; init; }
    public required MessageAuthor Author { get; init; }
    public required string Text { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public string Language { get; init; } = "en";
    /// <summary>
    /// Role of the person who asked, at the time (the role of a conversation's owner can change later).
    /// Daily usage is counted per role; null counts under <see cref="DailyUsage.UnknownRole"/>.
    /// </summary>
    public string? Role { get; init; }
    public IReadOnlyList<Citation> Citations { get; init; } = [];
    public string? Model { get; init; }
    public int? InputTokens { get; init; }
    public int? OutputTokens { get; init; }
    /// <summary>Prompt tokens served from the provider's prompt cache.</summary>
    public int? CacheReadTokens { get; init; }
    /// <summary>Prompt tokens written to the provider's prompt cache.</summary>
    public int? CacheWriteTokens { get; init; }
    /// <summary>From the configured price table; null when the model has no price.</summary>
    public decimal? EstimatedCostUsd { get; init; }
    public int? LatencyMs { get; init; }
    public int? TimeToFirstTokenMs { get; init; }
    /// <summary>No retrieved passage was good enough: the answer says so and offers a person.</summary>
    public bool LowConfidence { get; init; }
    /// <summary>The stream stopped before the end (user pressed stop, or the model failed mid-answer).</summary>
    public bool Interrupted { get; init; }
    /// <summary>Which guardrails the question behind this answer set off; counted, never stored as text.</summary>
    public SafetyFlags Safety { get; init; }
}

/// <summary>Guardrail interventions on one answer (its question), as the daily usage counts them.</summary>
[Flags]
public enum SafetyFlags
{
    None = 0,
    Crisis = 1,
    MedicalRefusal = 2,
    OutOfScope = 4,
    PromptInjection = 8,
}

public enum FeedbackRating
{
    Down = -1,
    Up = 1,
}

public sealed record MessageFeedback
{
    public required string MessageId { get; init; }
    public required string UserId { get; init; }
    public required FeedbackRating Rating { get; init; }
    public string? Comment { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
}
