namespace LearningNavigator.Knowledge;

public sealed record RetrievalRequest
{
    public required string Query { get; init; }
    /// <summary>The asking user's role; only passages of documents visible to it come back.</summary>
    public required string Role { get; init; }
    /// <summary>Optional ISO 639-1 filter; null searches every language.</summary>
    public string? Language { get; init; }
    public int TopK { get; init; } = 5;
}

/// <summary>A passage the retriever found, with what a citation needs to point at it.</summary>
public sealed record RetrievedPassage
{
    public required string ChunkId { get; init; }
    public required string DocumentId { get; init; }
    public required string Title { get; init; }
    public string? Heading { get; init; }
    public int? Page { get; init; }
    public required string Language { get; init; }
    public required string Text { get; init; }
    public required double Score { get; init; }
    public int StartOffset { get; init; }
    public int EndOffset { get; init; }

    /// <summary>
    /// "p. 3 · Heading", "Heading" or "p. 3": where in the document the passage sits. A heading that only
    /// repeats the title says nothing about where, so it is left out.
    /// </summary>
    public string Location => (Page, string.Equals(Heading, Title, StringComparison.OrdinalIgnoreCase) ? null : Heading) switch
    {
        (int page, string heading) when heading.Length > 0 => $"p. {page} · {heading}",
        (int page, _) => $"p. {page}",
        (_, string heading) => heading,
        _ => string.Empty,
    };
}

public interface IKnowledgeRetriever
{
    Task<IReadOnlyList<RetrievedPassage>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken);
}
