using System.Text;

namespace LearningNavigator.Documents;

/// <summary>A .txt file is one section; its blank lines stay as paragraph breaks for the chunker.</summary>
public sealed class PlainTextExtractor : IDocumentTextExtractor
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public IReadOnlyCollection<string> Extensions { get; } = [".txt"];

    public async Task<ExtractedDocument> ExtractAsync(Stream content, string fileName, CancellationToken cancellationToken)
    {
        var text = TextNormalizer.Normalize(await ReadTextAsync(content, fileName, cancellationToken));
        return new ExtractedDocument(null, text.Length == 0 ? [] : [new ExtractedSection(text, null, null)]);
    }

    /// <summary>UTF-8 (or a BOM-marked UTF-16), falling back to Latin-1 for old single-byte files.</summary>
    internal static async Task<string> ReadTextAsync(Stream content, string fileName, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        return Decode(buffer.ToArray(), fileName);
    }

    private static string Decode(byte[] bytes, string fileName)
    {
        ReadOnlySpan<byte> span = bytes;
        var utf16 = span.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || span.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]);
        if (!utf16 && span.IndexOf((byte)0) >= 0)
        {
            throw new DocumentExtractionException(fileName, DocumentExtractionFailure.Unreadable, "the file is binary, not text.");
        }

        try
        {
            using var reader = new StreamReader(new MemoryStream(bytes), StrictUtf8, detectEncodingFromByteOrderMarks: true);
            return reader.ReadToEnd();
        }
        catch (DecoderFallbackException)
        {
            return Encoding.Latin1.GetString(bytes);
        }
    }
}
