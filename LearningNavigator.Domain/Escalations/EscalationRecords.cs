using System.Text.Json.Serialization;
using LearningNavigator.Conversations;

namespace LearningNavigator.Escalations;

/// <summary>Where an escalation is in the admin's queue. The only moves are forward: see <see cref="EscalationTransitions"/>.</summary>
public enum EscalationStatus
{
    New,
    InProgress,
    Resolved,
}

/// <summary>Why a person was asked to step in.</summary>
public enum EscalationReason
{
    /// <summary>The asker pressed "Ask a person" on an answer the retriever was confident about.</summary>
    UserRequest,
    /// <summary>The answer said no passage was good enough, and the asker took up the offer of a person.</summary>
    LowConfidence,
}

/// <summary>An admin's working note on an escalation; the asker never sees these.</summary>
public sealed record EscalationNote
{
    public required string AuthorId { get; init; }
    public required string AuthorName { get; init; }
    public required string Text { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>
/// A question an asker wants a person to answer, with what the assistant said and cited at the time, so the
/// admin works from the record and not from a conversation that may since have been deleted.
/// </summary>
public sealed record Escalation
{
    public required string Id { get; init; }
    public required string UserId { get; init; }
    public required string ConversationId { get; init; }
    /// <summary>The assistant answer the asker escalated.</summary>
    public required string MessageId { get; init; }
    public required string Question { get; init; }
    public required string Answer { get; init; }
    public IReadOnlyList<Citation> Citations { get; init; } = [];
    public required string ContactEmail { get; init; }
    public string? Note { get; init; }
    /// <summary>The asker's role when they escalated.</summary>
    public required string Role { get; init; }
    public required string Language { get; init; }
    public required EscalationReason Reason { get; init; }
    public EscalationStatus Status { get; init; } = EscalationStatus.New;
    public string? AssigneeId { get; init; }
    public string? AssigneeName { get; init; }
    public IReadOnlyList<EscalationNote> Notes { get; init; } = [];
    public string? ResolutionAnswer { get; init; }
    public string? ResolvedBy { get; init; }
    public DateTimeOffset? ResolvedAt { get; init; }
    /// <summary>The question-and-answer document made from the resolution, once an admin published it.</summary>
    public string? PublishedDocumentId { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    /// <summary>Optimistic lock: every stored change adds one, and a change made from an older version is refused.</summary>
    public long Version { get; init; } = 1;

    // Follows from Status: left out of stored bodies and exports so no copy can disagree with it.
    [JsonIgnore]
    public bool IsOpen => Status != EscalationStatus.Resolved;

    /// <summary>
    /// One escalation per answer: the id follows from the message, so raising it twice (a double click, a retry)
    /// finds the first one instead of queueing a duplicate.
    /// </summary>
    public static string IdFor(string messageId) => "esc-" + messageId;
}

/// <summary>What the admin queue shows: optionally one status, optionally one assignee.</summary>
public sealed record EscalationQuery
{
    public EscalationStatus? Status { get; init; }
    public string? AssigneeId { get; init; }
    public int Limit { get; init; } = 200;
}

/// <summary>The legal moves of an escalation through the queue.</summary>
public static class EscalationTransitions
{
    /// <remarks>
    /// Forward only. New can go straight to resolved (an admin who knows the answer need not pick it up first);
    /// a resolved escalation stays resolved, because the asker has already been told and e-mailed the answer.
    /// </remarks>
    public static bool IsAllowed(EscalationStatus from, EscalationStatus to) => (from, to) switch
    {
        (EscalationStatus.New, EscalationStatus.InProgress) => true,
        (EscalationStatus.New, EscalationStatus.Resolved) => true,
        (EscalationStatus.InProgress, EscalationStatus.Resolved) => true,
        _ => false,
    };
}
