namespace LearningNavigator.Chat;

/// <summary>The one rule every entry point applies to a question before anything else happens.</summary>
public static class ChatInput
{
    public const int MaxLength = 2000;

    /// <summary>Null when the text is acceptable, otherwise a message a person can act on.</summary>
    public static string? Validate(string? text)
    {
        var length = text?.Trim().Length ?? 0;
        if (length == 0)
        {
            return "Type a question first.";
        }

        return length > MaxLength
            ? $"Your question is {length:N0} characters long; the limit is {MaxLength:N0}. Please shorten it."
            : null;
    }
}

/// <summary>Thrown when a question breaks <see cref="ChatInput"/>'s rule; nothing has been stored.</summary>
public sealed class InvalidQuestionException(string message) : Exception(message);
