using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using LearningNavigator.Documents;
using LearningNavigator.Knowledge;
using LearningNavigator.Knowledge.Evaluation;
using LearningNavigator.Knowledge.Local;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Cli.Commands;

/// <summary>
/// `bench retrieval --chunks N`: ingestion throughput, query latency and memory of the local index at a given size,
/// on synthetic chunks cut from a BEIR corpus (real vocabulary and term statistics) with its queries.
/// </summary>
public static class BenchCommand
{
    private const int ChunksPerDocument = 20;
    private const int WordsPerChunk = 120;

    public static Command Create()
    {
        var chunks = new Option<int>("--chunks") { Description = "How many chunks to index.", DefaultValueFactory = _ => 10_000 };
        var beir = new Option<DirectoryInfo>("--beir") { Description = "BEIR folder whose corpus text and queries are used.", DefaultValueFactory = _ => new DirectoryInfo(DefaultBeir()) };
        var queries = new Option<int>("--queries") { Description = "How many timed queries per mode.", DefaultValueFactory = _ => 300 };
        var embedSample = new Option<int>("--embed-sample") { Description = "Chunks embedded with MiniLM to measure ingestion with embeddings.", DefaultValueFactory = _ => 256 };

        var retrieval = new Command("retrieval", "Index N synthetic chunks, then print ingestion chunks/s, query p50/p95 (BM25, dense, hybrid) and memory.")
        {
            chunks, beir, queries, embedSample,
        };
        retrieval.SetAction(async (parse, cancellationToken) =>
        {
            var dataset = await BeirDataset.LoadAsync(parse.GetValue(beir)!.FullName, cancellationToken);
            await RunAsync(dataset, parse.GetValue(chunks), parse.GetValue(queries), parse.GetValue(embedSample), Console.Out, cancellationToken);
            return 0;
        });
        return new Command("bench", "Measure the local retriever.") { retrieval };
    }

