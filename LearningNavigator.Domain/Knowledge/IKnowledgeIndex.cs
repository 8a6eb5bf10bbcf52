using LearningNavigator.Documents;

namespace LearningNavigator.Knowledge;

/// <summary>The write side of the local knowledge store.</summary>
public interface IKnowledgeIndex
{
    /// <summary>Replaces every chunk of the document in one commit.</summary>
    Task UpsertDocumentAsync(DocumentMetadata document, string contentHash, IReadOnlyList<DocumentChunk> chunks, CancellationToken cancellationToken);

    Task DeleteDocumentAsync(string documentId, CancellationToken cancellationToken);

    /// <summary>Document id → content hash of what is indexed now, so unchanged files are skipped.</summary>
    Task<IReadOnlyDictionary<string, string>> GetDocumentHashesAsync(CancellationToken cancellationToken);
}
