using System.IO.Compression;

namespace LearningNavigator.Documents;

/// <summary>
/// Reads a ZIP's central directory (sizes only, nothing inflated) and refuses packages whose declared
/// uncompressed size or compression ratio no real Word document has.
/// </summary>
internal static class ZipBombGuard
{
    // A 50 MB .docx of text inflates to a few hundred MB at most; images inside are stored nearly uncompressed.
    internal const long MaxTotalUncompressedBytes = 512L * 1024 * 1024;
    // XML compresses 5-20x; 100x only happens for padding built to exhaust memory.
    internal const double MaxRatio = 100;
    // Small entries may compress extremely well (repeated empty elements) without harm.
    private const long RatioCheckFloorBytes = 1024 * 1024;
    private const int MaxEntries = 10_000;

    public static void Check(Stream content, string fileName)
    {
        var start = content.Position;
        try
        {
            using var zip = new ZipArchive(content, ZipArchiveMode.Read, leaveOpen: true);
            if (zip.Entries.Count > MaxEntries)
            {
                throw Bomb(fileName, $"it holds {zip.Entries.Count:N0} entries (the limit is {MaxEntries:N0}).");
            }

            long total = 0;
            foreach (var entry in zip.Entries)
            {
                total += entry.Length;
                if (entry.Length > RatioCheckFloorBytes && entry.Length > entry.CompressedLength * MaxRatio)
                {
                    throw Bomb(fileName, $"'{entry.FullName}' would inflate {entry.Length / Math.Max(1, entry.CompressedLength):N0}x to {Megabytes(entry.Length)}.");
                }

                if (total > MaxTotalUncompressedBytes)
                {
                    throw Bomb(fileName, $"its contents would inflate to more than {Megabytes(MaxTotalUncompressedBytes)}.");
                }
            }
        }
        finally
        {
            content.Position = start;
        }
    }

    private static DocumentExtractionException Bomb(string fileName, string detail) =>
        new(fileName, DocumentExtractionFailure.DecompressionBomb, "the file looks like a decompression bomb: " + detail);

    private static string Megabytes(long bytes) => $"{bytes / (1024.0 * 1024.0):N0} MB";
}
