using System.Text;
using LearningNavigator.Documents;
using static LearningNavigator.Tests.Domain.Documents.DocumentFixtures;

namespace LearningNavigator.Tests.Domain.Documents;

public sealed class DocumentTextExtractorTests
{
    private readonly DocumentTextExtractor _extractor = DocumentTextExtractor.CreateDefault();

    private Task<ExtractedDocument> ExtractAsync(byte[] bytes, string fileName) =>
        _extractor.ExtractAsync(new MemoryStream(bytes), fileName, CancellationToken.None);

    private Task<ExtractedDocument> ExtractAsync(string text, string fileName) => ExtractAsync(Encoding.UTF8.GetBytes(text), fileName);

    [Fact]
    public async Task Pdf_gives_one_section_per_page_with_one_based_page_numbers()
    {
        var pdf = Pdf("ALGEE Guide",
            ["Approach and assess for risk of suicide.", "Listen nonjudgmentally."],
            ["Give support and information."]);

        var document = await ExtractAsync(pdf, "guide.pdf");

        Assert.Equal("ALGEE Guide", document.Title);
        Assert.Equal([1, 2], document.Sections.Select(s => s.Page));
        Assert.All(document.Sections, s => Assert.Null(s.Heading));
        Assert.Contains("Approach and assess for risk of suicide.", document.Sections[0].Text, StringComparison.Ordinal);
        Assert.Contains("Listen nonjudgmentally.", document.Sections[0].Text, StringComparison.Ordinal);
        Assert.Equal("Give support and information.", document.Sections[1].Text);
    }

    [Fact]
    public async Task Pdf_without_a_title_uses_its_first_line()
    {
        var document = await ExtractAsync(Pdf(null, ["Instructor handbook", "Chapter one text."]), "handbook.pdf");

        Assert.Equal("Instructor handbook", document.Title);
    }

    [Fact]
    public async Task Pdf_skips_blank_pages_but_keeps_true_page_numbers()
    {
        var document = await ExtractAsync(Pdf("T", ["Page one."], [], ["Page three."]), "gaps.pdf");

        Assert.Equal([1, 3], document.Sections.Select(s => s.Page));
    }

    [Fact]
    public async Task Docx_groups_paragraphs_under_the_nearest_heading()
    {
        var docx = Docx(null,
            Para("Preface before any heading."),
            Styled("Title", "Instructor Guide"),
            Para("Welcome text."),
            Styled("Heading1", "Invoicing"),
            Para("Submit invoices within 30 days."),
            Para("Use the portal."),
            Styled("Heading2", "Late invoices"),
            Para("Late invoices need approval."),
            Outline(0, "Contacts"),
            Para("Write to the help desk."));

        var document = await ExtractAsync(docx, "guide.docx");

        Assert.Equal("Instructor Guide", document.Title);
        Assert.Equal([null, "Instructor Guide", "Invoicing", "Late invoices", "Contacts"], document.Sections.Select(s => s.Heading));
        Assert.Equal("Submit invoices within 30 days.\n\nUse the portal.", document.Sections[2].Text);
        Assert.Equal("Late invoices need approval.", document.Sections[3].Text);
        Assert.All(document.Sections, s => Assert.Null(s.Page));
    }

    [Fact]
    public async Task Docx_tables_become_rows_of_cells_joined_with_bars()
    {
        var docx = Docx("Fees",
            Styled("Heading1", "Fee table"),
            Para("Fees by course:"),
            Table(["Course", "Fee"], ["Adult MHFA", "$170"], ["Youth MHFA", "$150"]));

        var document = await ExtractAsync(docx, "fees.docx");

        Assert.Equal("Fees", document.Title);
        var section = Assert.Single(document.Sections);
        Assert.Equal("Fee table", section.Heading);
        Assert.Equal("Fees by course:\n\nCourse | Fee\nAdult MHFA | $170\nYouth MHFA | $150", section.Text);
    }

    [Fact]
    public async Task Docx_title_falls_back_to_first_heading1_when_core_properties_have_none()
    {
        var document = await ExtractAsync(Docx(null, Styled("Heading1", "Refund policy"), Para("Refunds take 10 days.")), "refunds.docx");

        Assert.Equal("Refund policy", document.Title);
    }

