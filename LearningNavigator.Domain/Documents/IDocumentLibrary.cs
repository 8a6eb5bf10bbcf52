namespace LearningNavigator.Documents;

/// <summary>Where a document is on its way into the knowledge store.</summary>
public enum DocumentStatus
{
    Queued,
    Extracting,
    Chunking,
    Indexing,
    /// <summary>Handed to a managed knowledge base whose own ingestion job is still running.</summary>
    Syncing,
    Ready,
    Failed,
}

/// <summary>A document of the library as the admin page shows it.</summary>
public sealed record LibraryDocument
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    public required string FileName { get; init; }
    /// <summary>"en" or "es"; detected from the text when the uploader does not say.</summary>
    public required string Language { get; init; }
    public required IReadOnlyList<string> Roles { get; init; }
    public required DocumentStatus Status { get; init; }
    /// <summary>0..1 within the current status, for a progress bar.</summary>
    public double Progress { get; init; }
    public int? PageCount { get; init; }
    public int? ChunkCount { get; init; }
    public long SizeBytes { get; init; }
    public string? ContentHash { get; init; }
    /// <summary>Why the document failed, in words an admin can act on.</summary>
    public string? Error { get; init; }
    /// <summary>The kind of refusal when the file itself could not be read, so a UI can word it in its own language; null otherwise.</summary>
    public DocumentExtractionFailure? Failure { get; init; }
    /// <summary>The kind of store failure when a managed knowledge base could not take the document in; null otherwise.</summary>
    public DocumentStoreFailure? StoreFailure { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>What the admin sees before trusting a document: its text and how it was cut into chunks.</summary>
public sealed record DocumentPreview(string Text, bool TextTruncated, IReadOnlyList<DocumentChunk> Chunks);

public sealed record DocumentUpload
{
    public required string FileName { get; init; }
    public required Stream Content { get; init; }
    public required IReadOnlyList<string> Roles { get; init; }
    public string? Title { get; init; }
    /// <summary>Null: detect from the text.</summary>
    public string? Language { get; init; }
    /// <summary>The id of the document this upload replaces, if any.</summary>
    public string? ReplacesId { get; init; }
}

/// <summary>
/// The document library behind the admin page, whatever stores the knowledge: the local index in the
/// embedded default, a Bedrock Knowledge Base's S3 data source in production.
/// </summary>
public interface IDocumentLibrary
{
    Task<IReadOnlyList<LibraryDocument>> ListAsync(CancellationToken cancellationToken);

    Task<LibraryDocument?> GetAsync(string documentId, CancellationToken cancellationToken);

    /// <summary>
    /// Accepts the file and queues it; the returned document is Queued (or Failed with a reason). Every method throws
    /// <see cref="DocumentLibraryException"/> when the store behind the library refuses or fails the call.
    /// </summary>
    Task<LibraryDocument> AddAsync(DocumentUpload upload, CancellationToken cancellationToken);

    Task SetRolesAsync(string documentId, IReadOnlyList<string> roles, CancellationToken cancellationToken);

    /// <summary>Removes the document and every chunk of it from the knowledge store.</summary>
    Task DeleteAsync(string documentId, CancellationToken cancellationToken);

    /// <summary>Queues every document for indexing again.</summary>
    Task ReindexAllAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The extracted text and chunks as the knowledge store sees them; null when the store cannot show them
    /// (a managed knowledge base keeps its chunks to itself).
    /// </summary>
    Task<DocumentPreview?> GetPreviewAsync(string documentId, CancellationToken cancellationToken) =>
        Task.FromResult<DocumentPreview?>(null);

    /// <summary>Raised whenever a document's status or metadata changes, so pages can refresh.</summary>
    event Action<LibraryDocument>? Changed;
}
