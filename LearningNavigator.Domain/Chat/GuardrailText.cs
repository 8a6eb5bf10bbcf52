using System.Globalization;
using System.Text;

namespace LearningNavigator.Chat;

/// <summary>
/// One spelling for the guardrails' patterns to match: lower case, accents and tildes dropped ("daño" is
/// "dano", "más" is "mas"), typographic apostrophes made plain, runs of white space made one space.
/// People in distress rarely type accents, so the patterns are written without them.
/// </summary>
internal static class GuardrailText
{
    public static string Fold(string text)
    {
        var decomposed = text.ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        var space = false;
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                space = builder.Length > 0;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(c is '’' or '‘' or '`' or '´' ? '\'' : c);
        }

        return builder.ToString();
    }

    public static int WordCount(string folded) =>
        folded.Split(' ', StringSplitOptions.RemoveEmptyEntries).Count(w => w.Any(char.IsLetter));
}
