namespace LearningNavigator.Escalations;

/// <summary>What was wrong with what someone typed; the UI shows its own words for each.</summary>
public enum EscalationInputProblem
{
    EmailRequired,
    EmailInvalid,
    NoteTooLong,
    AnswerRequired,
    AnswerTooLong,
    AdminNoteRequired,
    AdminNoteTooLong,
    RolesRequired,
    RoleUnknown,
}

/// <summary>Bad input: nothing was changed. <see cref="ArgumentException.ParamName"/> names the field.</summary>
public sealed class EscalationInputException(string field, EscalationInputProblem problem, string message)
    : ArgumentException(message, field)
{
    public EscalationInputProblem Problem { get; } = problem;
}

/// <summary>
/// The caller may not see or change this. Someone else's message or escalation reads the same as one that does not
/// exist, so ids cannot be probed.
/// </summary>
public sealed class EscalationAccessDeniedException(string message) : UnauthorizedAccessException(message);

/// <summary>The escalation cannot make that move from where it is (for example resolved to in progress).</summary>
public sealed class EscalationTransitionException(EscalationStatus from, EscalationStatus to, string message)
    : InvalidOperationException(message)
{
    public EscalationStatus From { get; } = from;
    public EscalationStatus To { get; } = to;
}
