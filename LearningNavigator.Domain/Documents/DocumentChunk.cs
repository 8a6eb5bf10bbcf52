namespace LearningNavigator.Documents;

/// <summary>A retrievable piece of a document, carrying everything a citation needs.</summary>
public sealed record DocumentChunk
{
    /// <summary>"{DocumentId}#{Ordinal}".</summary>
    public required string Id { get; init; }
    public required string DocumentId { get; init; }
    public required string Title { get; init; }
    public string? Heading { get; init; }
    public int? Page { get; init; }
    public required string Language { get; init; }
    public required IReadOnlyList<string> Roles { get; init; }
    /// <summary>Inclusive start, exclusive end, into <see cref="ExtractedDocument.FullText"/>.</summary>
    public required int StartOffset { get; init; }
    public required int EndOffset { get; init; }
    public required string Text { get; init; }
    public required int Ordinal { get; init; }
    public required int TokenCount { get; init; }
}
