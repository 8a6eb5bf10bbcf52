using LearningNavigator.Conversations;
using LearningNavigator.Observability;
using Microsoft.Extensions.Logging;

namespace LearningNavigator.Escalations;

/// <summary>Who is acting: the signed-in person as the pages know them.</summary>
public sealed record EscalationActor(string Id, string Name, string Role)
{
    public bool IsAdmin => Role == AppRoles.Admin;
}

/// <summary>An asker's request for a person: which answer, where to reply, anything to add.</summary>
public sealed record EscalationRequest
{
    public required string MessageId { get; init; }
    public required string? ContactEmail { get; init; }
    public string? Note { get; init; }
}

/// <summary>
/// The rules of escalation: askers escalate their own answers and see their own escalations; only admins work the
/// queue; the status only moves forward; resolving tells the asker (in the app and through the notifiers). Every
/// check runs before anything is written, so a refused call changes nothing.
/// </summary>
public sealed partial class EscalationService(
    IEscalationStore store,
    IConversationStore conversations,
    IEnumerable<IEscalationNotifier> notifiers,
    TimeProvider time,
    NavigatorMetrics metrics,
    ILogger<EscalationService> logger)
{
    // Concurrent admins on one escalation settle in a round or two; more means something is wrong.
    private const int UpdateAttempts = 5;

    /// <summary>Raised after any escalation is created or changed, so open pages can show it without a reload.</summary>
    public event Action<Escalation>? Changed;

    /// <summary>
    /// Escalates one of the actor's own answers. Raising the same answer again returns the escalation already
    /// queued (unchanged).
    /// </summary>
    public async Task<Escalation> RaiseAsync(EscalationActor actor, EscalationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(request);
        var email = EscalationInput.Email(request.ContactEmail);
        var note = EscalationInput.Note(request.Note);

        var (answer, question) = await OwnAnswerAsync(actor, request.MessageId, cancellationToken);
        var existing = await store.GetAsync(Escalation.IdFor(answer.Id), cancellationToken);
        if (existing is not null)
        {
            return existing;
        }

        var now = time.GetUtcNow();
        var escalation = new Escalation
        {
            Id = Escalation.IdFor(answer.Id),
            UserId = actor.Id,
            ConversationId = answer.ConversationId,
            MessageId = answer.Id,
            Question = question,
            Answer = answer.Text,
            Citations = answer.Citations,
            ContactEmail = email,
            Note = note,
            Role = answer.Role ?? actor.Role,
            Language = answer.Language,
            Reason = answer.LowConfidence ? EscalationReason.LowConfidence : EscalationReason.UserRequest,
            CreatedAt = now,
            UpdatedAt = now,
        };
        if (!await store.CreateAsync(escalation, cancellationToken))
        {
            // Lost a race with the same request: the first one stands.
            return await store.GetAsync(escalation.Id, cancellationToken) ?? escalation;
        }

        Log.Raised(logger, escalation.Id, escalation.Reason);
        metrics.Escalated(escalation.Reason == EscalationReason.LowConfidence ? "low_confidence" : "user_request");
        Changed?.Invoke(escalation);
        await NotifyAsync(escalation, static (n, e, ct) => n.EscalationRaisedAsync(e, ct), cancellationToken);
        return escalation;
    }

    /// <summary>The actor's escalation of one of their answers, or null if there is none (or the answer is not theirs).</summary>
    public async Task<Escalation?> GetForMessageAsync(EscalationActor actor, string messageId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var escalation = await store.GetAsync(Escalation.IdFor(messageId), cancellationToken);
        return escalation?.UserId == actor.Id ? escalation : null;
    }

    /// <summary>What the actor has asked people, newest first.</summary>
    public Task<IReadOnlyList<Escalation>> ListMineAsync(EscalationActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return store.ListForUserAsync(actor.Id, cancellationToken);
    }

    public Task<IReadOnlyList<Escalation>> ListQueueAsync(EscalationActor actor, EscalationQuery query, CancellationToken cancellationToken)
    {
        RequireAdmin(actor);
        return store.ListAsync(query, cancellationToken);
    }

    public async Task<Escalation?> GetAsync(EscalationActor actor, string escalationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var escalation = await store.GetAsync(escalationId, cancellationToken);
        return escalation is not null && (actor.IsAdmin || escalation.UserId == actor.Id) ? escalation : null;
    }

    public Task<Escalation> AssignAsync(EscalationActor actor, string escalationId, string? assigneeId, string? assigneeName, CancellationToken cancellationToken)
    {
        RequireAdmin(actor);
        return ChangeAsync(escalationId, e => e.IsOpen
            ? e with { AssigneeId = assigneeId, AssigneeName = assigneeId is null ? null : assigneeName ?? assigneeId }
            : throw new EscalationTransitionException(e.Status, e.Status, "A resolved escalation can no longer be reassigned."), cancellationToken);
    }

    public Task<Escalation> AddNoteAsync(EscalationActor actor, string escalationId, string? text, CancellationToken cancellationToken)
    {
        RequireAdmin(actor);
        var note = new EscalationNote { AuthorId = actor.Id, AuthorName = actor.Name, Text = EscalationInput.AdminNote(text), CreatedAt = time.GetUtcNow() };
        return ChangeAsync(escalationId, e => e with { Notes = [.. e.Notes, note] }, cancellationToken);
    }

    /// <summary>Moves the escalation to in progress; resolving goes through <see cref="ResolveAsync"/>, which needs the answer.</summary>
    public Task<Escalation> StartAsync(EscalationActor actor, string escalationId, CancellationToken cancellationToken)
    {
        RequireAdmin(actor);
        return ChangeAsync(escalationId, e => Move(e, EscalationStatus.InProgress) with
        {
            // Whoever picks it up owns it, unless someone was already assigned.
            AssigneeId = e.AssigneeId ?? actor.Id,
            AssigneeName = e.AssigneeId is null ? actor.Name : e.AssigneeName,
        }, cancellationToken);
    }

    /// <summary>Resolves with the answer the asker will see in the app and receive by e-mail.</summary>
    public async Task<Escalation> ResolveAsync(EscalationActor actor, string escalationId, string? answer, CancellationToken cancellationToken)
    {
        RequireAdmin(actor);
        var resolution = EscalationInput.Answer(answer);
        var resolved = await ChangeAsync(escalationId, e => Move(e, EscalationStatus.Resolved) with
        {
            ResolutionAnswer = resolution,
            ResolvedBy = actor.Name,
            ResolvedAt = time.GetUtcNow(),
        }, cancellationToken);
        await NotifyAsync(resolved, static (n, e, ct) => n.EscalationResolvedAsync(e, ct), cancellationToken);
        return resolved;
    }

    /// <summary>Records which library document now carries the resolved answer (see <see cref="EscalationPublisher"/>).</summary>
    internal Task<Escalation> MarkPublishedAsync(string escalationId, string documentId, CancellationToken cancellationToken) =>
        ChangeAsync(escalationId, e => e with { PublishedDocumentId = documentId }, cancellationToken);

    internal static void RequireAdmin(EscalationActor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsAdmin)
        {
            throw new EscalationAccessDeniedException("Only admins work the escalation queue.");
        }
    }

    private static Escalation Move(Escalation escalation, EscalationStatus to) =>
        EscalationTransitions.IsAllowed(escalation.Status, to)
            ? escalation with { Status = to }
            : throw new EscalationTransitionException(escalation.Status, to,
                $"An escalation that is {EscalationJson.Name(escalation.Status)} cannot move to {EscalationJson.Name(to)}.");

    /// <summary>Read, change, write under the version check; a lost race reads again and re-applies the change.</summary>
    private async Task<Escalation> ChangeAsync(string escalationId, Func<Escalation, Escalation> change, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await store.GetAsync(escalationId, cancellationToken)
                ?? throw new EscalationAccessDeniedException($"There is no escalation '{escalationId}'.");
            var updated = change(current) with { Version = current.Version + 1, UpdatedAt = time.GetUtcNow() };
            if (await store.UpdateAsync(updated, cancellationToken))
            {
                Log.Changed(logger, updated.Id, updated.Status, updated.Version);
                Changed?.Invoke(updated);
                return updated;
            }

            if (attempt == UpdateAttempts)
            {
                throw new InvalidOperationException($"Escalation '{escalationId}' kept changing under this update; try again.");
            }
        }
    }

    /// <summary>The answer must be an assistant message in one of the actor's own conversations.</summary>
    private async Task<(StoredMessage Answer, string Question)> OwnAnswerAsync(EscalationActor actor, string messageId, CancellationToken cancellationToken)
    {
        var denied = new EscalationAccessDeniedException($"There is no answer '{messageId}' of yours to escalate.");
        var answer = await conversations.GetMessageAsync(messageId, cancellationToken);
        if (answer is null || answer.Author != MessageAuthor.Assistant
            || await conversations.GetConversationAsync(actor.Id, answer.ConversationId, cancellationToken) is null)
        {
            throw denied;
        }

        var messages = await conversations.GetMessagesAsync(answer.ConversationId, cancellationToken);
        var at = messages.ToList().FindIndex(m => m.Id == answer.Id);
        var question = messages.Take(at < 0 ? messages.Count : at).LastOrDefault(m => m.Author == MessageAuthor.User)?.Text ?? string.Empty;
        return (answer, question);
    }

    /// <summary>A notifier that fails is logged; the escalation is already saved and the in-app status stands.</summary>
    private async Task NotifyAsync(Escalation escalation, Func<IEscalationNotifier, Escalation, CancellationToken, Task> send, CancellationToken cancellationToken)
    {
        foreach (var notifier in notifiers)
        {
            try
            {
                await send(notifier, escalation, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.NotifyFailed(logger, notifier.Name, escalation.Id, ex.GetType().Name);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Escalation {EscalationId} raised ({Reason}).")]
        public static partial void Raised(ILogger logger, string escalationId, EscalationReason reason);

        [LoggerMessage(Level = LogLevel.Information, Message = "Escalation {EscalationId} is now {Status} (version {Version}).")]
        public static partial void Changed(ILogger logger, string escalationId, EscalationStatus status, long version);

        // Ids and the error's type only: server replies can echo the asker's address, and the question stays private.
        [LoggerMessage(Level = LogLevel.Warning, Message = "The {Notifier} notifier failed for escalation {EscalationId} ({ErrorType}).")]
        public static partial void NotifyFailed(ILogger logger, string notifier, string escalationId, string errorType);
    }
}
