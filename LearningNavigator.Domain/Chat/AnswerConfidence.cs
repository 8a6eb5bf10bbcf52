using System.ComponentModel.DataAnnotations;
using LearningNavigator.Knowledge;

namespace LearningNavigator.Chat;

/// <summary>
/// How far an answer can be trusted, judged from retrieval alone (never by asking the model about itself):
/// the best passage's score, and how much the top passages agree, i.e. point at the same document.
/// </summary>
/// <param name="BestScore">The top passage's score, on the retriever's own scale; 0 when nothing was found.</param>
/// <param name="Agreement">
/// Share, 0 to 1, of the top passages' total score held by passages of the best passage's document. Scattered
/// hits across unrelated documents with similar scores mean retrieval is guessing.
/// </param>
/// <param name="IsLow">Below a configured threshold, or the answer cites nothing: the UI offers a person.</param>
public sealed record AnswerConfidence(double BestScore, double Agreement, bool IsLow)
{
    public static AnswerConfidence None { get; } = new(0, 0, true);

    public static AnswerConfidence Evaluate(IReadOnlyList<RetrievedPassage> passages, int citationCount, AnswerConfidenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(passages);
        ArgumentNullException.ThrowIfNull(options);
        if (passages.Count == 0)
        {
            return None;
        }

        var best = passages.MaxBy(p => p.Score)!;
        var top = passages.OrderByDescending(p => p.Score).Take(options.AgreementPassages).ToList();
        var total = top.Sum(p => Math.Max(0, p.Score));
        var agreement = total <= 0
            ? 1.0 / top.Count
            : top.Where(p => p.DocumentId == best.DocumentId).Sum(p => Math.Max(0, p.Score)) / total;
        var low = citationCount == 0 || best.Score < options.MinimumBestScore || agreement < options.MinimumAgreement;
        return new AnswerConfidence(best.Score, Math.Round(agreement, 4), low);
    }
}

/// <summary><c>Chat:Confidence</c>: when an answer counts as low-confidence.</summary>
public sealed class AnswerConfidenceOptions
{
    public const string SectionName = "Chat:Confidence";

    /// <summary>
    /// The best passage must score at least this, on the retriever's scale. The default fits the local hybrid
    /// index's reciprocal-rank fusion: just above 1/61, so the top passage must be found by both BM25 and the
    /// vectors. Bedrock Knowledge Base scores run 0 to 1 (0.4 is a sensible start); BM25 alone runs higher.
    /// </summary>
    [Range(0.0, double.MaxValue)]
    public double MinimumBestScore { get; set; } = 0.0165;

    /// <summary>Share of the top passages' score that must come from the best passage's document.</summary>
    [Range(0.0, 1.0)]
    public double MinimumAgreement { get; set; } = 0.34;

    /// <summary>How many of the top passages the agreement looks at.</summary>
    [Range(1, 20)]
    public int AgreementPassages { get; set; } = 3;
}
