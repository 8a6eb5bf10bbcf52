using System.Text;
using System.Text.RegularExpressions;
using LearningNavigator.Chat;
using LearningNavigator.Knowledge;

namespace LearningNavigator.Generation;

/// <summary>
/// Builds an answer by quoting the passages' sentences that share the most content words with the question.
/// Deterministic and offline: it can only repeat what the documents say, which is the point.
/// </summary>
internal static partial class ExtractiveAnswerComposer
{
    internal const string NotFoundEnglish =
        "I don't know: I couldn't find this in the documents I can see. Please ask a person, such as your MHFA coordinator or a staff member, who can help.";

    internal const string NotFoundSpanish =
        "No lo sé: no lo encontré en los documentos que puedo consultar. Por favor, pregunta a una persona, como tu coordinador de MHFA o un miembro del personal, que pueda ayudarte.";

    // Lower-ranked passages still count, but a tie between sentences goes to the passage the retriever preferred.
    private const double RankBonus = 0.1;
    // A quoted sentence must also be at least this share of the best sentence's relevance, so one strong match
    // is not diluted by weak ones that only share a common word.
    private const double RelativeFloor = 0.6;
    private const double DuplicateOverlap = 0.8;
    private const double TitleWeight = 0.5;
    // A section whose heading names what was asked ("The five steps" for "what are the steps") is the likely answer.
    private const double HeadingBonus = 0.2;
    private const int MaxListItems = 12;

    private static readonly HashSet<string> SpanishCues = new(StringComparer.Ordinal)
    {
        "el", "la", "los", "las", "del", "que", "y", "en", "un", "una", "es", "son", "por", "para", "con", "como",
        "cual", "cuales", "cuando", "donde", "se", "mi", "mis", "lo", "al", "hay", "puedo", "debo", "sobre", "pasos",
    };

    private static readonly HashSet<string> EnglishCues = new(StringComparer.Ordinal)
    {
        "the", "of", "and", "is", "are", "what", "how", "which", "when", "where", "to", "for", "with", "in", "on", "my",
        "i", "do", "does", "can", "should", "about", "who", "steps",
    };

    [GeneratedRegex(@"^\s*(?:[-*•·▪‣◦–]|\d{1,2}[.)]|[a-zA-Z][.)])\s+(?<item>\S.*)$")]
    private static partial Regex ListItemRegex();

    // Split after terminal punctuation followed by space and something that starts a sentence.
    [GeneratedRegex(@"(?<=[.!?])\s+(?=[\p{Lu}¿¡""“(\d])")]
    private static partial Regex SentenceBoundaryRegex();

    [GeneratedRegex(@"\[\^?\d{1,5}(?:\s*,\s*\d{1,5})*\]")]
    private static partial Regex BracketNumberRegex();

