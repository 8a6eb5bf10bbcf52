using LearningNavigator.Documents;
using LearningNavigator.Escalations;

namespace LearningNavigator.Tests.TestSupport;

/// <summary>Open escalations per (role, language), for the dashboard tests until the escalation store is merged.</summary>
public sealed class InMemoryEscalationStatistics : IEscalationStatistics
{
    public List<(string Role, string Language)> Open { get; } = [];

    public Task<int> CountOpenAsync(string? role, string? language, CancellationToken cancellationToken) =>
        Task.FromResult(Open.Count(e => (role is null || e.Role == role) && (language is null || e.Language == language)));
}

/// <summary>A library that only lists fixed documents: the dashboard reads titles and nothing else.</summary>
public sealed class FixedDocumentLibrary(params (string Id, string Title)[] documents) : IDocumentLibrary
{
    public event Action<LibraryDocument>? Changed { add { } remove { } }

    public Task<IReadOnlyList<LibraryDocument>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<LibraryDocument>>([.. documents.Select(d => new LibraryDocument
        {
            Id = d.Id,
            Title = d.Title,
            FileName = d.Id + ".md",
            Language = "en",
            Roles = [AppRoles.Instructor, AppRoles.Staff],
            Status = DocumentStatus.Ready,
            UpdatedAt = DateTimeOffset.UnixEpoch,
        })]);

    public async Task<LibraryDocument?> GetAsync(string documentId, CancellationToken cancellationToken) =>
        (await ListAsync(cancellationToken)).FirstOrDefault(d => d.Id == documentId);

    public Task<LibraryDocument> AddAsync(DocumentUpload upload, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task SetRolesAsync(string documentId, IReadOnlyList<string> roles, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task DeleteAsync(string documentId, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task ReindexAllAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
}

public sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