    [Fact]
    public async Task Markdown_splits_at_headings_and_leaves_no_markdown_syntax()
    {
        const string markdown = """
            ---
            author: someone
            ---
            # The ALGEE Action Plan

            Intro with **bold**, _italic_, `code` and a [link](https://example.org/x).

            ## Assess for risk

            * First item
            * Second *item*

            1. Numbered one

            > A quoted line.

            ## Fees

            | Course | Fee |
            |---|---|
            | Adult | $170 |
            """;

        var document = await ExtractAsync(markdown, "algee.md");

        Assert.Equal("The ALGEE Action Plan", document.Title);
        Assert.Equal(["The ALGEE Action Plan", "Assess for risk", "Fees"], document.Sections.Select(s => s.Heading));
        Assert.Equal("Intro with bold, italic, code and a link.", document.Sections[0].Text);
        Assert.Equal("- First item\n- Second item\n\n- Numbered one\n\nA quoted line.", document.Sections[1].Text);
        Assert.Equal("Course | Fee\nAdult | $170", document.Sections[2].Text);
        Assert.DoesNotContain(document.Sections, s => s.Text.IndexOfAny(['#', '*', '_', '`', '[', ']']) >= 0);
        Assert.DoesNotContain("author", document.FullText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Text_file_is_one_section_with_paragraphs_kept()
    {
        var document = await ExtractAsync("First paragraph.\r\n\r\n\r\nSecond   paragraph.  \r\n", "notes.txt");

        var section = Assert.Single(document.Sections);
        Assert.Equal("First paragraph.\n\nSecond paragraph.", section.Text);
        Assert.Null(section.Heading);
        Assert.Null(section.Page);
    }

    [Fact]
    public async Task Non_seekable_streams_are_accepted()
    {
        var pdf = Pdf("T", ["Readable through a one-way stream."]);

        var document = await _extractor.ExtractAsync(new ForwardOnlyStream(pdf), "upload.pdf", CancellationToken.None);

        Assert.Equal("Readable through a one-way stream.", document.FullText);
    }

    [Fact]
    public async Task Unsupported_extension_names_the_file_and_the_supported_types()
    {
        var ex = await Assert.ThrowsAsync<DocumentExtractionException>(() => ExtractAsync("x", "slides.pptx"));

        Assert.Equal(DocumentExtractionFailure.UnsupportedType, ex.Failure);
        Assert.Contains("slides.pptx", ex.Message, StringComparison.Ordinal);
        Assert.Contains(".docx", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("broken.pdf", "%PDF-1.7\n%garbage with no objects and no cross-reference table")]
    [InlineData("broken.docx", "PK\u0003\u0004 a zip header and nothing of a zip after it")]
    public async Task Corrupt_file_is_reported_unreadable(string fileName, string content)
    {
        var ex = await Assert.ThrowsAsync<DocumentExtractionException>(() => ExtractAsync(content, fileName));

        Assert.Equal(DocumentExtractionFailure.Unreadable, ex.Failure);
        Assert.Contains(fileName, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Password_protected_docx_is_reported_encrypted()
    {
        byte[] compoundFile = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0];

        var ex = await Assert.ThrowsAsync<DocumentExtractionException>(() => ExtractAsync(compoundFile, "secret.docx"));

        Assert.Equal(DocumentExtractionFailure.Encrypted, ex.Failure);
    }

    [Theory]
    [InlineData("empty.md", "# Only a heading\n")]
    [InlineData("blank.txt", "  \n\n  ")]
    [InlineData("zero.txt", "")]
    public async Task Documents_without_text_are_reported_empty(string fileName, string content)
    {
        var ex = await Assert.ThrowsAsync<DocumentExtractionException>(() => ExtractAsync(content, fileName));

        Assert.Equal(DocumentExtractionFailure.EmptyText, ex.Failure);
        Assert.Contains(fileName, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pdf_with_no_text_layer_is_reported_empty()
    {
        var ex = await Assert.ThrowsAsync<DocumentExtractionException>(() => ExtractAsync(Pdf("Scan", []), "scan.pdf"));

        Assert.Equal(DocumentExtractionFailure.EmptyText, ex.Failure);
    }

    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