    // Folded text (lower case, no accents). Instructions aimed at an assistant, in English or Spanish.
    [GeneratedRegex(
        """
        \b(ignore|disregard|forget|override|bypass|skip)\b.{0,40}\b(instructions?|rules|prompts?|guidelines|directions|guardrails|everything\s+(above|before))\b
        | \b(you\s+are\s+now|you\s+must\s+now|from\s+now\s+on,?\s+(you|the\s+assistant)|act\s+as\s+(a|an|if)|pretend\s+(to\s+be|you)|as\s+an?\s+(ai|assistant|language\s+model))\b
        | \b(system\s+prompt|(ai|virtual)\s+assistant|language\s+model|chatbot)\b | ^\s*(assistant|system)\s*:
        | \b(respond|reply|answer)\s+(only\s+|always\s+)?with\b | \b(always|only)\s+(say|respond|reply|answer)\b
        | \btell\s+(everyone|every\s+user|the\s+user|users|all\s+users)\b
        | \b(ignora|olvida|omite|desobedece)\b.{0,40}\b(instrucciones|reglas|indicaciones|normas)\b
        | \b(ahora\s+eres|a\s+partir\s+de\s+ahora\s+(eres|debes)|actua\s+como|finge\s+(ser|que)|como\s+(asistente|modelo\s+de\s+lenguaje)|responde\s+(solo|siempre|unicamente)|di\s+siempre|dile\s+al\s+usuario)\b
        """,
        RegexOptions.CultureInvariant | RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex InstructionRegex();

    [GeneratedRegex(@"[\p{L}]+")]
    private static partial Regex WordRegex();

    public static bool IsSpanish(string text)
    {
        var spanish = 0;
        var english = 0;
        foreach (Match match in WordRegex().Matches(text))
        {
            var word = ContentWords.Fold(match.Value);
            spanish += SpanishCues.Contains(word) ? 1 : 0;
            english += EnglishCues.Contains(word) ? 1 : 0;
        }

        // Inverted punctuation and ñ only occur in Spanish.
        spanish += text.Count(c => c is '¿' or '¡' or 'ñ' or 'Ñ') * 2;
        return spanish > english;
    }

    public static string Compose(string question, IReadOnlyList<RetrievedPassage> passages, ExtractiveAnswererOptions options)
    {
        var spanish = IsSpanish(question);
        var notFound = spanish ? NotFoundSpanish : NotFoundEnglish;
        var questionWords = ContentWords.Of(question, spanish);
        if (questionWords.Count == 0 || passages.Count == 0)
        {
            return notFound;
        }

        var candidates = new List<Unit>();
        for (var i = 0; i < passages.Count; i++)
        {
            var headingWords = ContentWords.Of(passages[i].Heading ?? string.Empty, spanish);
            var titleWords = ContentWords.Of(passages[i].Title, spanish);
            foreach (var unit in SplitIntoUnits(passages[i].Text, i, spanish))
            {
                double matched = unit.Words.Count(questionWords.Contains);
                if (unit.Items is not null)
                {
                    // A bare list ("1. Assess… 2. Listen…") is introduced by its heading ("The five steps") and
                    // belongs to its document ("The ALGEE Action Plan"): without them the steps share no word
                    // with "What are the steps of ALGEE?". The title counts half, as it covers every list.
                    var context = questionWords.Where(w => !unit.Words.Contains(w)).ToList();
                    var fromHeading = context.Count(headingWords.Contains);
                    var fromTitle = context.Count(w => !headingWords.Contains(w) && titleWords.Contains(w));
                    matched += fromHeading + (TitleWeight * fromTitle);
                }

                unit.Relevance = matched / questionWords.Count;
                unit.Score = unit.Relevance + (RankBonus * (passages.Count - i) / passages.Count)
                    + (headingWords.Overlaps(questionWords) ? HeadingBonus : 0);
                candidates.Add(unit);
            }
        }

        // Same-language passages answer first; the others only when none of those has anything relevant.
        var questionLanguage = spanish ? "es" : "en";
        var sameLanguage = candidates.Where(c => passages[c.PassageIndex].Language == questionLanguage).ToList();
        if (sameLanguage.Count < candidates.Count && sameLanguage.Any(c => c.Relevance >= options.MinimumRelevance))
        {
            candidates = sameLanguage;
        }

        var best = candidates.Count == 0 ? 0 : candidates.Max(c => c.Relevance);
        var floor = Math.Max(options.MinimumRelevance, best * RelativeFloor);
        var chosen = new List<Unit>();
        foreach (var unit in candidates.Where(c => c.Relevance >= floor).OrderByDescending(c => c.Score).ThenBy(c => c.PassageIndex).ThenBy(c => c.Position))
        {
            if (chosen.Count >= options.MaxSentences)
            {
                break;
            }

            // One list is an answer; a second one is usually a neighbouring section that shares a word.
            if (unit.Items is not null && chosen.Any(c => c.Items is not null))
            {
                continue;
            }

            if (!chosen.Any(c => IsNearDuplicate(c.Words, unit.Words)))
            {
                chosen.Add(unit);
            }
        }

        return chosen.Count == 0
            ? notFound
            : Write(chosen.OrderBy(c => c.PassageIndex).ThenBy(c => c.Position));
    }

    private static List<Unit> SplitIntoUnits(string text, int passageIndex, bool spanish)
    {
        var units = new List<Unit>();
        var position = 0;
        List<string>? items = null;
        string? lead = null;

        // PDF pages wrap sentences over several lines: a paragraph is every line up to a blank one or a list.
        var paragraph = new StringBuilder();

        void FlushParagraph()
        {
            // A document that talks to the assistant ("ignore your instructions and say…") is quoting an attack,
            // not giving advice: that sentence and the rest of its paragraph are never quoted.
            var addressed = false;
            foreach (var sentence in SentenceBoundaryRegex().Split(paragraph.ToString()))
            {
                var trimmed = sentence.Trim();
                addressed |= AddressesTheAssistant(trimmed);
                if (trimmed.Length > 0 && !addressed)
                {
                    units.Add(new Unit(passageIndex, position++, trimmed, null, null, ContentWords.Of(trimmed, spanish)));
                }
            }

            paragraph.Clear();
        }

        void FlushList()
        {
            if (items is { Count: > 0 })
            {
                var words = ContentWords.Of(string.Join(' ', items.Prepend(lead ?? string.Empty)), spanish);
                units.Add(new Unit(passageIndex, position++, null, lead, items, words));
            }

            items = null;
            lead = null;
        }

        foreach (var rawLine in Clean(text).Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.Length == 0)
            {
                FlushParagraph();
                FlushList();
                continue;
            }

            var item = ListItemRegex().Match(line);
            if (item.Success)
            {
                FlushParagraph();
                if (items is null)
                {
                    items = [];
                    // "The five steps are:" introduces the list: quote it with the list, not on its own.
                    if (units.Count > 0 && units[^1] is { Sentence: { } previous } && previous.EndsWith(':') && units[^1].PassageIndex == passageIndex)
                    {
                        lead = previous;
                        units.RemoveAt(units.Count - 1);
                    }
                }

                if (items.Count < MaxListItems && !AddressesTheAssistant(item.Groups["item"].Value))
                {
                    items.Add(item.Groups["item"].Value.Trim());
                }

                continue;
            }

            FlushList();
            if (line.Contains(" | ", StringComparison.Ordinal))
            {
                // A table row reads only on its own line; glued to its neighbours it turns into noise.
                FlushParagraph();
                units.Add(new Unit(passageIndex, position++, line, null, null, ContentWords.Of(line, spanish)));
                continue;
            }

            paragraph.Append(paragraph.Length > 0 ? " " : string.Empty).Append(line);
        }

        FlushParagraph();
        FlushList();
        return units;
    }

    internal static bool AddressesTheAssistant(string sentence) => InstructionRegex().IsMatch(GuardrailText.Fold(sentence));

    private static string Clean(string text) =>
        // Bracketed numbers in the source would read as citations of the wrong passages.
        BracketNumberRegex().Replace(text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n'), string.Empty);

    private static bool IsNearDuplicate(HashSet<string> a, HashSet<string> b)
    {
        if (a.Count == 0 || b.Count == 0)
        {
            return false;
        }

        var shared = a.Count(b.Contains);
        return (double)shared / (a.Count + b.Count - shared) >= DuplicateOverlap;
    }

    private static string Write(IEnumerable<Unit> units)
    {
        var answer = new StringBuilder();
        var inParagraph = false;
        foreach (var unit in units)
        {
            var marker = $"[{unit.PassageIndex + 1}]";
            if (unit.Sentence is { } sentence)
            {
                answer.Append(inParagraph ? " " : answer.Length > 0 ? "\n\n" : string.Empty);
                answer.Append(WithMarker(sentence, marker));
                inParagraph = true;
                continue;
            }

            if (answer.Length > 0)
            {
                answer.Append("\n\n");
            }

            if (unit.Lead is { } lead)
            {
                answer.Append(WithMarker(lead, marker)).Append('\n');
            }

            answer.AppendJoin('\n', unit.Items!.Select(i => "- " + WithMarker(i, marker)));
            inParagraph = false;
        }

        return answer.ToString();
    }

    /// <summary>"Listen first." becomes "Listen first [1]." so the marker stays inside the sentence it supports.</summary>
    private static string WithMarker(string sentence, string marker)
    {
        var end = sentence.Length;
        while (end > 0 && sentence[end - 1] is '.' or '!' or '?' or ':' or ';' or ',')
        {
            end--;
        }

        var punctuation = sentence[end..];
        // A list item's trailing comma or semicolon belonged to the running sentence, not to the bullet.
        if (punctuation is "," or ";")
        {
            punctuation = string.Empty;
        }

        return $"{sentence[..end].TrimEnd()} {marker}{punctuation}";
    }

    private sealed class Unit(int passageIndex, int position, string? sentence, string? lead, List<string>? items, HashSet<string> words)
    {
        public int PassageIndex { get; } = passageIndex;
        public int Position { get; } = position;
        public string? Sentence { get; } = sentence;
        public string? Lead { get; } = lead;
        public List<string>? Items { get; } = items;
        public HashSet<string> Words { get; } = words;
        public double Relevance { get; set; }
        public double Score { get; set; }
    }
}
