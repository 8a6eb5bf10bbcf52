namespace LearningNavigator.Documents;

/// <summary>One run of text with where it sits in the source: a PDF page or the heading it falls under.</summary>
public sealed record ExtractedSection(string Text, int? Page, string? Heading);

/// <summary>
/// The plain text of a document as ordered sections. <see cref="FullText"/> joins them with a blank line;
/// chunk offsets are character offsets into that string, so a citation can point at the exact passage.
/// </summary>
public sealed record ExtractedDocument(string? Title, IReadOnlyList<ExtractedSection> Sections)
{
    public const string SectionSeparator = "\n\n";

    public string FullText => string.Join(SectionSeparator, Sections.Select(s => s.Text));
}
