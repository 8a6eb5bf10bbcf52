using LearningNavigator.Knowledge.Evaluation;

namespace LearningNavigator.Tests.Domain.Knowledge;

public sealed class BeirDatasetTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Loads_corpus_judged_queries_and_positive_judgements(bool qrelsInSubfolder)
    {
        using var beir = new TinyBeir(qrelsInSubfolder);

        var dataset = await BeirDataset.LoadAsync(beir.Path, CancellationToken.None);

        Assert.Equal(["d1", "d2", "d3", "d4", "d5"], dataset.Corpus.Select(d => d.Id));
        Assert.Equal(("Doc two", "Penguins live in Antarctica."), (dataset.Corpus[1].Title, dataset.Corpus[1].Text));
        Assert.Equal(["q1", "q2", "q3", "q4"], dataset.Queries.Select(q => q.Id));
        Assert.Equal(["d2"], dataset.Qrels["q1"].Keys);
        Assert.Equal(2, dataset.Qrels["q4"]["d2"]);
    }

    [Fact]
    public async Task A_folder_without_judgements_is_refused_by_name()
    {
        using var beir = new TinyBeir();
        File.Delete(Path.Combine(beir.Path, "qrels.tsv"));

        var error = await Assert.ThrowsAsync<BeirFormatException>(() => BeirDataset.LoadAsync(beir.Path, CancellationToken.None));

        Assert.Contains("qrels.tsv", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broken_corpus_line_is_reported_with_its_number()
    {
        using var beir = new TinyBeir();
        File.AppendAllText(Path.Combine(beir.Path, "corpus.jsonl"), "{not json\n");

        var error = await Assert.ThrowsAsync<BeirFormatException>(() => BeirDataset.LoadAsync(beir.Path, CancellationToken.None));

        Assert.Contains("corpus.jsonl line 7", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_folder_is_refused_by_name()
    {
        var error = await Assert.ThrowsAsync<BeirFormatException>(() => BeirDataset.LoadAsync("/nonexistent/beir", CancellationToken.None));

        Assert.Contains("/nonexistent/beir", error.Message, StringComparison.Ordinal);
    }
}
