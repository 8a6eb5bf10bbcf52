namespace LearningNavigator.Escalations;

/// <summary>
/// What the analytics dashboard needs to know about escalations. The escalation store implements it, so the
/// dashboard reads a count the store keeps rather than listing escalations.
/// </summary>
public interface IEscalationStatistics
{
    /// <summary>Escalations not yet resolved, optionally only those raised by one role or in one language.</summary>
    Task<int> CountOpenAsync(string? role, string? language, CancellationToken cancellationToken);
}
