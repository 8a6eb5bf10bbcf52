using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using LearningNavigator.Knowledge;

namespace LearningNavigator.Cli.Commands;

/// <summary>
/// Remembers vectors in an append-only file keyed by SHA-256 of model id and text, so repeated evaluations of the
/// same corpus (dense, then hybrid) embed it once, and an interrupted run keeps what it finished. Only the eval and
/// bench commands use it; the product keeps its vectors in the index itself.
/// </summary>
public sealed class EmbeddingCacheFile : ITextEmbedder, IDisposable
{
    private const int KeyBytes = 32;

    private readonly ITextEmbedder _inner;
    private readonly Dictionary<string, float[]> _vectors = new(StringComparer.Ordinal);
    private readonly FileStream _file;
    private readonly int _recordBytes;

    public EmbeddingCacheFile(ITextEmbedder inner, string path)
    {
        _inner = inner;
        _recordBytes = KeyBytes + (inner.Dimensions * sizeof(float));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        var record = new byte[_recordBytes];
        // A torn last record (the process was killed mid-write) is dropped and overwritten.
        var whole = _file.Length / _recordBytes * _recordBytes;
        while (_file.Position < whole)
        {
            _file.ReadExactly(record);
            _vectors[Convert.ToHexString(record, 0, KeyBytes)] = MemoryMarshal.Cast<byte, float>(record.AsSpan(KeyBytes)).ToArray();
        }

        _file.SetLength(whole);
        _file.Position = whole;
    }

    public string ModelId => _inner.ModelId;

    public int Dimensions => _inner.Dimensions;

    public int Hits { get; private set; }

    /// <summary>Off once the corpus is indexed, so query latency includes running the model.</summary>
    public bool Enabled { get; set; } = true;

    public float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return _inner.Embed(texts, cancellationToken);
        }

        var keys = texts.Select(Key).ToArray();
        var result = new float[texts.Count][];
        var missing = new List<int>();
        for (var i = 0; i < texts.Count; i++)
        {
            if (_vectors.TryGetValue(keys[i], out var cached))
            {
                result[i] = cached;
                Hits++;
            }
            else
            {
                missing.Add(i);
            }
        }

        if (missing.Count == 0)
        {
            return result;
        }

        var computed = _inner.Embed([.. missing.Select(i => texts[i])], cancellationToken);
        for (var j = 0; j < missing.Count; j++)
        {
            var i = missing[j];
            result[i] = computed[j];
            if (_vectors.TryAdd(keys[i], computed[j]))
            {
                _file.Write(Convert.FromHexString(keys[i]));
                _file.Write(MemoryMarshal.AsBytes(computed[j].AsSpan()));
            }
        }

        _file.Flush();
        return result;
    }

    public void Dispose() => _file.Dispose();

    private string Key(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(_inner.ModelId + "\n" + text)));
}
