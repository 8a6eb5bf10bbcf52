namespace LearningNavigator.Documents;

/// <summary>Turns one file format into ordered, plain-text sections.</summary>
public interface IDocumentTextExtractor
{
    /// <summary>Lower-case extensions with the dot, for example ".pdf".</summary>
    IReadOnlyCollection<string> Extensions { get; }

    /// <summary>
    /// Reads <paramref name="content"/>, which the caller guarantees is seekable. Throws
    /// <see cref="DocumentExtractionException"/> when the file is unreadable or encrypted.
    /// </summary>
    Task<ExtractedDocument> ExtractAsync(Stream content, string fileName, CancellationToken cancellationToken);
}
