namespace LearningNavigator.Chat;

/// <summary>A user asked to read or write a conversation that is not theirs.</summary>
public sealed class ConversationAccessDeniedException(string conversationId)
    : Exception($"Conversation {conversationId} does not belong to the signed-in user.");
