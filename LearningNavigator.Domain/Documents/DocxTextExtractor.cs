using System.Text;
using System.Text.RegularExpressions;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace LearningNavigator.Documents;

/// <summary>Paragraphs grouped under the nearest heading; tables as " | "-joined rows.</summary>
public sealed partial class DocxTextExtractor : IDocumentTextExtractor
{
    // Every OLE compound file starts with these bytes; a password-protected .docx is stored as one.
    private static readonly byte[] CompoundFileSignature = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

    public IReadOnlyCollection<string> Extensions { get; } = [".docx"];

    public Task<ExtractedDocument> ExtractAsync(Stream content, string fileName, CancellationToken cancellationToken)
    {
        if (StartsWith(content, CompoundFileSignature))
        {
            throw new DocumentExtractionException(fileName, DocumentExtractionFailure.Encrypted,
                "the file is password-protected (or is a legacy .doc saved as .docx).");
        }

        try
        {
            ZipBombGuard.Check(content, fileName);
            using var word = WordprocessingDocument.Open(content, false);
            var body = word.MainDocumentPart?.Document?.Body
                       ?? throw new DocumentExtractionException(fileName, DocumentExtractionFailure.Unreadable, "the document has no body.");
            var styles = new HeadingStyles(word.MainDocumentPart.StyleDefinitionsPart?.Styles);
            var builder = new SectionBuilder();
            string? firstTitle = null;
            Walk(body.ChildElements, builder, styles, ref firstTitle, cancellationToken);

            var title = word.PackageProperties.Title;
            return Task.FromResult(new ExtractedDocument(
                string.IsNullOrWhiteSpace(title) ? firstTitle : title.Trim(), builder.Complete()));
        }
        catch (Exception ex) when (ex is OpenXmlPackageException or FileFormatException or InvalidDataException)
        {
            throw new DocumentExtractionException(fileName, DocumentExtractionFailure.Unreadable, "the file is not a readable Word (.docx) document.", ex);
        }
    }

    private static void Walk(OpenXmlElementList elements, SectionBuilder builder, HeadingStyles styles, ref string? firstTitle, CancellationToken cancellationToken)
    {
        foreach (var element in elements)
        {
            cancellationToken.ThrowIfCancellationRequested();
            switch (element)
            {
                case Paragraph paragraph:
                    AddParagraph(paragraph, builder, styles, ref firstTitle);
                    break;
                case Table table:
                    builder.EndLines();
                    foreach (var row in table.Elements<TableRow>())
                    {
                        var cells = row.Elements<TableCell>().Select(CellText);
                        builder.AddLine(string.Join(" | ", cells));
                    }

                    builder.EndLines();
                    break;
                case SdtBlock sdt when sdt.SdtContentBlock is { } sdtContent:
                    Walk(sdtContent.ChildElements, builder, styles, ref firstTitle, cancellationToken);
                    break;
            }
        }
    }

    private static void AddParagraph(Paragraph paragraph, SectionBuilder builder, HeadingStyles styles, ref string? firstTitle)
    {
        var text = ParagraphText(paragraph);
        if (string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        var properties = paragraph.ParagraphProperties;
        var kind = styles.Classify(properties?.ParagraphStyleId?.Val?.Value, properties?.OutlineLevel?.Val?.Value);
        if (kind != HeadingKind.None)
        {
            if (firstTitle is null && kind is HeadingKind.Title or HeadingKind.TopLevel)
            {
                firstTitle = text.Trim();
            }

            builder.StartSection(text);
        }
        else if (properties?.NumberingProperties is not null)
        {
            builder.AddLine("- " + text.Trim());
        }
        else
        {
            builder.AddBlock(text);
        }
    }

    private static string CellText(TableCell cell) =>
        string.Join(" ", cell.Descendants<Paragraph>().Select(ParagraphText).Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t.Trim()))
            .Replace('\n', ' ');

    /// <summary>Only visible text: deleted revisions and field codes are separate element types and are left out.</summary>
    private static string ParagraphText(Paragraph paragraph)
    {
        var builder = new StringBuilder();
        foreach (var element in paragraph.Descendants())
        {
            switch (element)
            {
                case Text text:
                    builder.Append(text.Text);
                    break;
                case TabChar:
                    builder.Append(' ');
                    break;
                case Break or CarriageReturn:
                    builder.Append('\n');
                    break;
            }
        }

        return builder.ToString();
    }

    private static bool StartsWith(Stream content, byte[] signature)
    {
        var start = content.Position;
        var buffer = new byte[signature.Length];
        var read = content.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        content.Position = start;
        return read == buffer.Length && buffer.AsSpan().SequenceEqual(signature);
    }

    private enum HeadingKind
    {
        None,
        Title,
        TopLevel,
        Lower,
    }

    /// <summary>
    /// Style ids are localised by Word ("Ttulo1" in Spanish), so a style counts as a heading by its id, its
    /// built-in name ("heading 1", "Title") or its outline level, following basedOn links.
    /// </summary>
    private sealed partial class HeadingStyles(Styles? styles)
    {
        private readonly Dictionary<string, Style> _byId = styles?.Elements<Style>()
            .Where(s => s.StyleId?.Value is not null)
            .GroupBy(s => s.StyleId!.Value!, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase)
            ?? new Dictionary<string, Style>(StringComparer.OrdinalIgnoreCase);

        public HeadingKind Classify(string? styleId, int? outlineLevel)
        {
            if (outlineLevel is { } level and < 9)
            {
                return level == 0 ? HeadingKind.TopLevel : HeadingKind.Lower;
            }

            for (var depth = 0; styleId is not null && depth < 10; depth++)
            {
                var byName = FromName(styleId);
                if (byName != HeadingKind.None)
                {
                    return byName;
                }

                if (!_byId.TryGetValue(styleId, out var style))
                {
                    break;
                }

                byName = FromName(style.StyleName?.Val?.Value);
                if (byName != HeadingKind.None)
                {
                    return byName;
                }

                if (style.StyleParagraphProperties?.OutlineLevel?.Val?.Value is { } styleLevel and < 9)
                {
                    return styleLevel == 0 ? HeadingKind.TopLevel : HeadingKind.Lower;
                }

                styleId = style.BasedOn?.Val?.Value;
            }

            return HeadingKind.None;
        }

        private static HeadingKind FromName(string? name)
        {
            if (name is null)
            {
                return HeadingKind.None;
            }

            if (name.Equals("Title", StringComparison.OrdinalIgnoreCase))
            {
                return HeadingKind.Title;
            }

            var match = HeadingName().Match(name);
            if (!match.Success)
            {
                return HeadingKind.None;
            }

            return match.Groups[1].Value == "1" ? HeadingKind.TopLevel : HeadingKind.Lower;
        }

        [GeneratedRegex(@"^heading\s*([1-9])$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
        private static partial Regex HeadingName();
    }
}
