namespace LearningNavigator.Documents.Local;

/// <summary>One row of the library catalog: the document as the admin page shows it plus what the pipeline needs.</summary>
internal sealed record CatalogEntry
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    /// <summary>The uploader named the title; otherwise it comes from the document once extracted.</summary>
    public bool TitleGiven { get; init; }
    public required string FileName { get; init; }
    /// <summary>File name under the storage folder's files/ directory; null when nothing was kept (too large, wrong type).</summary>
    public string? StoredFile { get; init; }
    public required string Language { get; init; }
    /// <summary>The language the uploader chose; null: detect from the text.</summary>
    public string? RequestedLanguage { get; init; }
    public required IReadOnlyList<string> Roles { get; init; }
    public required DocumentStatus Status { get; init; }
    public double Progress { get; init; }
    public int? PageCount { get; init; }
    public int? ChunkCount { get; init; }
    public long SizeBytes { get; init; }
    public string? ContentHash { get; init; }
    public string? Error { get; init; }
    public DocumentExtractionFailure? Failure { get; init; }
    /// <summary>Raised each time the document is queued, so a finishing older job cannot overwrite a newer one.</summary>
    public long Job { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }

    public bool IsPending => Status is DocumentStatus.Queued or DocumentStatus.Extracting or DocumentStatus.Chunking or DocumentStatus.Indexing;

    public DocumentMetadata ToMetadata() => new()
    {
        Id = Id,
        Title = Title,
        Language = Language,
        Roles = Roles,
        FileName = FileName,
    };

    public LibraryDocument ToDocument() => new()
    {
        Id = Id,
        Title = Title,
        FileName = FileName,
        Language = Language,
        Roles = Roles,
        Status = Status,
        Progress = Progress,
        PageCount = PageCount,
        ChunkCount = ChunkCount,
        SizeBytes = SizeBytes,
        ContentHash = ContentHash,
        Error = Error,
        Failure = Failure,
        UpdatedAt = UpdatedAt,
    };
}
