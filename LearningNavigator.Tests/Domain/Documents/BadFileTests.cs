using System.IO.Compression;
using System.Text;
using LearningNavigator.Documents;
using static LearningNavigator.Tests.Domain.Documents.DocumentFixtures;

namespace LearningNavigator.Tests.Domain.Documents;

/// <summary>Every way a file can be refused, each with the reason an admin reads.</summary>
public sealed class BadFileTests
{
    private static Task<ExtractedDocument> ExtractAsync(byte[] bytes, string fileName, LibraryOptions? options = null) =>
        DocumentTextExtractor.CreateDefault(options).ExtractAsync(new MemoryStream(bytes), fileName, CancellationToken.None);

    [Fact]
    public async Task Encrypted_pdf_is_refused_as_encrypted()
    {
        var ex = await Assert.ThrowsAsync<DocumentExtractionException>(() => ExtractAsync(EncryptedPdf(), "locked.pdf"));

        Assert.Equal(DocumentExtractionFailure.Encrypted, ex.Failure);
        Assert.Contains("password", ex.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("notes.pdf", "text", "a PDF")]
    [InlineData("letter.docx", "a PDF", "a Word document")]
    [InlineData("readme.md", "binary data", "text")]
    public async Task Content_that_is_not_what_the_extension_says_is_refused(string fileName, string actual, string expected)
    {
        var bytes = actual switch
        {
            "text" => Encoding.UTF8.GetBytes("Just some plain words."),
            "a PDF" => Pdf("T", ["A real PDF."]),
            _ => [0x00, 0x01, 0x02, 0xFF, 0xFE, 0x00, 0x10],
        };

        var ex = await Assert.ThrowsAsync<DocumentExtractionException>(() => ExtractAsync(bytes, fileName));

        Assert.Equal(DocumentExtractionFailure.WrongType, ex.Failure);
        Assert.Contains($"the content is {actual}", ex.Reason, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Spreadsheet_renamed_to_docx_is_refused_as_wrong_type()
    {
        var xlsx = Zip(("xl/workbook.xml", Encoding.UTF8.GetBytes("<workbook/>")));

        var ex = await Assert.ThrowsAsync<DocumentExtractionException>(() => ExtractAsync(xlsx, "budget.docx"));

        Assert.Equal(DocumentExtractionFailure.WrongType, ex.Failure);
        Assert.Contains("ZIP archive that is not a Word document", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task File_over_the_limit_is_refused_with_its_size_and_the_limit()
    {
        var big = Encoding.UTF8.GetBytes(new string('a', (int)(1.5 * 1024 * 1024)));

        var ex = await Assert.ThrowsAsync<DocumentExtractionException>(() => ExtractAsync(big, "big.txt", new LibraryOptions { MaxFileMegabytes = 1 }));

        Assert.Equal(DocumentExtractionFailure.TooLarge, ex.Failure);
        Assert.Contains("1.5 MB", ex.Reason, StringComparison.Ordinal);
        Assert.Contains("limit is 1 MB", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Docx_whose_entries_would_inflate_enormously_is_refused_before_inflating()
    {
        var bomb = Zip(
            ("[Content_Types].xml", Encoding.UTF8.GetBytes("<Types/>")),
            ("word/document.xml", Encoding.UTF8.GetBytes("<w:document/>")),
            ("word/media/padding.bin", new byte[8 * 1024 * 1024]));

        var ex = await Assert.ThrowsAsync<DocumentExtractionException>(() => ExtractAsync(bomb, "bomb.docx"));

        Assert.Equal(DocumentExtractionFailure.DecompressionBomb, ex.Failure);
        Assert.Contains("word/media/padding.bin", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pdf_with_only_graphics_has_no_extractable_text()
    {
        var ex = await Assert.ThrowsAsync<DocumentExtractionException>(() => ExtractAsync(Pdf("Scan", [], []), "scan.pdf"));

        Assert.Equal(DocumentExtractionFailure.EmptyText, ex.Failure);
        Assert.Contains("no text could be extracted", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Html_with_only_scripts_and_styles_has_no_extractable_text()
    {
        var html = Encoding.UTF8.GetBytes("<html><head><style>p{}</style></head><body><script>var secret = 1;</script></body></html>");

        var ex = await Assert.ThrowsAsync<DocumentExtractionException>(() => ExtractAsync(html, "empty.html"));

        Assert.Equal(DocumentExtractionFailure.EmptyText, ex.Failure);
    }

    internal static byte[] Zip(params (string Name, byte[] Content)[] entries)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var entry = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
                entry.Write(content);
            }
        }

        return stream.ToArray();
    }

    /// <summary>
    /// A one-page PDF written by hand whose trailer names a Standard security handler (RC4, revision 2) with
    /// password hashes that no empty password matches, as a protected file from any writer would.
    /// </summary>
    internal static byte[] EncryptedPdf()
    {
        var objects = new[]
        {
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            "<< /Length 8 >>\nstream\n\u00a7\u00b6\u00e6\u00f8\u00e5\u00df\u00b5\u00ae\nendstream",
            "<< /Filter /Standard /V 1 /R 2 /Length 40 /P -44 /O <" + new string('A', 64) + "> /U <" + new string('B', 64) + "> >>",
        };
        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(Encoding.Latin1.GetByteCount(pdf.ToString()));
            pdf.Append(i + 1).Append(" 0 obj\n").Append(objects[i]).Append("\nendobj\n");
        }

        var xref = Encoding.Latin1.GetByteCount(pdf.ToString());
        pdf.Append("xref\n0 ").Append(objects.Length + 1).Append("\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            pdf.Append(offset.ToString("D10", System.Globalization.CultureInfo.InvariantCulture)).Append(" 00000 n \n");
        }

        pdf.Append("trailer\n<< /Size ").Append(objects.Length + 1)
            .Append(" /Root 1 0 R /Encrypt 5 0 R /ID [<0123456789ABCDEF0123456789ABCDEF> <0123456789ABCDEF0123456789ABCDEF>] >>\n")
            .Append("startxref\n").Append(xref).Append("\n%%EOF\n");
        return Encoding.Latin1.GetBytes(pdf.ToString());
    }
}
