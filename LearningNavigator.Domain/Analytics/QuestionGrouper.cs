using System.Globalization;
using System.Text;

namespace LearningNavigator.Analytics;

/// <summary>
/// Groups near-identical wordings of a question: text is folded (case, accents, punctuation, filler words) to a
/// set of words, and a question joins the first group whose words overlap it enough (Jaccard similarity).
/// </summary>
public static class QuestionGrouper
{
    public const double DefaultSimilarity = 0.6;

    private static readonly HashSet<string> Filler = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "i", "do", "does", "can", "is", "are", "to", "of", "for", "in", "on", "my", "me", "how", "what", "please",
        "el", "la", "los", "las", "un", "una", "de", "del", "en", "para", "por", "mi", "me", "como", "que", "se", "puedo", "es", "y",
    };

    public sealed record Asked(string Text, string ConversationId, DateTimeOffset At);

    /// <summary>Groups, largest first (ties: most recently asked first).</summary>
    public static IReadOnlyList<AskedQuestion> Group(IEnumerable<Asked> questions, int top, double similarity = DefaultSimilarity)
    {
        // Exact folded wordings first: most repeats are exact, and the fuzzy pass then compares far fewer sets.
        var byKey = new Dictionary<string, List<Asked>>(StringComparer.Ordinal);
        var words = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var question in questions)
        {
            var tokens = Tokens(question.Text);
            var key = string.Join(' ', tokens.Order(StringComparer.Ordinal));
            if (!byKey.TryGetValue(key, out var list))
            {
                byKey[key] = list = [];
                words[key] = tokens;
            }

            list.Add(question);
        }

        var groups = new List<(HashSet<string> Words, List<List<Asked>> Wordings)>();
        foreach (var (key, asked) in byKey.OrderByDescending(k => k.Value.Count).ThenBy(k => k.Key, StringComparer.Ordinal))
        {
            var match = groups.FindIndex(g => Jaccard(g.Words, words[key]) >= similarity);
            if (match < 0)
            {
                groups.Add((words[key], [asked]));
            }
            else
            {
                groups[match].Wordings.Add(asked);
            }
        }

        return
        [
            .. groups
                .Select(g =>
                {
                    var all = g.Wordings.SelectMany(w => w).ToList();
                    var latest = all.MaxBy(a => a.At)!;
                    // The wording people used most speaks for the group; its latest spelling is shown.
                    var representative = g.Wordings[0].MaxBy(a => a.At)!;
                    return new AskedQuestion(representative.Text, all.Count, g.Wordings.Count, latest.ConversationId, latest.At);
                })
                .OrderByDescending(q => q.Count)
                .ThenByDescending(q => q.LastAskedAt)
                .Take(top),
        ];
    }

    public static HashSet<string> Tokens(string text)
    {
        var decomposed = text.ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            builder.Append(char.IsLetterOrDigit(c) ? c : ' ');
        }

        var all = builder.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var content = all.Where(w => !Filler.Contains(w)).ToHashSet(StringComparer.Ordinal);
        // A question made only of filler words still needs something to compare.
        return content.Count > 0 ? content : all.ToHashSet(StringComparer.Ordinal);
    }

    private static double Jaccard(HashSet<string> a, HashSet<string> b)
    {
        if (a.Count == 0 && b.Count == 0)
        {
            return 1;
        }

        var shared = a.Count(b.Contains);
        return (double)shared / (a.Count + b.Count - shared);
    }
}
