using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Writer;

namespace LearningNavigator.Tools.SampleLibraryBuilder;

/// <summary>
/// Lays a <see cref="SourceDocument"/> out on Letter pages with PdfPig. The standard 14 fonts only carry
/// Adobe StandardEncoding (no á, ñ, ¿), so a TrueType font is embedded; PdfPig subsets it, which keeps
/// each file small and self-contained.
/// </summary>
internal sealed class PdfRenderer(byte[] regularFont, byte[] boldFont)
{
    private const double Margin = 72;
    private const double BodySize = 11;
    private const double FooterSize = 8;

    public byte[] Render(SourceDocument document, ManifestEntry entry)
    {
        var builder = new PdfDocumentBuilder();
        builder.DocumentInformation.Title = entry.Title;
        builder.DocumentInformation.Producer = "LearningNavigator SampleLibraryBuilder";
        var regular = builder.AddTrueTypeFont(regularFont);
        var bold = builder.AddTrueTypeFont(boldFont);
        var layout = new Layout(builder, regular, entry.Language == "es" ? "Página" : "Page");

        foreach (var block in document.Blocks)
        {
            switch (block)
            {
                case SourceHeading heading:
                    var size = heading.Level switch { 1 => 18d, 2 => 14d, _ => 12d };
                    layout.Gap(heading.Level == 1 ? 0 : size * 0.9);
                    // Keep a heading with at least two lines of the text it introduces.
                    layout.Write(heading.PlainText, bold, size, indent: 0, hangingPrefix: null, keepWithNext: 3 * BodySize * 1.45);
                    layout.Gap(size * 0.35);
                    break;
                case SourceParagraph paragraph:
                    layout.Write(paragraph.PlainText, regular, BodySize, indent: 0, hangingPrefix: null, keepWithNext: 0);
                    layout.Gap(BodySize * 0.6);
                    break;
                case SourceListItem item:
                    var marker = item.Number is { } n ? $"{n}." : "•";
                    layout.Write(item.PlainText, regular, BodySize, indent: 14, hangingPrefix: marker, keepWithNext: 0);
                    layout.Gap(BodySize * 0.3);
                    break;
                case SourceTable table:
                    for (var r = 0; r < table.Rows.Count; r++)
                    {
                        layout.Write(string.Join("  |  ", table.Rows[r]), r == 0 ? bold : regular, BodySize, indent: 0, hangingPrefix: null, keepWithNext: 0);
                        layout.Gap(BodySize * 0.2);
                    }
                    layout.Gap(BodySize * 0.4);
                    break;
            }
        }

        layout.Finish();
        return builder.Build();
    }

    private sealed class Layout(PdfDocumentBuilder builder, PdfDocumentBuilder.AddedFont footerFont, string pageWord)
    {
        private static readonly PdfRectangle PageBox = new(0, 0, 612, 792);
        private PdfPageBuilder? page;
        private int pageNumber;
        private double y;

        private static double Width => PageBox.Width - 2 * Margin;

        public void Gap(double points) => y -= points;

        public void Write(string text, PdfDocumentBuilder.AddedFont font, double size, double indent, string? hangingPrefix, double keepWithNext)
        {
            var lineHeight = size * 1.45;
            EnsurePage();
            var prefixWidth = hangingPrefix is null ? 0 : 14;
            var lines = Wrap(text, font, size, Width - indent - prefixWidth);
            if (y - lineHeight - keepWithNext < Margin) NewPage();

            for (var i = 0; i < lines.Count; i++)
            {
                if (y - lineHeight < Margin) NewPage();
                y -= lineHeight;
                // The trailing spaces keep words apart for extractors that simply concatenate letters (page.Text).
                if (i == 0 && hangingPrefix is not null)
                    page!.AddText(hangingPrefix + " ", size, new PdfPoint(Margin + indent, y), font);
                page!.AddText(lines[i] + " ", size, new PdfPoint(Margin + indent + prefixWidth, y), font);
            }
        }

        public void Finish()
        {
            if (page is not null) AddFooter();
        }

        private List<string> Wrap(string text, PdfDocumentBuilder.AddedFont font, double size, double maxWidth)
        {
            var lines = new List<string>();
            var current = string.Empty;
            foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = current.Length == 0 ? word : current + " " + word;
                if (current.Length > 0 && Measure(candidate, font, size) > maxWidth)
                {
                    lines.Add(current);
                    current = word;
                }
                else
                {
                    current = candidate;
                }
            }
            if (current.Length > 0) lines.Add(current);
            return lines;
        }

        private double Measure(string text, PdfDocumentBuilder.AddedFont font, double size)
        {
            var letters = page!.MeasureText(text, size, new PdfPoint(0, 0), font);
            return letters.Count == 0 ? 0 : letters[^1].EndBaseLine.X - letters[0].StartBaseLine.X;
        }

        private void EnsurePage()
        {
            if (page is null) NewPage();
        }

        private void NewPage()
        {
            if (page is not null) AddFooter();
            page = builder.AddPage(PageSize.Letter);
            pageNumber++;
            y = PageBox.Height - Margin;
        }

        private void AddFooter() =>
            page!.AddText($" {pageWord} {pageNumber} ", FooterSize, new PdfPoint(PageBox.Width - Margin - 40, Margin / 2), footerFont);
    }
}
