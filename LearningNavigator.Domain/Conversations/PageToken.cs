using System.Buffers.Text;
using System.Text;

namespace LearningNavigator.Conversations;

/// <summary>
/// Continuation tokens are opaque to callers but carry the conversation they belong to, so a token from one
/// conversation cannot be replayed against another, and a mangled one fails with a clear message.
/// </summary>
internal static class PageToken
{
    private const char Separator = '\n';

    public static string Encode(string conversationId, string position) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{conversationId}{Separator}{position}"));

    /// <summary>The position inside the conversation the token was issued for.</summary>
    public static string Decode(string token, string conversationId)
    {
        string text;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
        }
        catch (FormatException)
        {
            throw Invalid();
        }

        var separator = text.IndexOf(Separator, StringComparison.Ordinal);
        return separator > 0 && text.AsSpan(0, separator).SequenceEqual(conversationId) && separator < text.Length - 1
            ? text[(separator + 1)..]
            : throw Invalid();
    }

    public static ArgumentException Invalid() =>
        new("The continuation token is not valid for this conversation; start again without one.", "continuationToken");
}
