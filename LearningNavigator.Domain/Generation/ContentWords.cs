using System.Globalization;
using System.Text;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.Es;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Analysis.Snowball;
using Lucene.Net.Analysis.Util;
using Lucene.Net.Tartarus.Snowball.Ext;
using Lucene.Net.Util;

namespace LearningNavigator.Generation;

/// <summary>
/// Reduces text to comparable content words: lower-cased, accent-folded, English and Spanish stopwords removed,
/// lightly stemmed. Question and passage must go through the same stemmer, so the caller picks one per question.
/// </summary>
internal static class ContentWords
{
    private const LuceneVersion Version = LuceneVersion.LUCENE_48;

    // Lucene's English list is tiny (no "what", "how", "should"); questions need the interrogatives gone too.
    private static readonly string[] ExtraEnglishStopwords =
    [
        "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "do", "does", "did", "done", "i", "me", "my",
        "we", "our", "you", "your", "can", "could", "should", "would", "may", "might", "must", "shall", "about", "tell",
        "explain", "please", "have", "has", "had", "am", "were", "been", "being", "from", "so", "than", "too", "very",
        "just", "also", "any", "all", "some", "its", "he", "she", "him", "her", "his", "them", "us", "those", "up", "out",
        "over", "again", "more", "most", "other", "only", "own", "same", "each", "both", "few", "know", "need", "want",
        "get", "s", "t", "don", "doesn", "there", "here", "give", "let",
    ];

    private static readonly string[] ExtraSpanishStopwords =
    [
        "que", "cual", "cuales", "cuando", "donde", "quien", "quienes", "como", "puedo", "puede", "pueden", "debo", "debe",
        "deben", "hacer", "hago", "sobre", "favor", "decir", "dime", "explica", "saber", "necesito", "quiero",
    ];

    private static readonly CharArraySet Stopwords = BuildStopwords();

    private static readonly Analyzer English = Analyzer.NewAnonymous((_, reader) =>
    {
        var source = new StandardTokenizer(Version, reader);
        TokenStream sink = new EnglishPossessiveFilter(Version, source);
        sink = Common(sink);
        sink = new PorterStemFilter(sink);
        return new TokenStreamComponents(source, sink);
    });

    private static readonly Analyzer Spanish = Analyzer.NewAnonymous((_, reader) =>
    {
        var source = new StandardTokenizer(Version, reader);
        // Snowball rather than the light stemmer: it joins verb and noun forms ("enviar", "envío"; "facturas", "facturación").
        var sink = new SnowballFilter(Common(source), new SpanishStemmer());
        return new TokenStreamComponents(source, sink);
    });

    public static HashSet<string> Of(string text, bool spanish)
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(text))
        {
            return words;
        }

        using var stream = (spanish ? Spanish : English).GetTokenStream("text", text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            // Single letters and bare numbers rarely carry the topic ("5", "a") but inflate overlap.
            if (term.Length > 1 && !IsAllDigits(term))
            {
                words.Add(term.ToString());
            }
        }

        stream.End();
        return words;
    }

    public static string Fold(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                builder.Append(c);
            }
        }

        return builder.ToString().Normalize(NormalizationForm.FormC).ToLowerInvariant();
    }

    private static StopFilter Common(TokenStream input)
    {
        TokenStream stream = new LowerCaseFilter(Version, input);
        stream = new ASCIIFoldingFilter(stream);
        return new StopFilter(Version, stream, Stopwords);
    }

    private static bool IsAllDigits(ICharTermAttribute term)
    {
        for (var i = 0; i < term.Length; i++)
        {
            if (!char.IsDigit(term[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static CharArraySet BuildStopwords()
    {
        // Folded, because the stop filter runs after accent folding ("cómo" and "como" are the same stopword).
        var set = new CharArraySet(Version, 600, ignoreCase: true);
        foreach (var word in EnglishAnalyzer.DefaultStopSet.Concat(SpanishAnalyzer.DefaultStopSet).Select(w => w.ToString()))
        {
            set.Add(Fold(word));
        }

        foreach (var word in ExtraEnglishStopwords.Concat(ExtraSpanishStopwords))
        {
            set.Add(word);
        }

        return set;
    }
}
