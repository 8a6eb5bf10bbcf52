using UglyToad.PdfPig;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Exceptions;

namespace LearningNavigator.Documents;

/// <summary>
/// Sections per page and heading: lines set larger (or bold at body size) than the document's body text are
/// headings, wrapped body lines are joined back into paragraphs, and page-number footers are dropped, so a
/// citation can say "page 4 · Invoicing".
/// </summary>
public sealed class PdfTextExtractor : IDocumentTextExtractor
{
    public IReadOnlyCollection<string> Extensions { get; } = [".pdf"];

    public Task<ExtractedDocument> ExtractAsync(Stream content, string fileName, CancellationToken cancellationToken)
    {
        try
        {
            using var pdf = PdfDocument.Open(content, new ParsingOptions { UseLenientParsing = true, SkipMissingFonts = true });
            var pages = new List<(int Number, IReadOnlyList<PdfLine> Lines)>();
            foreach (var page in pdf.GetPages())
            {
                cancellationToken.ThrowIfCancellationRequested();
                pages.Add((page.Number, PdfLine.Read(page)));
            }

            var layout = PdfLayout.Build(pages);
            var title = pdf.Information.Title;
            if (string.IsNullOrWhiteSpace(title))
            {
                title = layout.FirstHeading ?? layout.FirstLine;
            }

            return Task.FromResult(new ExtractedDocument(title?.Trim(), layout.Sections));
        }
        catch (PdfDocumentEncryptedException ex)
        {
            throw Encrypted(fileName, ex);
        }
        catch (PdfDocumentFormatException ex)
        {
            throw new DocumentExtractionException(fileName, DocumentExtractionFailure.Unreadable, "the file is not a readable PDF.", ex);
        }
    }

    // A PDF that opens with the empty user password (permissions only) is read like any other.
    private static DocumentExtractionException Encrypted(string fileName, Exception inner) =>
        new(fileName, DocumentExtractionFailure.Encrypted, "the PDF is encrypted or password-protected; save an unprotected copy and upload that.", inner);
}
