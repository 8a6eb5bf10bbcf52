using LearningNavigator.Knowledge;

namespace LearningNavigator.Tests.Domain.Knowledge;

public sealed class ReciprocalRankFusionTests
{
    [Fact]
    public void Scores_are_sums_of_one_over_k_plus_rank()
    {
        var fused = ReciprocalRankFusion.Fuse<string>([["a", "b", "c"], ["c", "a", "d"]], k: 60);

        Assert.Equal(["a", "c", "b", "d"], fused.Select(f => f.Id));
        Assert.Equal((1.0 / 61) + (1.0 / 62), fused[0].Score, 12);
        Assert.Equal((1.0 / 63) + (1.0 / 61), fused[1].Score, 12);
        Assert.Equal(1.0 / 62, fused[2].Score, 12);
        Assert.Equal(1.0 / 63, fused[3].Score, 12);
    }

    [Fact]
    public void An_item_both_rankings_agree_on_beats_one_only_a_single_ranking_puts_first()
    {
        // "x" is first in one list only; "y" is second in both: 2/62 > 1/61.
        var fused = ReciprocalRankFusion.Fuse<string>([["x", "y"], ["z", "y"]]);

        Assert.Equal("y", fused[0].Id);
    }

    [Fact]
    public void Ties_keep_the_order_of_first_appearance()
    {
        var fused = ReciprocalRankFusion.Fuse<string>([["a", "b"], ["b", "a"]]);

        Assert.Equal(fused[0].Score, fused[1].Score, 12);
        Assert.Equal(["a", "b"], fused.Select(f => f.Id));
    }

    [Fact]
    public void A_repeated_item_counts_only_its_best_rank_within_one_ranking()
    {
        var fused = ReciprocalRankFusion.Fuse<string>([["a", "a", "b"]], k: 0);

        Assert.Equal(1.0, fused.Single(f => f.Id == "a").Score, 12);
        // "b" keeps its own position (third) even though "a" repeated.
        Assert.Equal(1.0 / 3, fused.Single(f => f.Id == "b").Score, 12);
    }

    [Fact]
    public void Empty_rankings_fuse_to_nothing()
    {
        Assert.Empty(ReciprocalRankFusion.Fuse<int>([[], []]));
    }
}
