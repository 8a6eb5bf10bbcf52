namespace LearningNavigator.Documents;

/// <summary>What the library knows about a document before its text is read.</summary>
public sealed record DocumentMetadata
{
    /// <summary>Stable id, for example the file name without extension. Lower-case, [a-z0-9-].</summary>
    public required string Id { get; init; }
    public required string Title { get; init; }
    /// <summary>ISO 639-1 code: "en" or "es".</summary>
    public required string Language { get; init; }
    /// <summary>Roles that may see the document (see <see cref="AppRoles"/>); admins always may.</summary>
    public required IReadOnlyList<string> Roles { get; init; }
    public required string FileName { get; init; }
}
