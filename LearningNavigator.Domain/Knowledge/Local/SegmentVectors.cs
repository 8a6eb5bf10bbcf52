using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace LearningNavigator.Knowledge.Local;

/// <summary>
/// The chunk vectors of one Lucene segment copied into one contiguous float array (row = segment doc id), so a
/// dense search is a brute-force scan of dot products. Vectors are persisted in the index as binary doc values;
/// segments never change once written (deletes only hide documents), so a copy stays valid for the segment's life
/// and is dropped with it.
/// </summary>
internal sealed class SegmentVectors
{
    public const string Field = "vec";

    private static readonly ConditionalWeakTable<object, SegmentVectors> Cache = [];

    private readonly float[] _values;
    private readonly bool[] _present;
    private readonly int _dimensions;

    private SegmentVectors(float[] values, bool[] present, int dimensions)
    {
        _values = values;
        _present = present;
        _dimensions = dimensions;
    }

    /// <summary>How many documents of the segment carry a vector (deleted ones included).</summary>
    public int Count { get; private init; }

    public static SegmentVectors For(AtomicReader reader, int dimensions) =>
        Cache.GetValue(reader.CoreCacheKey, _ => Load(reader, dimensions));

    public static byte[] ToBytes(float[] vector) => MemoryMarshal.AsBytes(vector.AsSpan()).ToArray();

    public bool Has(int doc) => _present[doc];

    /// <summary>A copy of the document's vector, or null when it has none.</summary>
    public float[]? Get(int doc) => _present[doc] ? _values.AsSpan(doc * _dimensions, _dimensions).ToArray() : null;

    /// <summary>Cosine similarity (vectors are unit length) of each accepted document, pushed into <paramref name="top"/>.</summary>
    public void Score(ReadOnlySpan<float> query, DocIdSetIterator? accepted, int docBase, TopScores top)
    {
        if (accepted is null)
        {
            return;
        }

        for (var doc = accepted.NextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = accepted.NextDoc())
        {
            if (_present[doc])
            {
                top.Offer(docBase + doc, TensorPrimitives.Dot(query, _values.AsSpan(doc * _dimensions, _dimensions)));
            }
        }
    }

    private static SegmentVectors Load(AtomicReader reader, int dimensions)
    {
        var maxDoc = reader.MaxDoc;
        var present = new bool[maxDoc];
        var with = reader.GetDocsWithField(Field);
        var binary = reader.GetBinaryDocValues(Field);
        if (with is null || binary is null)
        {
            return new SegmentVectors([], present, dimensions);
        }

        var values = new float[maxDoc * dimensions];
        var bytes = new BytesRef();
        var count = 0;
        var expectedLength = dimensions * sizeof(float);
        for (var doc = 0; doc < maxDoc; doc++)
        {
            if (!with.Get(doc))
            {
                continue;
            }

            binary.Get(doc, bytes);
            // A vector of another width comes from another model; treat it as missing so it is re-embedded.
            if (bytes.Length != expectedLength)
            {
                continue;
            }

            MemoryMarshal.Cast<byte, float>(bytes.Bytes.AsSpan(bytes.Offset, bytes.Length)).CopyTo(values.AsSpan(doc * dimensions, dimensions));
            present[doc] = true;
            count++;
        }

        return new SegmentVectors(values, present, dimensions) { Count = count };
    }
}

/// <summary>The k best (doc, score) pairs seen so far; ties keep the lower doc id.</summary>
internal sealed class TopScores(int k)
{
    private readonly PriorityQueue<int, (float Score, int NegDoc)> _heap = new(k + 1);

    public void Offer(int doc, float score)
    {
        if (k <= 0)
        {
            return;
        }

        if (_heap.Count < k)
        {
            _heap.Enqueue(doc, (score, -doc));
            return;
        }

        _heap.TryPeek(out _, out var worst);
        if (score > worst.Score || (score == worst.Score && -doc > worst.NegDoc))
        {
            _heap.DequeueEnqueue(doc, (score, -doc));
        }
    }

    /// <summary>Best first.</summary>
    public List<(int Doc, float Score)> ToList()
    {
        var items = _heap.UnorderedItems.Select(item => (Doc: item.Element, item.Priority.Score)).ToList();
        items.Sort((a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : a.Doc.CompareTo(b.Doc));
        return items;
    }
}
