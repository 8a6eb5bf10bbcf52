using System.Globalization;
using System.Text.RegularExpressions;

namespace LearningNavigator.Chat;

/// <summary>One citation marker in an answer, such as "[2]" or "[1, 3]", located so the UI can replace it with chips.</summary>
public sealed record CitationMarker(int Start, int Length, IReadOnlyList<int> Numbers);

/// <summary>Finds the [n] markers a grounded answer uses to point at its numbered passages.</summary>
public static partial class CitationMarkers
{
    /// <summary>Passage numbers above this are not citations (a prompt never carries that many passages).</summary>
    public const int MaxNumber = 999;

    // [1], [2, 3], [1][4]; not [x], not [^1] (the caret is not a digit), not a Markdown link "[1](url)" or
    // reference "[1]: url", and not a number glued to a word on the left like "array[1]".
    [GeneratedRegex(@"(?<![\w\\])\[(?<n>\d{1,3}(?:[ \t]*,[ \t]*\d{1,3})*)\](?![(:])", RegexOptions.CultureInvariant)]
    private static partial Regex MarkerRegex();

    /// <summary>Distinct cited numbers in order of first appearance.</summary>
    public static IReadOnlyList<int> Numbers(string? text)
    {
        var seen = new List<int>();
        foreach (var marker in Find(text))
        {
            foreach (var n in marker.Numbers)
            {
                if (!seen.Contains(n))
                {
                    seen.Add(n);
                }
            }
        }

        return seen;
    }

    /// <summary>Every marker in order; a marker whose numbers are all out of range (for example [0]) is skipped.</summary>
    public static IReadOnlyList<CitationMarker> Find(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        var markers = new List<CitationMarker>();
        foreach (Match match in MarkerRegex().Matches(text))
        {
            var numbers = new List<int>();
            foreach (var part in match.Groups["n"].Value.Split(',', StringSplitOptions.TrimEntries))
            {
                var n = int.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture);
                if (n is >= 1 and <= MaxNumber && !numbers.Contains(n))
                {
                    numbers.Add(n);
                }
            }

            if (numbers.Count > 0)
            {
                markers.Add(new CitationMarker(match.Index, match.Length, numbers));
            }
        }

        return markers;
    }
}
