using System.Text;
using System.Text.RegularExpressions;
using UglyToad.PdfPig.Content;

namespace LearningNavigator.Documents;

/// <summary>One visual line of a PDF page: its text, where it sits and how it is set.</summary>
internal sealed record PdfLine(string Text, double Baseline, double Left, double Size, bool Bold)
{
    /// <summary>Letters in content order, cut into lines where the baseline moves or the text jumps back left.</summary>
    public static IReadOnlyList<PdfLine> Read(Page page)
    {
        var lines = new List<PdfLine>();
        var current = new List<Letter>();
        foreach (var letter in page.Letters)
        {
            if (current.Count > 0)
            {
                var last = current[^1];
                var size = Math.Max(1, Math.Max(last.PointSize, letter.PointSize));
                var newLine = Math.Abs(letter.StartBaseLine.Y - last.StartBaseLine.Y) > size * 0.4
                              || letter.StartBaseLine.X < last.StartBaseLine.X - size * 2;
                if (newLine)
                {
                    Add(lines, current);
                    current.Clear();
                }
            }

            current.Add(letter);
        }

        Add(lines, current);
        return lines;
    }

    private static void Add(List<PdfLine> lines, List<Letter> letters)
    {
        var visible = letters.Where(l => !string.IsNullOrWhiteSpace(l.Value)).ToList();
        if (visible.Count == 0)
        {
            return;
        }

        var text = new StringBuilder();
        for (var i = 0; i < letters.Count; i++)
        {
            var letter = letters[i];
            // Some writers position words without space glyphs; a gap wider than a fifth of the size is a space.
            if (i > 0 && text.Length > 0 && text[^1] != ' ' && !string.IsNullOrWhiteSpace(letter.Value)
                && letter.StartBaseLine.X - letters[i - 1].EndBaseLine.X > Math.Max(1, letter.PointSize) * 0.2)
            {
                text.Append(' ');
            }

            text.Append(string.IsNullOrWhiteSpace(letter.Value) ? " " : letter.Value);
        }

        // The size most of the line's letters are set in, so one large initial does not make a heading.
        var size = visible.GroupBy(l => Math.Round(l.PointSize, 1)).MaxBy(g => g.Count())!.Key;
        var bold = visible.All(l => l.FontDetails?.IsBold == true || (l.FontName?.Contains("bold", StringComparison.OrdinalIgnoreCase) ?? false));
        var normalized = TextNormalizer.Normalize(text.ToString());
        if (normalized.Length > 0)
        {
            lines.Add(new PdfLine(normalized, visible[0].StartBaseLine.Y, visible.Min(l => l.StartBaseLine.X), size, bold));
        }
    }
}

/// <summary>Turns the lines of every page into sections: a heading starts one, a page break starts one under the same heading.</summary>
internal sealed partial class PdfLayout
{
    // Larger than body text by this factor and short: a heading.
    private const double HeadingSizeRatio = 1.15;
    private const int MaxHeadingLength = 150;
    private const int MaxBoldHeadingWords = 12;
    // Consecutive body lines further apart than this many sizes are separate paragraphs.
    private const double ParagraphGapRatio = 1.75;

    private readonly List<ExtractedSection> _sections = [];

    public IReadOnlyList<ExtractedSection> Sections => _sections;

    public string? FirstHeading { get; private set; }

    public string? FirstLine { get; private set; }

    public static PdfLayout Build(IReadOnlyList<(int Number, IReadOnlyList<PdfLine> Lines)> pages)
    {
        var layout = new PdfLayout();
        var body = BodySize(pages.SelectMany(p => p.Lines));
        string? heading = null;
        foreach (var (number, allLines) in pages)
        {
            var lines = allLines.Where(l => !PageNumber().IsMatch(l.Text)).ToList();
            layout.FirstLine ??= lines.FirstOrDefault()?.Text;
            var paragraphs = new List<StringBuilder>();
            PdfLine? previous = null;
            var previousWasHeading = false;
            for (var i = 0; i < lines.Count; i++)
            {
                var line = lines[i];
                if (IsHeading(line, body))
                {
                    // A wrapped heading continues on the next line at the same size.
                    var text = line.Text;
                    while (i + 1 < lines.Count && IsHeading(lines[i + 1], body) && Math.Abs(lines[i + 1].Size - line.Size) < 0.5
                           && line.Baseline - lines[i + 1].Baseline < line.Size * ParagraphGapRatio)
                    {
                        text += " " + lines[++i].Text;
                    }

                    layout.Flush(paragraphs, number, heading);
                    heading = text;
                    layout.FirstHeading ??= text;
                    previous = null;
                    previousWasHeading = true;
                    continue;
                }

                var continues = previous is not null && !previousWasHeading
                    && previous.Baseline - line.Baseline is > 0 and var gap && gap < Math.Max(previous.Size, line.Size) * ParagraphGapRatio
                    && !ListMarker().IsMatch(line.Text) && !line.Text.Contains(" | ", StringComparison.Ordinal);
                if (continues)
                {
                    var paragraph = paragraphs[^1];
                    if (paragraph[^1] != '-')
                    {
                        paragraph.Append(' ');
                    }

                    paragraph.Append(line.Text);
                }
                else
                {
                    paragraphs.Add(new StringBuilder(line.Text));
                }

                previous = line;
                previousWasHeading = false;
            }

            layout.Flush(paragraphs, number, heading);
        }

        return layout;
    }

    private void Flush(List<StringBuilder> paragraphs, int page, string? heading)
    {
        var text = TextNormalizer.Normalize(string.Join("\n\n", paragraphs.Select(p => p.ToString())));
        if (text.Length > 0)
        {
            _sections.Add(new ExtractedSection(text, page, heading));
        }

        paragraphs.Clear();
    }

    private static bool IsHeading(PdfLine line, double body)
    {
        if (line.Text.Length > MaxHeadingLength || !line.Text.Any(char.IsLetter))
        {
            return false;
        }

        if (line.Size >= body * HeadingSizeRatio)
        {
            return true;
        }

        // Bold at body size counts only when it reads like a title: short, not a sentence, not a table row.
        return line.Bold && line.Size >= body * 0.95
               && line.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length <= MaxBoldHeadingWords
               && !line.Text.Contains('|', StringComparison.Ordinal)
               && !".,;:".Contains(line.Text[^1], StringComparison.Ordinal);
    }

    /// <summary>The size most characters are set in.</summary>
    private static double BodySize(IEnumerable<PdfLine> lines)
    {
        var bySize = lines.GroupBy(l => l.Size).Select(g => (Size: g.Key, Chars: g.Sum(l => l.Text.Length))).ToList();
        return bySize.Count == 0 ? 12 : bySize.MaxBy(g => g.Chars).Size;
    }

    [GeneratedRegex(@"^\s*((page|página|pág\.?|p\.)\s*)?\d{1,4}(\s*(of|de|/)\s*\d{1,4})?\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PageNumber();

    [GeneratedRegex(@"^\s*([-•·*–◦▪]|\d{1,3}[.)]|[a-z][.)])\s", RegexOptions.CultureInvariant)]
    private static partial Regex ListMarker();
}
