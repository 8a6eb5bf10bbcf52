namespace LearningNavigator.Knowledge.Evaluation;

/// <summary>
/// The standard ranking measures as trec_eval / pytrec_eval (used by BEIR) compute them for one query: the ranking
/// is a list of document ids best first, the judgements map relevant ids to positive grades.
/// </summary>
public static class RetrievalMetrics
{
    /// <summary>Normalised discounted cumulative gain with linear gain: Σ grade / log2(rank + 1) over the first k, divided by the ideal.</summary>
    public static double NdcgAt(IReadOnlyList<string> ranking, IReadOnlyDictionary<string, int> judgements, int k)
    {
        var dcg = 0.0;
        foreach (var (id, index) in Top(ranking, k))
        {
            if (judgements.TryGetValue(id, out var grade))
            {
                dcg += grade / Math.Log2(index + 2);
            }
        }

        var ideal = judgements.Values.OrderDescending().Take(k).Select((grade, index) => grade / Math.Log2(index + 2)).Sum();
        return ideal == 0 ? 0 : dcg / ideal;
    }

    /// <summary>Share of the relevant documents found in the first k.</summary>
    public static double RecallAt(IReadOnlyList<string> ranking, IReadOnlyDictionary<string, int> judgements, int k) =>
        judgements.Count == 0 ? 0 : (double)Top(ranking, k).Count(hit => judgements.ContainsKey(hit.Id)) / judgements.Count;

    /// <summary>1 / rank of the first relevant document within the first k, 0 if none.</summary>
    public static double ReciprocalRankAt(IReadOnlyList<string> ranking, IReadOnlyDictionary<string, int> judgements, int k)
    {
        foreach (var (id, index) in Top(ranking, k))
        {
            if (judgements.ContainsKey(id))
            {
                return 1.0 / (index + 1);
            }
        }

        return 0;
    }

    /// <summary>The first k distinct ids with their 0-based rank; a repeated id counts once, at its best rank.</summary>
    private static IEnumerable<(string Id, int Index)> Top(IReadOnlyList<string> ranking, int k)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in ranking)
        {
            if (seen.Count >= k)
            {
                yield break;
            }

            if (seen.Add(id))
            {
                yield return (id, seen.Count - 1);
            }
        }
    }
}
