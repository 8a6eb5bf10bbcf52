namespace LearningNavigator.Escalations;

/// <summary>Tells someone outside the app about an escalation. Each notifier is off unless configured.</summary>
public interface IEscalationNotifier
{
    /// <summary>For logs: "smtp", "zendesk".</summary>
    string Name { get; }

    Task EscalationRaisedAsync(Escalation escalation, CancellationToken cancellationToken) => Task.CompletedTask;

    Task EscalationResolvedAsync(Escalation escalation, CancellationToken cancellationToken) => Task.CompletedTask;
}
