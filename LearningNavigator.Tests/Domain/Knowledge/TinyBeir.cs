namespace LearningNavigator.Tests.Domain.Knowledge;

/// <summary>
/// A hand-made BEIR folder whose BM25 rankings are obvious, so every metric has a known answer:
/// q1 finds its one relevant document first; q2's relevant document shares no word with it (never retrieved);
/// q3's relevant document comes second (it matches one query word, the other matches two);
/// q4 has two relevant documents with grades 1 and 2, found in the opposite order of their grades.
/// q5 has no judgement and q1's 0-grade line is no judgement either, so 4 queries count.
/// </summary>
internal sealed class TinyBeir : IDisposable
{
    public const double ExpectedNdcg10 = (1 + 0 + Q3Ndcg + Q4Ndcg) / 4;
    public const double ExpectedRecall10 = (1 + 0 + 1 + 1) / 4.0;
    public const double ExpectedMrr10 = (1 + 0 + 0.5 + 1) / 4;

    // 1 / log2(3): the relevant document at rank 2.
    public const double Q3Ndcg = 0.63092975357145743;
    // DCG = 1/log2(2) + 2/log2(3); ideal = 2/log2(2) + 1/log2(3).
    public const double Q4Ndcg = (1 + (2 * Q3Ndcg)) / (2 + Q3Ndcg);

    public TinyBeir(bool qrelsInSubfolder = false)
    {
        Directory.CreateDirectory(Path);
        File.WriteAllLines(System.IO.Path.Combine(Path, "corpus.jsonl"),
        [
            """{"_id": "d1", "title": "Doc one", "text": "Aspirin lowers a fever."}""",
            """{"_id": "d2", "title": "Doc two", "text": "Penguins live in Antarctica."}""",
            """{"_id": "d3", "title": "Doc three", "text": "Volcanoes pour out lava."}""",
            """{"_id": "d4", "title": "Doc four", "text": "Glaciers carve valleys."}""",
            "",
            """{"_id": "d5", "title": "Doc five", "text": "Bees make honey.", "metadata": {}}""",
        ]);
        File.WriteAllLines(System.IO.Path.Combine(Path, "queries.jsonl"),
        [
            """{"_id": "q1", "text": "penguins antarctica"}""",
            """{"_id": "q2", "text": "volcanoes lava"}""",
            """{"_id": "q3", "text": "bees honey glaciers"}""",
            """{"_id": "q4", "text": "aspirin fever penguins"}""",
            """{"_id": "q5", "text": "unjudged question"}""",
        ]);
        var qrels = System.IO.Path.Combine(Path, qrelsInSubfolder ? "qrels/test.tsv" : "qrels.tsv");
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(qrels)!);
        File.WriteAllLines(qrels,
        [
            "query-id\tcorpus-id\tscore",
            "q1\td2\t1",
            "q1\td3\t0",
            "q2\td4\t1",
            "q3\td4\t1",
            "q4\td1\t1",
            "q4\td2\t2",
        ]);
    }

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ln-beir-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
