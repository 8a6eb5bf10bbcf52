using System.Text.RegularExpressions;
using LearningNavigator.Conversations;
using LearningNavigator.Knowledge;

namespace LearningNavigator.Chat;

/// <summary>
/// Turns the [n] markers of a finished answer into citations, each with the passage sentence the answer
/// leaned on most, so the passage panel can highlight it.
/// </summary>
public static partial class CitationBuilder
{
    public static IReadOnlyList<Citation> Build(string answer, IReadOnlyList<RetrievedPassage> passages)
    {
        var answerSentences = SentenceSplit().Split(answer);
        var citations = new List<Citation>();
        foreach (var number in CitationMarkers.Numbers(answer))
        {
            if (number < 1 || number > passages.Count)
            {
                continue;
            }

            var passage = passages[number - 1];
            var citingText = string.Join(' ', answerSentences.Where(s => CitationMarkers.Numbers(s).Contains(number)));
            citations.Add(new Citation
            {
                Number = number,
                ChunkId = passage.ChunkId,
                DocumentId = passage.DocumentId,
                Title = passage.Title,
                Location = passage.Location,
                PassageText = passage.Text,
                Quote = BestQuote(passage.Text, citingText),
                StartOffset = passage.StartOffset,
                EndOffset = passage.EndOffset,
            });
        }

        return citations;
    }

    private static string BestQuote(string passageText, string citingText)
    {
        var citingWords = Words(citingText);
        if (citingWords.Count == 0)
        {
            return string.Empty;
        }

        var best = string.Empty;
        var bestScore = 0.0;
        foreach (var sentence in SentenceSplit().Split(passageText))
        {
            var words = Words(sentence);
            if (words.Count == 0)
            {
                continue;
            }

            var score = (double)words.Count(citingWords.Contains) / words.Count;
            if (score > bestScore)
            {
                bestScore = score;
                best = sentence.Trim();
            }
        }

        // Below half the words shared, the "quote" would mislead more than it helps.
        return bestScore >= 0.5 ? best : string.Empty;
    }

    private static HashSet<string> Words(string text) =>
        WordPattern().Matches(text.ToLowerInvariant()).Select(m => m.Value).Where(w => w.Length > 2).ToHashSet();

    [GeneratedRegex(@"(?<=[.!?])\s+|\n+")]
    private static partial Regex SentenceSplit();

    [GeneratedRegex(@"\p{L}[\p{L}\p{N}'-]*")]
    private static partial Regex WordPattern();
}
