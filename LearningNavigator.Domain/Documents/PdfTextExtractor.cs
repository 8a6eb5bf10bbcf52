using UglyToad.PdfPig;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;
using UglyToad.PdfPig.Exceptions;

namespace LearningNavigator.Documents;

/// <summary>One section per page so a citation can say "page 4".</summary>
public sealed class PdfTextExtractor : IDocumentTextExtractor
{
    private static readonly ContentOrderTextExtractor.Options ExtractorOptions = new()
    {
        ReplaceWhitespaceWithSpace = true,
        SeparateParagraphsWithDoubleNewline = true,
    };

    public IReadOnlyCollection<string> Extensions { get; } = [".pdf"];

    public Task<ExtractedDocument> ExtractAsync(Stream content, string fileName, CancellationToken cancellationToken)
    {
        try
        {
            using var pdf = PdfDocument.Open(content, new ParsingOptions { UseLenientParsing = true, SkipMissingFonts = true });
            var sections = new List<ExtractedSection>();
            foreach (var page in pdf.GetPages())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var text = TextNormalizer.Normalize(ContentOrderTextExtractor.GetText(page, ExtractorOptions));
                if (text.Length > 0)
                {
                    sections.Add(new ExtractedSection(text, page.Number, null));
                }
            }

            var title = pdf.Information.Title;
            if (string.IsNullOrWhiteSpace(title))
            {
                title = sections.Count > 0 ? sections[0].Text.Split('\n', 2)[0] : null;
            }

            return Task.FromResult(new ExtractedDocument(title?.Trim(), sections));
        }
        catch (PdfDocumentEncryptedException ex)
        {
            throw new DocumentExtractionException(fileName, DocumentExtractionFailure.Encrypted, "the PDF is encrypted or password-protected.", ex);
        }
        catch (PdfDocumentFormatException ex)
        {
            throw new DocumentExtractionException(fileName, DocumentExtractionFailure.Unreadable, "the file is not a readable PDF.", ex);
        }
    }
}
