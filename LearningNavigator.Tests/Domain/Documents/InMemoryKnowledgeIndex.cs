using LearningNavigator.Documents;
using LearningNavigator.Knowledge;

namespace LearningNavigator.Tests.Domain.Documents;

/// <summary>A test double of the index that remembers every call, so tests can see what the ingestor did.</summary>
internal sealed class InMemoryKnowledgeIndex : IKnowledgeIndex
{
    private readonly Dictionary<string, (string Hash, IReadOnlyList<DocumentChunk> Chunks)> _documents = new(StringComparer.Ordinal);

    public List<string> Upserts { get; } = [];
    public List<string> Deletes { get; } = [];

    public IReadOnlyList<DocumentChunk> ChunksOf(string documentId) => _documents[documentId].Chunks;

    public bool Contains(string documentId) => _documents.ContainsKey(documentId);

    public Task UpsertDocumentAsync(DocumentMetadata document, string contentHash, IReadOnlyList<DocumentChunk> chunks, CancellationToken cancellationToken)
    {
        Upserts.Add(document.Id);
        _documents[document.Id] = (contentHash, chunks);
        return Task.CompletedTask;
    }

    public Task DeleteDocumentAsync(string documentId, CancellationToken cancellationToken)
    {
        Deletes.Add(documentId);
        _documents.Remove(documentId);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyDictionary<string, string>> GetDocumentHashesAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(_documents.ToDictionary(d => d.Key, d => d.Value.Hash, StringComparer.Ordinal));
}
