namespace LearningNavigator.Documents;

/// <summary>Picks the extractor by file extension and turns every failure into a <see cref="DocumentExtractionException"/>.</summary>
public sealed class DocumentTextExtractor
{
    private readonly Dictionary<string, IDocumentTextExtractor> _byExtension;

    public DocumentTextExtractor(IEnumerable<IDocumentTextExtractor> extractors)
    {
        _byExtension = new Dictionary<string, IDocumentTextExtractor>(StringComparer.OrdinalIgnoreCase);
        foreach (var extractor in extractors)
        {
            foreach (var extension in extractor.Extensions)
            {
                _byExtension[extension] = extractor;
            }
        }
    }

    /// <summary>All four built-in formats, for callers outside dependency injection.</summary>
    public static DocumentTextExtractor CreateDefault() =>
        new([new PdfTextExtractor(), new DocxTextExtractor(), new MarkdownTextExtractor(), new PlainTextExtractor()]);

    public IReadOnlyCollection<string> SupportedExtensions => _byExtension.Keys;

    public bool IsSupported(string fileName) => _byExtension.ContainsKey(Path.GetExtension(fileName));

    public async Task<ExtractedDocument> ExtractAsync(Stream content, string fileName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        var displayName = Path.GetFileName(fileName);
        var extension = Path.GetExtension(fileName);
        if (!_byExtension.TryGetValue(extension, out var extractor))
        {
            throw new DocumentExtractionException(displayName, DocumentExtractionFailure.UnsupportedType,
                $"'{(extension.Length == 0 ? "(no extension)" : extension)}' files are not supported; use one of {string.Join(", ", _byExtension.Keys.Order(StringComparer.Ordinal))}.");
        }

        // Extractors need to seek (PDF cross-reference tables, ZIP directories), and upload streams cannot.
        var seekable = content;
        if (!content.CanSeek)
        {
            seekable = new MemoryStream();
            await content.CopyToAsync(seekable, cancellationToken);
            seekable.Position = 0;
        }

        ExtractedDocument document;
        try
        {
            if (seekable.Length == 0)
            {
                throw new DocumentExtractionException(displayName, DocumentExtractionFailure.EmptyText, "the file is empty.");
            }

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
}
