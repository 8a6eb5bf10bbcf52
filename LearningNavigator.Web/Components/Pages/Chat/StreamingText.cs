using System.Text;

namespace LearningNavigator.Web.Components.Pages.Chat;

/// <summary>
/// Text that grows while an answer streams. Finished segments never change again, so each render only
/// diffs the short tail: the cost of a token stays flat however long the answer grows.
/// </summary>
public sealed class StreamingText
{
    private const int SegmentLength = 240;
    private readonly List<string> segments = [];
    private readonly StringBuilder tail = new();

    public IReadOnlyList<string> Segments => segments;

    public string Tail => tail.ToString();

    public int Length { get; private set; }

    public void Append(string text)
    {
        tail.Append(text);
        Length += text.Length;
        if (tail.Length < SegmentLength)
        {
            return;
        }

        // Seal at the last whitespace so a word is never split between two elements.
        var cut = LastWhitespace(tail);
        if (cut <= 0)
        {
            return;
        }

        segments.Add(tail.ToString(0, cut + 1));
        tail.Remove(0, cut + 1);
    }

    public override string ToString() => string.Concat(segments) + tail;

    private static int LastWhitespace(StringBuilder builder)
    {
        for (var i = builder.Length - 1; i >= 0; i--)
        {
            if (char.IsWhiteSpace(builder[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
