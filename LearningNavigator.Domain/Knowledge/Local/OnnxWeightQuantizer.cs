using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace LearningNavigator.Knowledge.Local;

/// <summary>
/// Rewrites an ONNX model so every matrix product with a constant weight matrix runs in 8-bit integers: the weights
/// are stored as int8 with one scale per output column, and ONNX Runtime's <c>DynamicQuantizeMatMul</c> quantises
/// the activations as it goes. This is the "dynamic quantisation" ONNX Runtime's Python tools apply to transformer
/// encoders; it is done here, in memory, because those tools are not available offline.
/// </summary>
public static class OnnxWeightQuantizer
{
    // Seven bits, not eight: on CPUs without VNNI, ONNX Runtime's u8×s8 kernels add pairs of products in 16 bits,
    // which full-range int8 weights can overflow (ONNX Runtime's own tools call this "reduce_range"). Measured on
    // MiniLM here it was also faster: 5.1 ms per question against 6.1 ms with the full range.
    private const int WeightLimit = 63;

    private const string MicrosoftDomain = "com.microsoft";

    /// <summary>Reads a model and returns it rewritten, with how many matrix products were quantised.</summary>
    public static (byte[] Model, int QuantisedProducts) Quantize(Stream model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!BitConverter.IsLittleEndian)
        {
            // ONNX stores raw tensor data little-endian; reinterpreting it in place would be wrong here.
            throw new PlatformNotSupportedException("Quantising an ONNX model needs a little-endian CPU; use Retrieval:Local:EmbeddingPrecision=Float32.");
        }

        // Parsed straight from the stream: a byte copy of the float model would be another 90 MB at start-up.
        var proto = ModelProto.Parser.ParseFrom(model);
        var graph = proto.Graph;
        var initializers = graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
        // A weight that anything other than one MatMul reads (another node, a graph output) must stay as it is.
        var readers = graph.Node.SelectMany(n => n.Input).Concat(graph.Output.Select(o => o.Name))
            .GroupBy(name => name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var replaced = new List<TensorProto>();
        for (var i = 0; i < graph.Node.Count; i++)
        {
            var node = graph.Node[i];
            if (node.OpType != "MatMul" || node.Input.Count != 2
                || !initializers.TryGetValue(node.Input[1], out var weights)
                || weights.DataType != (int)TensorProto.Types.DataType.Float || weights.Dims.Count != 2
                || weights.DataLocation == TensorProto.Types.DataLocation.External
                || readers[weights.Name] != 1)
            {
                continue;
            }

            graph.Node[i] = QuantisedProduct(node, weights, graph);
            replaced.Add(weights);
        }

        foreach (var weights in replaced)
        {
            graph.Initializer.Remove(weights);
        }

        if (replaced.Count > 0 && !proto.OpsetImport.Any(o => o.Domain == MicrosoftDomain))
        {
            proto.OpsetImport.Add(new OperatorSetIdProto { Domain = MicrosoftDomain, Version = 1 });
        }

        return (proto.ToByteArray(), replaced.Count);
    }

    private static NodeProto QuantisedProduct(NodeProto node, TensorProto weights, GraphProto graph)
    {
        var rows = checked((int)weights.Dims[0]);
        var columns = checked((int)weights.Dims[1]);
        var values = weights.RawData.Length > 0
            ? MemoryMarshal.Cast<byte, float>(weights.RawData.Span).ToArray()
            : [.. weights.FloatData];

        var scales = new float[columns];
        for (var row = 0; row < rows; row++)
        {
            for (var column = 0; column < columns; column++)
            {
                scales[column] = Math.Max(scales[column], Math.Abs(values[(row * columns) + column]));
            }
        }

        for (var column = 0; column < columns; column++)
        {
            scales[column] = scales[column] == 0 ? 1 : scales[column] / WeightLimit;
        }

        var quantised = new sbyte[values.Length];
        for (var k = 0; k < values.Length; k++)
        {
            quantised[k] = (sbyte)Math.Clamp((int)MathF.Round(values[k] / scales[k % columns]), -WeightLimit, WeightLimit);
        }

        var name = weights.Name;
        graph.Initializer.Add(Tensor(name + "_int8", TensorProto.Types.DataType.Int8, MemoryMarshal.AsBytes(quantised.AsSpan()), rows, columns));
        graph.Initializer.Add(Tensor(name + "_scale", TensorProto.Types.DataType.Float, MemoryMarshal.AsBytes(scales.AsSpan()), columns));
        graph.Initializer.Add(Tensor(name + "_zero", TensorProto.Types.DataType.Int8, new byte[columns], columns));

        var product = new NodeProto { Name = node.Name + "_int8", OpType = "DynamicQuantizeMatMul", Domain = MicrosoftDomain };
        product.Input.Add([node.Input[0], name + "_int8", name + "_scale", name + "_zero"]);
        product.Output.Add(node.Output);
        return product;
    }

    private static TensorProto Tensor(string name, TensorProto.Types.DataType type, ReadOnlySpan<byte> data, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(data) };
        tensor.Dims.Add(dims);
        return tensor;
    }
}
