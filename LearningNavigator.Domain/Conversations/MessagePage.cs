namespace LearningNavigator.Conversations;

/// <summary>One page of a conversation, oldest first. A null token means there is nothing after this page.</summary>
public sealed record MessagePage(IReadOnlyList<StoredMessage> Messages, string? ContinuationToken)
{
    public static MessagePage Empty { get; } = new([], null);
}
