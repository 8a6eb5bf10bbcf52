using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace LearningNavigator.Chat;

/// <summary>
/// Spots crisis language (suicide, self-harm) in a question so crisis resources come before anything else.
/// It errs towards showing the resources: a false alarm costs a paragraph, a miss can cost far more.
/// </summary>
public static partial class CrisisGuardrail
{
    public static bool IsCrisis(string text) => CrisisPattern().IsMatch(Fold(text));

    public static string ResourcesMarkdown(string language) => language == "es"
        ? "> **Si tú o alguien está en peligro:** llama o envía un mensaje de texto al **988** (Línea de Prevención del Suicidio y Crisis; marca 2 para español). Si hay peligro inmediato, llama al **911**.\n\n"
        : "> **If you or someone else is in crisis:** call or text **988** (Suicide & Crisis Lifeline; press 2 for Spanish). If there is immediate danger, call **911**.\n\n";

    private static string Fold(string text)
    {
        var decomposed = text.ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    [GeneratedRegex(
        @"\b(suicid\w*|kill(ing)? (my|him|her|them)sel(f|ves)|end (my|his|her|their) li(fe|ves)|want(s|ed)? to die|self[- ]?harm\w*|hurt(ing)? (my|him|her|them)sel(f|ves)|cutting (my|him|her|them)sel(f|ves)|no reason to live|quitarse la vida|quitarme la vida|matarme|matarse|suicidarme|suicidarse|autolesi\w*|hacerse dano|hacerme dano|no quiero vivir|quiere morir|quiero morir)\b",
        RegexOptions.CultureInvariant)]
    private static partial Regex CrisisPattern();
}
