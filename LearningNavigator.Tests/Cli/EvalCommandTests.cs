using System.Text.Json;
using LearningNavigator.Cli.Commands;
using LearningNavigator.Knowledge.Evaluation;
using LearningNavigator.Knowledge.Local;
using LearningNavigator.Tests.Domain.Knowledge;

namespace LearningNavigator.Tests.Cli;

public sealed class EvalCommandTests
{
    [Fact]
    public async Task Bm25_on_the_tiny_folder_gives_the_hand_computed_metrics()
    {
        using var beir = new TinyBeir();
        var dataset = await BeirDataset.LoadAsync(beir.Path, CancellationToken.None);

        var result = await EvalCommand.RunAsync(dataset, new LocalIndexOptions(), RetrievalMode.Bm25, progress: null, CancellationToken.None);

        Assert.Equal(TinyBeir.ExpectedNdcg10, result.NdcgAt10, 6);
        Assert.Equal(TinyBeir.ExpectedRecall10, result.RecallAt10, 6);
        // Every relevant document that shares a word with its query is found; q2's never is.
        Assert.Equal(0.75, result.RecallAt100, 6);
        Assert.Equal(TinyBeir.ExpectedMrr10, result.MrrAt10, 6);
        Assert.Equal((4, 5), (result.Queries, result.Documents));
        Assert.True(result.P95Milliseconds >= result.P50Milliseconds);
    }

    [Fact]
    public async Task The_json_form_is_one_object_with_exactly_the_documented_keys()
    {
        using var beir = new TinyBeir();
        var dataset = await BeirDataset.LoadAsync(beir.Path, CancellationToken.None);
        var result = await EvalCommand.RunAsync(dataset, new LocalIndexOptions(), RetrievalMode.Bm25, progress: null, CancellationToken.None);

        using var json = JsonDocument.Parse(EvalCommand.ToJson(result));

        Assert.Equal(
            ["ndcg@10", "recall@10", "recall@100", "mrr@10", "queries", "documents", "index_seconds", "p50_ms", "p95_ms"],
            json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(Math.Round(TinyBeir.ExpectedNdcg10, 4), json.RootElement.GetProperty("ndcg@10").GetDouble(), 6);
        Assert.Equal(4, json.RootElement.GetProperty("queries").GetInt32());
    }
}
