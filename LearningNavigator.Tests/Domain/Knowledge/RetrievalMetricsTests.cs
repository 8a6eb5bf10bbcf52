using LearningNavigator.Knowledge.Evaluation;

namespace LearningNavigator.Tests.Domain.Knowledge;

public sealed class RetrievalMetricsTests
{
    private static readonly Dictionary<string, int> OneRelevant = new() { ["r"] = 1 };

    [Fact]
    public void Ndcg_is_one_for_the_ideal_order_and_discounted_by_log2_of_rank_plus_one()
    {
        Assert.Equal(1.0, RetrievalMetrics.NdcgAt(["r", "x"], OneRelevant, 10), 12);
        Assert.Equal(1 / Math.Log2(3), RetrievalMetrics.NdcgAt(["x", "r"], OneRelevant, 10), 12);
        Assert.Equal(1 / Math.Log2(4), RetrievalMetrics.NdcgAt(["x", "y", "r"], OneRelevant, 10), 12);
    }

    [Fact]
    public void Ndcg_uses_grades_as_linear_gains()
    {
        var graded = new Dictionary<string, int> { ["a"] = 1, ["b"] = 2 };

        var actual = RetrievalMetrics.NdcgAt(["a", "b"], graded, 10);

        Assert.Equal((1 + (2 / Math.Log2(3))) / (2 + (1 / Math.Log2(3))), actual, 12);
    }

    [Fact]
    public void Only_the_first_k_results_count()
    {
        var ranking = Enumerable.Range(0, 10).Select(i => "x" + i).Append("r").ToList();

        Assert.Equal(0, RetrievalMetrics.NdcgAt(ranking, OneRelevant, 10));
        Assert.Equal(0, RetrievalMetrics.RecallAt(ranking, OneRelevant, 10));
        Assert.Equal(0, RetrievalMetrics.ReciprocalRankAt(ranking, OneRelevant, 10));
        Assert.Equal(1, RetrievalMetrics.RecallAt(ranking, OneRelevant, 100));
    }

    [Fact]
    public void Recall_is_the_share_of_relevant_documents_found()
    {
        var three = new Dictionary<string, int> { ["a"] = 1, ["b"] = 1, ["c"] = 1 };

        Assert.Equal(2.0 / 3, RetrievalMetrics.RecallAt(["a", "x", "c"], three, 10), 12);
    }

    [Fact]
    public void Reciprocal_rank_is_one_over_the_rank_of_the_first_relevant_result()
    {
        var two = new Dictionary<string, int> { ["a"] = 1, ["b"] = 1 };

        Assert.Equal(1.0 / 3, RetrievalMetrics.ReciprocalRankAt(["x", "y", "b", "a"], two, 10), 12);
        Assert.Equal(0, RetrievalMetrics.ReciprocalRankAt([], two, 10));
    }

    [Fact]
    public void A_document_listed_twice_counts_once_at_its_best_rank()
    {
        // Chunks of one document can come back twice; the metric must not double its gain or push others down.
        var two = new Dictionary<string, int> { ["a"] = 1, ["b"] = 1 };

        Assert.Equal(1.0, RetrievalMetrics.NdcgAt(["a", "a", "b"], two, 10), 12);
    }
}
