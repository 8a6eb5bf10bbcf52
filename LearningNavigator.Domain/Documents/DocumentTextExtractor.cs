using Microsoft.Extensions.Options;

namespace LearningNavigator.Documents;

/// <summary>
/// Picks the extractor by file extension after checking the content really is that type, enforces the size
/// limit, and turns every failure into a <see cref="DocumentExtractionException"/> with a reason an admin can act on.
/// </summary>
public sealed class DocumentTextExtractor
{
    private readonly Dictionary<string, IDocumentTextExtractor> _byExtension;
    private readonly long _maxBytes;

    public DocumentTextExtractor(IEnumerable<IDocumentTextExtractor> extractors, IOptions<LibraryOptions>? options = null)
    {
        _byExtension = new Dictionary<string, IDocumentTextExtractor>(StringComparer.OrdinalIgnoreCase);
        foreach (var extractor in extractors)
        {
            foreach (var extension in extractor.Extensions)
            {
                _byExtension[extension] = extractor;
            }
        }

        _maxBytes = (options?.Value ?? new LibraryOptions()).MaxFileBytes;
    }

    /// <summary>All built-in formats, for callers outside dependency injection.</summary>
    public static DocumentTextExtractor CreateDefault(LibraryOptions? options = null) =>
        new([new PdfTextExtractor(), new DocxTextExtractor(), new MarkdownTextExtractor(), new HtmlTextExtractor(), new PlainTextExtractor()],
            Options.Create(options ?? new LibraryOptions()));

    public IReadOnlyCollection<string> SupportedExtensions => _byExtension.Keys;

    public long MaxBytes => _maxBytes;

    public bool IsSupported(string fileName) => _byExtension.ContainsKey(Path.GetExtension(fileName));

    /// <summary>The same message the extractor gives for a file over the limit, for callers that stop reading early.</summary>
    public DocumentExtractionException TooLarge(string fileName, long sizeBytes, bool stoppedReading = false) =>
        new(Path.GetFileName(fileName), DocumentExtractionFailure.TooLarge,
            $"the file is {(stoppedReading ? "more than " : string.Empty)}{sizeBytes / (1024.0 * 1024.0):N1} MB; the limit is {_maxBytes / (1024 * 1024):N0} MB.");

    /// <summary>
    /// Checks name, size and content type without extracting anything; throws what <see cref="ExtractAsync"/> would.
    /// The stream must be seekable; its position is kept.
    /// </summary>
    public IDocumentTextExtractor Validate(Stream seekable, string fileName)
    {
        var displayName = Path.GetFileName(fileName);
        var extension = Path.GetExtension(fileName);
        if (!_byExtension.TryGetValue(extension, out var extractor))
        {
            throw new DocumentExtractionException(displayName, DocumentExtractionFailure.UnsupportedType,
                $"'{(extension.Length == 0 ? "(no extension)" : extension)}' files are not supported; use one of {string.Join(", ", _byExtension.Keys.Order(StringComparer.Ordinal))}.");
        }

        if (seekable.Length - seekable.Position > _maxBytes)
        {
            throw TooLarge(fileName, seekable.Length - seekable.Position);
        }

        var sniffed = ContentSniffer.Sniff(seekable);
        if (sniffed == SniffedContent.Empty)
        {
            throw new DocumentExtractionException(displayName, DocumentExtractionFailure.EmptyText, "the file is empty.");
        }

        var expected = Expected(extension);
        // A compound file named .docx is how Word saves with a password, and a damaged ZIP is a damaged .docx:
        // the DOCX extractor says so more precisely than "wrong type".
        var acceptable = sniffed == expected
                         || (expected == SniffedContent.WordDocument && sniffed is SniffedContent.CompoundFile or SniffedContent.BrokenZip);
        if (!acceptable)
        {
            throw new DocumentExtractionException(displayName, DocumentExtractionFailure.WrongType,
                $"the name says {extension} but the content is {ContentSniffer.Describe(sniffed)}, not {ContentSniffer.Describe(expected)}.");
        }

        return extractor;
    }

    public async Task<ExtractedDocument> ExtractAsync(Stream content, string fileName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        var displayName = Path.GetFileName(fileName);
        var extension = Path.GetExtension(fileName);

        // Extractors need to seek (PDF cross-reference tables, ZIP directories), and upload streams cannot.
        var seekable = content;
        if (!content.CanSeek)
        {
            seekable = new MemoryStream();
            await CopyWithLimitAsync(content, seekable, fileName, cancellationToken);
            seekable.Position = 0;
        }

        ExtractedDocument document;
        try
        {
            var extractor = Validate(seekable, fileName);
            document = await extractor.ExtractAsync(seekable, displayName, cancellationToken);
        }
        catch (Exception ex) when (ex is not DocumentExtractionException and not OperationCanceledException)
        {
            throw new DocumentExtractionException(displayName, DocumentExtractionFailure.Unreadable,
                $"the file could not be read as {extension.TrimStart('.').ToUpperInvariant()} ({ex.GetType().Name}).", ex);
        }
        finally
        {
            if (!ReferenceEquals(seekable, content))
            {
                await seekable.DisposeAsync();
            }
        }

        if (document.Sections.All(s => string.IsNullOrWhiteSpace(s.Text)))
        {
            throw new DocumentExtractionException(displayName, DocumentExtractionFailure.EmptyText,
                "no text could be extracted (a scanned PDF needs OCR first).");
        }

        return document;
    }

    private async Task CopyWithLimitAsync(Stream source, Stream target, string fileName, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            total += read;
            if (total > _maxBytes)
            {
                throw TooLarge(fileName, _maxBytes, stoppedReading: true);
            }

            await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }

    private static SniffedContent Expected(string extension) => extension.ToLowerInvariant() switch
    {
        ".pdf" => SniffedContent.Pdf,
        ".docx" => SniffedContent.WordDocument,
        _ => SniffedContent.Text,
    };
}
