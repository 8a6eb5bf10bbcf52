namespace LearningNavigator.Escalations;

/// <summary>
/// Durable home of escalations. It does no authorization: <see cref="EscalationService"/> decides who may read
/// or change what. Writes are idempotent or optimistic, so a retry never duplicates and a stale change never
/// overwrites a newer one.
/// </summary>
public interface IEscalationStore : IEscalationStatistics
{
    /// <summary>Stores the escalation if its id is new. False, changing nothing, when the id is already there.</summary>
    Task<bool> CreateAsync(Escalation escalation, CancellationToken cancellationToken);

    Task<Escalation?> GetAsync(string escalationId, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the stored escalation with <paramref name="updated"/> (whose <see cref="Escalation.Version"/> must be
    /// one more than the stored one) and keeps the open count right. False, changing nothing, when the stored
    /// version is not <c>updated.Version - 1</c> (someone changed it since it was read) or it does not exist.
    /// </summary>
    Task<bool> UpdateAsync(Escalation updated, CancellationToken cancellationToken);

    /// <summary>The queue, newest first.</summary>
    Task<IReadOnlyList<Escalation>> ListAsync(EscalationQuery query, CancellationToken cancellationToken);

    /// <summary>The escalations one person raised, newest first.</summary>
    Task<IReadOnlyList<Escalation>> ListForUserAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Every escalation as stored (notes, status and version included), in no particular order (export).</summary>
    IAsyncEnumerable<Escalation> ReadAllAsync(CancellationToken cancellationToken);
}