    private static string DefaultBeir()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "benchmarks", "scifact");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return "scifact";
    }

    public static async Task RunAsync(BeirDataset dataset, int chunkCount, int queryCount, int embedSample, TextWriter output, CancellationToken cancellationToken)
    {
        var documents = Synthesize(dataset, chunkCount);
        var questions = dataset.Queries.Select(q => q.Text).Take(queryCount).ToList();
        var path = Path.Combine(Path.GetTempPath(), "ln-bench-" + Guid.NewGuid().ToString("N"));
        var miniLm = new MiniLmEmbedder(reuseVectors: false);
        var embedder = new IndexingStandIn(miniLm);
        output.WriteLine($"{chunkCount} chunks in {documents.Count} documents of up to {ChunksPerDocument} chunks, {WordsPerChunk} words each; {questions.Count} queries; {Environment.ProcessorCount} cores");
        try
        {
            var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
            var workingSetBefore = Environment.WorkingSet;

            // BM25 ingestion: one UpsertDocumentAsync (one commit) per document, as the library ingestion does.
            double bm25Seconds;
            using (var bm25 = new LuceneKnowledgeIndex(Options.Create(new LocalIndexOptions { IndexPath = path, Mode = RetrievalMode.Bm25 })))
            {
                var started = Stopwatch.GetTimestamp();
                var cpuStarted = Process.GetCurrentProcess().TotalProcessorTime;
                foreach (var (document, hash, chunks) in documents)
                {
                    await bm25.UpsertDocumentAsync(document, hash, chunks, cancellationToken);
                }

                bm25Seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuStarted).TotalSeconds;
                output.WriteLine(Invariant($"ingestion BM25 only: {chunkCount / bm25Seconds:F0} chunks/s ({bm25Seconds:F1} s wall, {cpuSeconds:F1} s CPU, one commit per document)"));
                await MeasureAsync(bm25, "BM25", questions, output, cancellationToken);
                GC.KeepAlive(dataset);
                output.WriteLine(Invariant($"memory of the open, searched BM25 index: managed heap +{(GC.GetTotalMemory(forceFullCollection: true) - heapBefore) / 1048576.0:F0} MiB, working set +{(Environment.WorkingSet - workingSetBefore) / 1048576.0:F0} MiB"));
            }

            // Bulk loads (eval, re-index) go through UpsertDocumentsAsync: one commit per batch of 50 documents.
            using (var bulk = new LuceneKnowledgeIndex(Options.Create(new LocalIndexOptions { IndexPath = path + "-bulk", Mode = RetrievalMode.Bm25 })))
            {
                var started = Stopwatch.GetTimestamp();
                var cpuStarted = Process.GetCurrentProcess().TotalProcessorTime;
                foreach (var batch in documents.Chunk(50))
                {
                    await bulk.UpsertDocumentsAsync(batch, cancellationToken);
                }

                var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuStarted).TotalSeconds;
                output.WriteLine(Invariant($"ingestion BM25 only, bulk: {chunkCount / seconds:F0} chunks/s ({seconds:F1} s wall, {cpuSeconds:F1} s CPU, one commit per 50 documents)"));
            }

            Directory.Delete(path + "-bulk", recursive: true);

            // With embeddings: MiniLM on a sample (embedding dominates and is linear in the chunk count).
            var sample = documents.SelectMany(d => d.Chunks).Take(embedSample).Select(c => c.Title + "\n" + c.Text).ToList();
            miniLm.Embed(["warm-up"], cancellationToken);
            var embedStarted = Stopwatch.GetTimestamp();
            var embedCpuStarted = Process.GetCurrentProcess().TotalProcessorTime;
            miniLm.Embed(sample, cancellationToken);
            var embedSeconds = Stopwatch.GetElapsedTime(embedStarted).TotalSeconds;
            var embedCpu = (Process.GetCurrentProcess().TotalProcessorTime - embedCpuStarted).TotalSeconds;
            var perChunkSeconds = (bm25Seconds / chunkCount) + (embedSeconds / sample.Count);
            output.WriteLine(Invariant($"ingestion with MiniLM embeddings: {1 / perChunkSeconds:F1} chunks/s (embedding {sample.Count / embedSeconds:F1} chunks/s wall, {embedCpu / sample.Count * 1000:F0} ms CPU per chunk, on {sample.Count} chunks; plus BM25 indexing)"));

            // Hybrid at full size: chunk vectors are random unit vectors (scan cost does not depend on their values,
            // and embedding 100k chunks with MiniLM on 2 cores would take hours); queries are embedded by MiniLM.
            var options = Options.Create(new LocalIndexOptions { IndexPath = path, Mode = RetrievalMode.Hybrid });
            using (var hybrid = new LuceneKnowledgeIndex(options, embedder, NullLogger<LuceneKnowledgeIndex>.Instance))
            {
                // The first hybrid search stores vectors for every chunk (the Bm25-built index has none).
                var started = Stopwatch.GetTimestamp();
                await hybrid.RetrieveAsync(new RetrievalRequest { Query = "warm-up", Role = AppRoles.Admin }, cancellationToken);
                output.WriteLine(Invariant($"storing {hybrid.CountChunkVectors()} vectors into the existing index: {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s"));
                embedder.Indexing = false;

                await MeasureAsync(hybrid, "hybrid (BM25 + dense, RRF)", questions, output, cancellationToken);
                var queryEmbedding = new List<double>();
                foreach (var question in questions)
                {
                    var t = Stopwatch.GetTimestamp();
                    miniLm.Embed([question], cancellationToken);
                    queryEmbedding.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                }

                queryEmbedding.Sort();
                output.WriteLine(Invariant($"  of which MiniLM query embedding: p50 {BeirEvaluator.Percentile(queryEmbedding, 0.5):F2} ms, p95 {BeirEvaluator.Percentile(queryEmbedding, 0.95):F2} ms"));

                var heapAfter = GC.GetTotalMemory(forceFullCollection: true);
                GC.KeepAlive(hybrid);
                GC.KeepAlive(documents);
                GC.KeepAlive(dataset);
                output.WriteLine(Invariant($"memory of the open, searched hybrid index: managed heap +{(heapAfter - heapBefore) / 1048576.0:F0} MiB (of which vector arrays {hybrid.CountChunkVectors() * 384 * 4 / 1048576.0:F0} MiB), working set +{(Environment.WorkingSet - workingSetBefore) / 1048576.0:F0} MiB (includes the MiniLM model), total {Environment.WorkingSet / 1048576.0:F0} MiB"));
                output.WriteLine(Invariant($"index on disk: {DirectorySize(path) / 1048576.0:F0} MiB"));
            }

            using (var dense = new LuceneKnowledgeIndex(Options.Create(new LocalIndexOptions { IndexPath = path, Mode = RetrievalMode.Dense }), embedder, NullLogger<LuceneKnowledgeIndex>.Instance))
            {
                await MeasureAsync(dense, "dense only", questions, output, cancellationToken);
            }
        }
        finally
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
    }

    private static async Task MeasureAsync(LuceneKnowledgeIndex retriever, string label, List<string> questions, TextWriter output, CancellationToken cancellationToken)
    {
        // As the chat asks: an instructor, English passages, the default five.
        RetrievalRequest Request(string q) => new() { Query = q, Role = AppRoles.Instructor, Language = LanguageDetector.English, TopK = 5 };
        foreach (var question in questions.Take(20))
        {
            await retriever.RetrieveAsync(Request(question), cancellationToken);
        }

        var times = new List<double>(questions.Count);
        var threadCpu = new List<double>(questions.Count);
        var cpuStarted = Process.GetCurrentProcess().TotalProcessorTime;
        foreach (var question in questions)
        {
            var started = Stopwatch.GetTimestamp();
            var cpu = ThreadCpu.Milliseconds();
            // Synchronous at heart: the search runs on this thread, so its CPU time is this thread's.
            await retriever.RetrieveAsync(Request(question), cancellationToken);
            threadCpu.Add(ThreadCpu.Milliseconds() - cpu);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        // CPU time per query does not grow when other processes take the cores, so it shows the cost on an idle machine.
        var cpuPerQuery = (Process.GetCurrentProcess().TotalProcessorTime - cpuStarted).TotalMilliseconds / times.Count;
        times.Sort();
        output.WriteLine(Invariant($"retrieval {label}: p50 {BeirEvaluator.Percentile(times, 0.5):F2} ms, p95 {BeirEvaluator.Percentile(times, 0.95):F2} ms, mean CPU {cpuPerQuery:F2} ms over {times.Count} queries"));
        if (OperatingSystem.IsLinux())
        {
            // Per-query CPU of the searching thread: what p50/p95 would be on an idle machine, however busy this one is.
            threadCpu.Sort();
            output.WriteLine(Invariant($"  CPU time per query: p50 {BeirEvaluator.Percentile(threadCpu, 0.5):F2} ms, p95 {BeirEvaluator.Percentile(threadCpu, 0.95):F2} ms"));
        }
    }

    /// <summary>
    /// Chunks of 120 consecutive words taken at seeded random offsets of the corpus text, 20 per document,
    /// two thirds visible to instructors and staff and one third to staff only.
    /// </summary>
    private static List<(DocumentMetadata Document, string ContentHash, IReadOnlyList<DocumentChunk> Chunks)> Synthesize(BeirDataset dataset, int chunkCount)
    {
        var words = dataset.Corpus.SelectMany(d => (d.Title + " " + d.Text).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToArray();
        var random = new Random(42);
        string[] everyone = [AppRoles.Instructor, AppRoles.Staff];
        string[] staff = [AppRoles.Staff];
        var result = new List<(DocumentMetadata, string, IReadOnlyList<DocumentChunk>)>();
        for (var d = 0; d * ChunksPerDocument < chunkCount; d++)
        {
            var id = "bench-" + d.ToString(CultureInfo.InvariantCulture);
            var roles = d % 3 == 2 ? staff : everyone;
            var title = string.Join(' ', words.AsSpan(random.Next(words.Length - 8), 6).ToArray());
            var metadata = new DocumentMetadata { Id = id, Title = title, Language = LanguageDetector.English, Roles = roles, FileName = id + ".md" };
            var chunks = new List<DocumentChunk>();
            for (var c = 0; c < ChunksPerDocument && (d * ChunksPerDocument) + c < chunkCount; c++)
            {
                var text = string.Join(' ', words.AsSpan(random.Next(words.Length - WordsPerChunk), WordsPerChunk).ToArray());
                chunks.Add(new DocumentChunk
                {
                    Id = $"{id}#{c}",
                    DocumentId = id,
                    Title = title,
                    Language = LanguageDetector.English,
                    Roles = roles,
                    StartOffset = c * text.Length,
                    EndOffset = (c + 1) * text.Length,
                    Text = text,
                    Ordinal = c,
                    TokenCount = WordsPerChunk,
                });
            }

            result.Add((metadata, "h" + id, chunks));
        }

        return result;
    }

    private static long DirectorySize(string path) => new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>CPU time of the calling thread (Linux clock_gettime); NaN elsewhere.</summary>
    private static class ThreadCpu
    {
        private const int ClockThreadCpuTimeId = 3;

        public static double Milliseconds() =>
            OperatingSystem.IsLinux() && NativeMethods.clock_gettime(ClockThreadCpuTimeId, out var time) == 0
                ? (time.Seconds * 1000.0) + (time.Nanoseconds / 1e6)
                : double.NaN;
    }

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    private static class NativeMethods
    {
        [System.Runtime.InteropServices.DllImport("libc")]
        [System.Runtime.InteropServices.DefaultDllImportSearchPaths(System.Runtime.InteropServices.DllImportSearchPath.SafeDirectories)]
        internal static extern int clock_gettime(int clockId, out TimeSpec time);
    }

    /// <summary>Random unit vectors while indexing, the real model for queries.</summary>
    private sealed class IndexingStandIn(MiniLmEmbedder model) : ITextEmbedder
    {
        private readonly Random _random = new(7);

        public bool Indexing { get; set; } = true;

        public string ModelId => model.ModelId;

        public int Dimensions => model.Dimensions;

        public float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken)
        {
            if (!Indexing)
            {
                return model.Embed(texts, cancellationToken);
            }

            var vectors = new float[texts.Count][];
            for (var i = 0; i < vectors.Length; i++)
            {
                var v = new float[Dimensions];
                for (var j = 0; j < v.Length; j++)
                {
                    v[j] = (float)((_random.NextDouble() * 2) - 1);
                }

                System.Numerics.Tensors.TensorPrimitives.Divide(v, System.Numerics.Tensors.TensorPrimitives.Norm(v), v);
                vectors[i] = v;
            }

            return vectors;
        }
    }
}
