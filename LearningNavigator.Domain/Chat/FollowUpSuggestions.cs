namespace LearningNavigator.Chat;

/// <summary>
/// Three questions to ask next, built from where the answer came from: the cited sections first ("Tell me more
/// about “Invoicing deadlines”"), then the cited documents, then the role's starter questions. Only what the
/// library holds is suggested, so each suggestion has an answer behind it.
/// </summary>
public static class FollowUpSuggestions
{
    public const int Count = 3;

    /// <param name="sources">Cited documents and sections, most relevant first: (title, heading or null).</param>
    /// <param name="asked">Questions already asked in the conversation; none is suggested again.</param>
    public static IReadOnlyList<string> For(
        IEnumerable<(string Title, string? Heading)> sources, IEnumerable<string> asked, string role, string language)
    {
        var spanish = language == "es";
        var seen = new HashSet<string>(asked.Select(Key));
        var suggestions = new List<string>();

        void Offer(string question)
        {
            if (suggestions.Count < Count && seen.Add(Key(question)))
            {
                suggestions.Add(question);
            }
        }

        var list = sources.ToList();
        foreach (var (title, heading) in list)
        {
            if (!string.IsNullOrWhiteSpace(heading) && !string.Equals(heading, title, StringComparison.OrdinalIgnoreCase))
            {
                Offer(spanish ? $"Cuéntame más sobre «{heading.Trim()}»" : $"Tell me more about “{heading.Trim()}”");
            }
        }

        foreach (var title in list.Select(s => s.Title).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            Offer(spanish ? $"¿Qué más explica «{title.Trim()}»?" : $"What else does “{title.Trim()}” cover?");
        }

        foreach (var starter in RoleExperience.For(role, spanish ? "es" : "en").SuggestedQuestions)
        {
            Offer(starter);
        }

        return suggestions;
    }

    /// <summary>The section heading inside a citation's location ("p. 3 · Heading" or "Heading"), if any.</summary>
    public static string? HeadingFromLocation(string location)
    {
        var at = location.IndexOf(" · ", StringComparison.Ordinal);
        var heading = at >= 0 ? location[(at + 3)..] : location.StartsWith("p. ", StringComparison.Ordinal) ? string.Empty : location;
        return heading.Length == 0 ? null : heading;
    }

    private static string Key(string question) =>
        new string(GuardrailText.Fold(question).Where(char.IsLetterOrDigit).ToArray());
}
