namespace LearningNavigator.Knowledge;

/// <summary>Turns text into unit-length vectors, so the dot product of two of them is their cosine similarity.</summary>
public interface ITextEmbedder
{
    /// <summary>Names the model; vectors from different models are not comparable.</summary>
    string ModelId { get; }

    int Dimensions { get; }

    /// <summary>One vector per text, in the order given; each has <see cref="Dimensions"/> values and unit length.</summary>
    float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken);
}
