using System.IO.Compression;
using System.Text;

namespace LearningNavigator.Documents;

/// <summary>What a file's first bytes say it is, whatever its name claims.</summary>
public enum SniffedContent
{
    Empty,
    Pdf,
    /// <summary>A ZIP package holding word/document.xml.</summary>
    WordDocument,
    /// <summary>A ZIP that is not a Word document (xlsx, pptx, a plain archive).</summary>
    OtherZip,
    /// <summary>Starts like a ZIP but its directory cannot be read.</summary>
    BrokenZip,
    /// <summary>An OLE compound file: a password-protected .docx or a legacy .doc.</summary>
    CompoundFile,
    /// <summary>Valid UTF-8 (or BOM-marked UTF-16) text without NUL bytes.</summary>
    Text,
    Binary,
}

/// <summary>
/// Checks a file's type by its content (magic bytes, ZIP directory, UTF-8 validity), so a renamed file is
/// refused with a reason instead of being half-parsed by the wrong extractor.
/// </summary>
public static class ContentSniffer
{
    private static readonly byte[] PdfMagic = "%PDF-"u8.ToArray();
    private static readonly byte[] ZipMagic = [0x50, 0x4B, 0x03, 0x04];
    private static readonly byte[] CompoundFileMagic = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // PDF writers may put junk before the header; readers accept it within the first kilobyte.
    private const int PdfHeaderWindow = 1024;
    // Enough to judge text without reading a 50 MB file twice; a cut multi-byte sequence at the end is allowed.
    private const int TextSampleBytes = 64 * 1024;

    /// <summary>Reads from the current position of a seekable stream and puts the position back.</summary>
    public static SniffedContent Sniff(Stream content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var start = content.Position;
        try
        {
            var head = new byte[Math.Min(TextSampleBytes, Math.Max(0, content.Length - start))];
            var read = content.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            ReadOnlySpan<byte> span = head.AsSpan(0, read);
            if (span.IsEmpty)
            {
                return SniffedContent.Empty;
            }

            if (span[..Math.Min(span.Length, PdfHeaderWindow)].IndexOf(PdfMagic) >= 0)
            {
                return SniffedContent.Pdf;
            }

            if (span.StartsWith(ZipMagic))
            {
                content.Position = start;
                return ZipKind(content);
            }

            if (span.StartsWith(CompoundFileMagic))
            {
                return SniffedContent.CompoundFile;
            }

            return IsText(span, complete: read == content.Length - start) ? SniffedContent.Text : SniffedContent.Binary;
        }
        finally
        {
            content.Position = start;
        }
    }

    /// <summary>Human words for the admin page: "a PDF", "plain text".</summary>
    public static string Describe(SniffedContent content) => content switch
    {
        SniffedContent.Empty => "an empty file",
        SniffedContent.Pdf => "a PDF",
        SniffedContent.WordDocument => "a Word document",
        SniffedContent.OtherZip => "a ZIP archive that is not a Word document",
        SniffedContent.BrokenZip => "a damaged ZIP archive",
        SniffedContent.CompoundFile => "a password-protected or legacy Office file",
        SniffedContent.Text => "text",
        _ => "binary data",
    };

    private static SniffedContent ZipKind(Stream content)
    {
        try
        {
            using var zip = new ZipArchive(content, ZipArchiveMode.Read, leaveOpen: true);
            return zip.GetEntry("word/document.xml") is not null ? SniffedContent.WordDocument : SniffedContent.OtherZip;
        }
        catch (InvalidDataException)
        {
            return SniffedContent.BrokenZip;
        }
    }

    private static bool IsText(ReadOnlySpan<byte> bytes, bool complete)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return true;
        }

        if (bytes.IndexOf((byte)0) >= 0)
        {
            return false;
        }

        // A sample may end inside a multi-byte character; up to three trailing bytes are forgiven.
        for (var trim = 0; trim <= (complete ? 0 : 3) && trim < bytes.Length; trim++)
        {
            try
            {
                StrictUtf8.GetCharCount(bytes[..^trim]);
                return true;
            }
            catch (DecoderFallbackException)
            {
            }
        }

        // Old single-byte files (Latin-1) are still text when they hold no control characters but line ends and tabs.
        foreach (var b in bytes)
        {
            if (b < 0x20 && b is not ((byte)'\n' or (byte)'\r' or (byte)'\t' or 0x0C))
            {
                return false;
            }
        }

        return true;
    }
}
