using LearningNavigator.Knowledge;

namespace LearningNavigator.Tests.Domain.Knowledge;

/// <summary>
/// A deterministic stand-in for MiniLM: bag of words hashed into 384 dimensions, with a synonym table so
/// "meaning" can match where words do not. Counts every text it embeds, so tests can prove what was re-embedded.
/// </summary>
internal sealed class KeywordEmbedder(IReadOnlyDictionary<string, string>? synonyms = null, string modelId = "keyword-test") : ITextEmbedder
{
    private int _embedded;

    public string ModelId => modelId;

    public int Dimensions => 384;

    public int TextsEmbedded => Volatile.Read(ref _embedded);

    public float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        Interlocked.Add(ref _embedded, texts.Count);
        return [.. texts.Select(Vector)];
    }

    private float[] Vector(string text)
    {
        var vector = new float[Dimensions];
        foreach (var raw in text.ToLowerInvariant().Split([' ', '\n', '.', ',', '?', '!'], StringSplitOptions.RemoveEmptyEntries))
        {
            var word = synonyms is not null && synonyms.TryGetValue(raw, out var canonical) ? canonical : raw;
            vector[(int)(Fnv1a(word) % (uint)Dimensions)] += 1;
        }

        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        return norm == 0 ? vector : [.. vector.Select(v => v / norm)];
    }

    // string.GetHashCode differs between processes; a fixed hash keeps the vectors the same everywhere.
    private static uint Fnv1a(string word)
    {
        var hash = 2166136261u;
        foreach (var c in word)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}
