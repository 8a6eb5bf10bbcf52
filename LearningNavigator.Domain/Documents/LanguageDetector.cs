using System.Buffers;
using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace LearningNavigator.Documents;

/// <summary>
/// Tells English from Spanish, the two languages the product serves. Function words decide long texts;
/// Spanish-only characters (ñ, ¿, ¡, accented vowels) and word endings decide short questions, which may hold
/// only one or two function words. Anything undecided is English, the product's default.
/// </summary>
public static partial class LanguageDetector
{
    public const string English = "en";
    public const string Spanish = "es";

    // Words shared by both languages ("a", "no", "me", "he", "son", "final") are left out: they prove nothing.
    private static readonly FrozenSet<string> EnglishWords = FrozenSet.ToFrozenSet(
    [
        "the", "and", "of", "to", "in", "is", "are", "was", "were", "be", "been", "being", "you", "your", "yours",
        "that", "this", "these", "those", "it", "its", "for", "on", "with", "as", "at", "by", "from", "or", "an",
        "have", "has", "had", "do", "does", "did", "done", "will", "would", "can", "could", "should", "shall",
        "may", "might", "must", "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "i", "we",
        "they", "them", "their", "our", "us", "she", "her", "him", "his", "my", "not", "but", "if", "then", "than",
        "there", "here", "about", "after", "before", "into", "over", "under", "out", "up", "get", "all", "any",
        "some", "each", "every", "more", "most", "other", "only", "also", "just", "so", "very", "too", "much",
        "many", "one", "two", "first", "new", "use", "used", "make", "need", "want", "help", "know", "way",
        "someone", "person", "people", "course", "please", "thanks", "hello", "hi", "yes", "while", "through",
    ], StringComparer.Ordinal);

    private static readonly FrozenSet<string> SpanishWords = FrozenSet.ToFrozenSet(
    [
        "el", "la", "los", "las", "lo", "un", "una", "unos", "unas", "de", "del", "al", "y", "en", "que", "qué",
        "es", "está", "están", "estar", "ser", "soy", "eres", "somos", "fue", "era", "por", "para", "con", "sin",
        "sobre", "entre", "hasta", "desde", "hacia", "pero", "porque", "como", "cómo", "cuando", "cuándo", "donde",
        "dónde", "quien", "quién", "quienes", "cual", "cuál", "cuáles", "cuanto", "cuánto", "cuántos", "muy", "más",
        "también", "ya", "se", "su", "sus", "mi", "mis", "tu", "tus", "te", "nos", "les", "le", "yo", "él", "ella",
        "ellos", "ellas", "nosotros", "usted", "ustedes", "este", "esta", "estos", "estas", "ese", "esa", "eso",
        "esto", "hay", "puedo", "puede", "pueden", "tengo", "tiene", "tienen", "hacer", "hago", "necesito",
        "alguien", "persona", "personas", "curso", "cursos", "gracias", "hola", "sí", "o", "ni", "cada", "todo",
        "todos", "toda", "todas", "otro", "otra", "otros", "mucho", "muchos", "poco", "algo", "nada", "siempre",
        "nunca", "durante", "después", "antes", "según", "aunque", "mientras", "debo", "debe", "deben",
    ], StringComparer.Ordinal);

    private static readonly SearchValues<char> SpanishLetters = SearchValues.Create("ñáéíóúü");

    public static string Detect(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return English;
        }

        double english = 0;
        double spanish = 0;
        if (text.Contains('¿') || text.Contains('¡'))
        {
            spanish += 3;
        }

        foreach (Match match in Words().Matches(text.ToLowerInvariant()))
        {
            var word = match.Value;
            if (SpanishWords.Contains(word))
            {
                spanish += 1;
            }

            if (EnglishWords.Contains(word))
            {
                english += 1;
            }

            if (word.AsSpan().IndexOfAny(SpanishLetters) >= 0)
            {
                spanish += 1.5;
            }
            else if (SpanishEnding().IsMatch(word))
            {
                spanish += 0.5;
            }
            else if (EnglishShape().IsMatch(word))
            {
                english += 0.5;
            }
        }

        return spanish > english ? Spanish : English;
    }

    [GeneratedRegex(@"\p{L}+", RegexOptions.CultureInvariant)]
    private static partial Regex Words();

    [GeneratedRegex("(ción|ciones|mente|idad|idades|amos|emos|imos|ando|iendo|aje|ajes|ado|ados|ada|adas|ido|idas|ar|ir)$", RegexOptions.CultureInvariant)]
    private static partial Regex SpanishEnding();

    // Letter patterns Spanish spelling (almost) never uses.
    [GeneratedRegex("(th|sh|wh|ck|w|k|y$|ing$|tion$|ght|ee|oo|ss)", RegexOptions.CultureInvariant)]
    private static partial Regex EnglishShape();
}
