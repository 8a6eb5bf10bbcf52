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
}
