using System.Text;
using LearningNavigator.Documents;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace LearningNavigator.Tests.Domain.Documents;

public sealed class HtmlAndPdfLayoutTests
{
    private static readonly DocumentTextExtractor Extractor = DocumentTextExtractor.CreateDefault();

    private static Task<ExtractedDocument> ExtractAsync(byte[] bytes, string fileName) =>
        Extractor.ExtractAsync(new MemoryStream(bytes), fileName, CancellationToken.None);

    [Fact]
    public async Task Html_keeps_text_and_headings_and_drops_scripts_styles_and_markup()
    {
        const string html = """
            <!doctype html><html><head><title>Invoicing guide</title><style>.x { color: red }</style>
            <script>alert('never indexed')</script></head>
            <body><nav>Home</nav>
            <h1>Invoicing</h1><p>Send the invoice <b>within 30 days</b>
            of the course.</p><script>document.write('nor this')</script>
            <h2>Steps</h2><ul><li>Open the portal</li><li>Attach the roster</li></ul>
            <table><tr><th>Item</th><th>Price</th></tr><tr><td>Manual</td><td>$18</td></tr></table>
            <noscript>Enable JavaScript</noscript></body></html>
            """;

        var document = await ExtractAsync(Encoding.UTF8.GetBytes(html), "guide.html");

        Assert.Equal("Invoicing guide", document.Title);
        Assert.Equal([null, "Invoicing", "Steps"], document.Sections.Select(s => s.Heading));
        Assert.Equal("Send the invoice within 30 days of the course.", document.Sections[1].Text);
        Assert.Equal("- Open the portal\n- Attach the roster\n\nItem | Price\nManual | $18", document.Sections[2].Text);
        Assert.DoesNotContain("never indexed", document.FullText, StringComparison.Ordinal);
        Assert.DoesNotContain("nor this", document.FullText, StringComparison.Ordinal);
        Assert.DoesNotContain("color", document.FullText, StringComparison.Ordinal);
        Assert.DoesNotContain("JavaScript", document.FullText, StringComparison.Ordinal);
        Assert.DoesNotContain("<", document.FullText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pdf_headings_come_from_larger_or_bold_type_and_wrapped_lines_become_paragraphs()
    {
        var builder = new PdfDocumentBuilder();
        var regular = builder.AddStandard14Font(Standard14Font.Helvetica);
        var bold = builder.AddStandard14Font(Standard14Font.HelveticaBold);
        var page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
        var y = 780.0;
        void Line(string text, double size, PdfDocumentBuilder.AddedFont font, double gapAfter)
        {
            page.AddText(text, size, new PdfPoint(40, y), font);
            y -= gapAfter;
        }

        Line("Course Scheduling", 18, bold, 30);
        Line("Courses are scheduled at least three weeks", 11, regular, 15);
        Line("before the first session.", 11, regular, 24);
        Line("A second paragraph starts after a gap.", 11, regular, 24);
        Line("Rooms", 11, bold, 18);
        Line("Book a room with natural light.", 11, regular, 15);
        Line("Page 1", 8, regular, 0);
        page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
        y = 780;
        Line("Rooms need space for twenty people.", 11, regular, 15);

        var document = await ExtractAsync(builder.Build(), "scheduling.pdf");

        Assert.Equal("Course Scheduling", document.Title);
        Assert.Equal(
            [(1, "Course Scheduling"), (1, "Rooms"), (2, "Rooms")],
            document.Sections.Select(s => (s.Page ?? 0, s.Heading ?? "")));
        Assert.Equal(
            "Courses are scheduled at least three weeks before the first session.\n\nA second paragraph starts after a gap.",
            document.Sections[0].Text);
        Assert.Equal("Book a room with natural light.", document.Sections[1].Text);
        Assert.DoesNotContain("Page 1", document.FullText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sample_library_pdfs_get_headings_and_their_chunks_keep_exact_offsets()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "SampleLibrary");
        var pdfs = Directory.GetFiles(folder, "*.pdf", SearchOption.AllDirectories);
        Assert.NotEmpty(pdfs);
        var chunker = new TextChunker(new ChunkingOptions { MaxTokens = 120, OverlapTokens = 10 });
        foreach (var path in pdfs)
        {
            var document = await ExtractAsync(await File.ReadAllBytesAsync(path), Path.GetFileName(path));
            var metadata = new DocumentMetadata { Id = "d", Title = "T", Language = "en", Roles = ["admin"], FileName = Path.GetFileName(path) };
            var chunks = chunker.Chunk(metadata, document);

            Assert.True(chunks.Count(c => c.Heading is not null) * 2 > chunks.Count, $"{Path.GetFileName(path)}: most chunks should have a heading.");
            Assert.All(chunks, c => Assert.NotNull(c.Page));
            Assert.All(chunks, c => Assert.Equal(document.FullText[c.StartOffset..c.EndOffset], c.Text));
        }
    }
}
