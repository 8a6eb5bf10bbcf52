using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using LearningNavigator.Knowledge;
using LearningNavigator.Knowledge.Evaluation;
using LearningNavigator.Knowledge.Local;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Cli.Commands;

/// <summary>`eval --beir dir`: retrieval quality of the product's own retriever on a BEIR collection, in a temporary index.</summary>
public static class EvalCommand
{
    private const int IndexBatch = 64;

    /// <param name="settings">--Retrieval:Local:* settings (BM25 k1/b, fusion) apply; the index path and mode do not.</param>
    public static Command Create(IReadOnlyDictionary<string, string?> settings)
    {
        var beir = new Option<DirectoryInfo>("--beir") { Description = "BEIR folder: corpus.jsonl, queries.jsonl, qrels.tsv or qrels/test.tsv.", Required = true };
        var retriever = new Option<string>("--retriever") { Description = "Which ranking to evaluate.", DefaultValueFactory = _ => "bm25" };
        retriever.AcceptOnlyFromAmong("bm25", "dense", "hybrid");
        var json = new Option<bool>("--json") { Description = "Print exactly one JSON object and nothing else on stdout." };
        var cache = new Option<FileInfo?>("--embedding-cache") { Description = "File that keeps document vectors between runs (dense and hybrid embed the corpus once)." };

        var command = new Command("eval", "Index a BEIR collection into a temporary index and print nDCG@10, Recall@10/100, MRR@10 and latency.")
        {
            beir, retriever, json, cache,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var mode = parse.GetValue(retriever) switch
            {
                "dense" => RetrievalMode.Dense,
                "hybrid" => RetrievalMode.Hybrid,
                _ => RetrievalMode.Bm25,
            };
            BeirDataset dataset;
            try
            {
                dataset = await BeirDataset.LoadAsync(parse.GetValue(beir)!.FullName, cancellationToken);
            }
            catch (BeirFormatException ex)
            {
                Console.Error.WriteLine(ex.Message);
                return 2;
            }

            var options = new LocalIndexOptions();
            new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(LocalIndexOptions.SectionName).Bind(options);
            // The app validates these at start-up; an evaluation of a setting the app would refuse means nothing.
            System.ComponentModel.DataAnnotations.Validator.ValidateObject(options, new System.ComponentModel.DataAnnotations.ValidationContext(options), validateAllProperties: true);
            // Progress goes to stderr, so --json still leaves exactly one object on stdout.
            var result = await RunAsync(dataset, options, mode, Console.Error, cancellationToken, parse.GetValue(cache)?.FullName);
            Console.WriteLine(parse.GetValue(json) ? ToJson(result) : ToText(result, mode));
            return 0;
        });
        return command;
    }

    public static async Task<BeirResult> RunAsync(
        BeirDataset dataset, LocalIndexOptions settings, RetrievalMode mode, TextWriter? progress, CancellationToken cancellationToken, string? embeddingCache = null)
    {
        var path = Path.Combine(Path.GetTempPath(), "ln-eval-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = Options.Create(new LocalIndexOptions
            {
                IndexPath = path,
                Mode = mode,
                Bm25K1 = settings.Bm25K1,
                Bm25B = settings.Bm25B,
                FusionDepth = settings.FusionDepth,
                RrfK = settings.RrfK,
            });
            using var cache = mode == RetrievalMode.Bm25 || embeddingCache is null ? null : new EmbeddingCacheFile(new MiniLmEmbedder(settings.EmbeddingPrecision, reuseVectors: false), embeddingCache);
            // No in-process memo either: every query must pay for its own embedding, as in the app.
            ITextEmbedder? embedder = mode == RetrievalMode.Bm25 ? null : cache ?? (ITextEmbedder)new MiniLmEmbedder(settings.EmbeddingPrecision, reuseVectors: false);
            using var index = new LuceneKnowledgeIndex(options, embedder, NullLogger<LuceneKnowledgeIndex>.Instance);
            var started = Stopwatch.GetTimestamp();
            var done = 0;
            foreach (var batch in BeirEvaluator.ToIndexDocuments(dataset).Chunk(IndexBatch))
            {
                await index.UpsertDocumentsAsync(batch, cancellationToken);
                done += batch.Length;
                progress?.Write($"\rindexed {done}/{dataset.Corpus.Count} documents, {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");
            }

            var indexSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            cache?.Enabled = false;
            progress?.WriteLine();
            return await BeirEvaluator.EvaluateAsync(dataset, index, indexSeconds, cancellationToken);
        }
        finally
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
    }

    public static string ToJson(BeirResult result) => new JsonObject
    {
        ["ndcg@10"] = Math.Round(result.NdcgAt10, 4),
        ["recall@10"] = Math.Round(result.RecallAt10, 4),
        ["recall@100"] = Math.Round(result.RecallAt100, 4),
        ["mrr@10"] = Math.Round(result.MrrAt10, 4),
        ["queries"] = result.Queries,
        ["documents"] = result.Documents,
        ["index_seconds"] = Math.Round(result.IndexSeconds, 2),
        ["p50_ms"] = Math.Round(result.P50Milliseconds, 2),
        ["p95_ms"] = Math.Round(result.P95Milliseconds, 2),
    }.ToJsonString();

    private static string ToText(BeirResult r, RetrievalMode mode) => string.Create(CultureInfo.InvariantCulture, $"""
        retriever    {mode}
        nDCG@10      {r.NdcgAt10:F4}
        Recall@10    {r.RecallAt10:F4}
        Recall@100   {r.RecallAt100:F4}
        MRR@10       {r.MrrAt10:F4}
        queries      {r.Queries}
        documents    {r.Documents}
        indexing     {r.IndexSeconds:F2} s
        latency p50  {r.P50Milliseconds:F2} ms
        latency p95  {r.P95Milliseconds:F2} ms
        """);
}
