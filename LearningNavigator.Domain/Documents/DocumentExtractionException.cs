namespace LearningNavigator.Documents;

/// <summary>Why a file could not be turned into text; lets the admin UI say something more useful than "failed".</summary>
public enum DocumentExtractionFailure
{
    UnsupportedType,
    Unreadable,
    Encrypted,
    EmptyText,
    /// <summary>The bytes are not what the extension says (a text file named .pdf, a PDF named .docx).</summary>
    WrongType,
    TooLarge,
    /// <summary>A ZIP (DOCX) whose entries would inflate to far more than is plausible for a document.</summary>
    DecompressionBomb,
}

/// <summary>A document could not be read. The message names the file and the reason, never the content.</summary>
public sealed class DocumentExtractionException : Exception
{
    public DocumentExtractionException(string fileName, DocumentExtractionFailure failure, string reason, Exception? innerException = null)
        : base($"Cannot extract text from '{fileName}': {reason}", innerException)
    {
        FileName = fileName;
        Failure = failure;
        Reason = reason;
    }

    public string FileName { get; }
    public DocumentExtractionFailure Failure { get; }
    public string Reason { get; }
}
