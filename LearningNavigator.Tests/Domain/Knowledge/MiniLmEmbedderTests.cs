using System.Numerics.Tensors;
using LearningNavigator.Knowledge.Local;

namespace LearningNavigator.Tests.Domain.Knowledge;

/// <summary>The real model, offline: loads from the package in about a second.</summary>
public sealed class MiniLmEmbedderTests
{
    [Fact]
    public void Vectors_have_384_dimensions_unit_length_and_the_order_of_the_input()
    {
        var embedder = new MiniLmEmbedder();
        string[] texts = ["A much longer sentence about how instructors submit their invoices after teaching a course.", "Short.", string.Empty];

        var vectors = embedder.Embed(texts, CancellationToken.None);
        var single = embedder.Embed([texts[1]], CancellationToken.None)[0];

        Assert.Equal(3, vectors.Length);
        Assert.All(vectors, v => Assert.Equal(384, v.Length));
        Assert.All(vectors, v => Assert.Equal(1.0, TensorPrimitives.Norm(v), 3));
        // Batching sorts by length internally; the second vector must still be the one for "Short.".
        Assert.True(TensorPrimitives.CosineSimilarity(vectors[1], single) > 0.999f);
    }

    [Fact]
    public void A_question_is_closest_to_the_passage_that_answers_it_without_sharing_its_words()
    {
        var embedder = new MiniLmEmbedder();
        var vectors = embedder.Embed(
        [
            "My friend is terrified and cannot breathe properly, what should I do?",
            "During a panic attack, stay with the person, speak calmly and help them slow their breathing.",
            "Invoices must be submitted within thirty days of the course end date.",
        ], CancellationToken.None);

        var toPanic = TensorPrimitives.Dot(vectors[0], vectors[1]);
        var toInvoices = TensorPrimitives.Dot(vectors[0], vectors[2]);

        Assert.True(toPanic > toInvoices + 0.1f, $"panic {toPanic:F3}, invoices {toInvoices:F3}");
    }

    [Fact]
    public void Stopping_during_a_model_run_is_an_ordinary_cancellation()
    {
        // reuseVectors: false, so every attempt runs the model; 200-word texts make each run last tens of milliseconds.
        var embedder = new MiniLmEmbedder(reuseVectors: false);
        var text = string.Join(' ', Enumerable.Repeat("instructors submit invoices after teaching the course", 40));
        string[] texts = [.. Enumerable.Range(0, 8).Select(i => $"{i} {text}")];
        embedder.Embed(["load the model first"], CancellationToken.None);

        var stoppedMidRun = 0;
        for (var delay = 1; delay <= 12; delay++)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(delay));
            var failure = Record.Exception(() => embedder.Embed(texts, stop.Token));
            if (failure is null)
            {
                continue;
            }

            var cancelled = Assert.IsAssignableFrom<OperationCanceledException>(failure);
            Assert.Equal(stop.Token, cancelled.CancellationToken);
            stoppedMidRun += failure.InnerException is Microsoft.ML.OnnxRuntime.OnnxRuntimeException ? 1 : 0;
        }

        // At least one attempt was stopped inside ONNX Runtime, the case that used to escape as its own exception.
        Assert.True(stoppedMidRun > 0, "no attempt was cancelled during a model run");
    }
}
