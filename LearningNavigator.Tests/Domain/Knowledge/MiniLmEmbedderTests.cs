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
        // reuseVectors: false, so every attempt runs the model; one batch of 4 texts of about 80 words each.
        var embedder = new MiniLmEmbedder(reuseVectors: false);
        var text = string.Join(' ', Enumerable.Repeat("instructors submit invoices after teaching the course", 12));
        string[] texts = [.. Enumerable.Range(0, 4).Select(i => $"{i} {text}")];
        embedder.Embed(texts, CancellationToken.None);
        var timer = System.Diagnostics.Stopwatch.StartNew();
        embedder.Embed(texts, CancellationToken.None);
        // Measured after a first run, which also loads the model.
        var whole = timer.Elapsed;

        // Stops at a fifth to a half of an uncancelled run land inside ONNX Runtime; a busy machine can fire a timer
        // late, so attempts go on until one did, within a budget.
        var stoppedMidRun = 0;
        var budget = System.Diagnostics.Stopwatch.StartNew();
        for (var attempt = 0; stoppedMidRun == 0 && budget.Elapsed < TimeSpan.FromSeconds(20); attempt++)
        {
            using var stop = new CancellationTokenSource(whole * (0.2 + (0.1 * (attempt % 4))));
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
