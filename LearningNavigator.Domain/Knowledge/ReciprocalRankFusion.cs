namespace LearningNavigator.Knowledge;

/// <summary>
/// Reciprocal rank fusion (Cormack, Clarke and Büttcher, SIGIR 2009): an item's fused score is the sum over the
/// rankings that hold it of 1 / (k + rank), rank counted from 1. Only ranks matter, so BM25 scores and cosine
/// similarities, which live on unrelated scales, can be combined without calibration.
/// </summary>
public static class ReciprocalRankFusion
{
    /// <summary>The constant from the paper; larger values flatten the advantage of the very top ranks.</summary>
    public const int DefaultK = 60;

    /// <summary>Items by descending fused score; ties keep the order of first appearance (earlier ranking, higher rank).</summary>
    public static IReadOnlyList<(T Id, double Score)> Fuse<T>(IReadOnlyList<IReadOnlyList<T>> rankings, int k = DefaultK)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(rankings);
        ArgumentOutOfRangeException.ThrowIfNegative(k);

        var scores = new Dictionary<T, (double Score, int FirstSeen)>();
        foreach (var ranking in rankings)
        {
            var seenInThisRanking = new HashSet<T>();
            for (var i = 0; i < ranking.Count; i++)
            {
                var id = ranking[i];
                // A ranking that lists an item twice counts its best rank only.
                if (!seenInThisRanking.Add(id))
                {
                    continue;
                }

                var contribution = 1.0 / (k + i + 1);
                scores[id] = scores.TryGetValue(id, out var existing)
                    ? (existing.Score + contribution, existing.FirstSeen)
                    : (contribution, scores.Count);
            }
        }

        return [.. scores
            .OrderByDescending(pair => pair.Value.Score)
            .ThenBy(pair => pair.Value.FirstSeen)
            .Select(pair => (pair.Key, pair.Value.Score))];
    }
}
