using System.Diagnostics;
using LearningNavigator.Documents;

namespace LearningNavigator.Knowledge.Evaluation;

/// <summary>Averages over the judged queries, plus the cost of getting them.</summary>
public sealed record BeirResult
{
    public required double NdcgAt10 { get; init; }
    public required double RecallAt10 { get; init; }
    public required double RecallAt100 { get; init; }
    public required double MrrAt10 { get; init; }
    public required int Queries { get; init; }
    public required int Documents { get; init; }
    public required double IndexSeconds { get; init; }
    public required double P50Milliseconds { get; init; }
    public required double P95Milliseconds { get; init; }
}

/// <summary>Runs a BEIR collection through the product's own retriever: one chunk per corpus document.</summary>
public static class BeirEvaluator
{
    public const int Depth = 100;

    /// <summary>Readers of every role may see an evaluation document, so the retriever's role filter is a no-op.</summary>
    private static readonly string[] AllReaders = [AppRoles.Instructor, AppRoles.Staff];

    /// <summary>
    /// The corpus shaped for <c>IKnowledgeIndex</c>, one chunk per document holding title and body in one text
    /// field: the "flat" BEIR indexing Anserini uses. Keeping the title in the boosted title field instead scores
    /// lower on SciFact (nDCG@10 0.637 against 0.695, see docs/benchmarks.md): BEIR titles are whole sentences,
    /// not the shared document title a chunk's title field is meant for.
    /// </summary>
    public static IEnumerable<(DocumentMetadata Document, string ContentHash, IReadOnlyList<DocumentChunk> Chunks)> ToIndexDocuments(BeirDataset dataset)
    {
        foreach (var document in dataset.Corpus)
        {
            var metadata = new DocumentMetadata
            {
                Id = document.Id,
                Title = document.Title,
                Language = LanguageDetector.English,
                Roles = AllReaders,
                FileName = document.Id + ".txt",
            };
            var chunk = new DocumentChunk
            {
                Id = document.Id + "#0",
                DocumentId = document.Id,
                Title = string.Empty,
                Language = LanguageDetector.English,
                Roles = AllReaders,
                StartOffset = 0,
                EndOffset = document.Text.Length,
                Text = string.IsNullOrEmpty(document.Title) ? document.Text : document.Title + "\n" + document.Text,
                Ordinal = 0,
                TokenCount = 0,
            };
            yield return (metadata, "beir", [chunk]);
        }
    }

    /// <summary>Asks every judged query once (as an admin, no language filter) and scores the top 100.</summary>
    public static async Task<BeirResult> EvaluateAsync(BeirDataset dataset, IKnowledgeRetriever retriever, double indexSeconds, CancellationToken cancellationToken)
    {
        double ndcg = 0, recall10 = 0, recall100 = 0, mrr = 0;
        var latencies = new List<double>(dataset.Queries.Count);
        foreach (var query in dataset.Queries)
        {
            var started = Stopwatch.GetTimestamp();
            var passages = await retriever.RetrieveAsync(new RetrievalRequest { Query = query.Text, Role = AppRoles.Admin, TopK = Depth }, cancellationToken);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);

            var ranking = passages.Select(p => p.DocumentId).ToList();
            var judgements = dataset.Qrels[query.Id];
            ndcg += RetrievalMetrics.NdcgAt(ranking, judgements, 10);
            recall10 += RetrievalMetrics.RecallAt(ranking, judgements, 10);
            recall100 += RetrievalMetrics.RecallAt(ranking, judgements, 100);
            mrr += RetrievalMetrics.ReciprocalRankAt(ranking, judgements, 10);
        }

        var n = dataset.Queries.Count;
        latencies.Sort();
        return new BeirResult
        {
            NdcgAt10 = ndcg / n,
            RecallAt10 = recall10 / n,
            RecallAt100 = recall100 / n,
            MrrAt10 = mrr / n,
            Queries = n,
            Documents = dataset.Corpus.Count,
            IndexSeconds = indexSeconds,
            P50Milliseconds = Percentile(latencies, 0.50),
            P95Milliseconds = Percentile(latencies, 0.95),
        };
    }

    /// <summary>Nearest-rank percentile of an ascending list.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
