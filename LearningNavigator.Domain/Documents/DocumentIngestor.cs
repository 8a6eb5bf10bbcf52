using System.Security.Cryptography;
using LearningNavigator.Knowledge;
using Microsoft.Extensions.Logging;

namespace LearningNavigator.Documents;

public sealed record IngestionFailure(string DocumentId, string FileName, string Reason);

/// <summary>What one pass over the library did, for the admin page and the start-up log.</summary>
public sealed record IngestionReport(
    IReadOnlyList<string> Indexed,
    IReadOnlyList<string> Skipped,
    IReadOnlyList<IngestionFailure> Failed,
    IReadOnlyList<string> Removed);

/// <summary>
/// Brings the knowledge index in line with the library folder: new or changed files are re-indexed, unchanged
/// ones (same SHA-256) skipped, documents dropped from the manifest deleted. A bad file fails alone.
/// </summary>
public sealed class DocumentIngestor(
    DocumentTextExtractor extractor,
    TextChunker chunker,
    IKnowledgeIndex index,
    ILogger<DocumentIngestor> logger)
{
    public async Task<IngestionReport> IngestFolderAsync(string folder, CancellationToken cancellationToken)
    {
        // An invalid manifest throws before anything is touched: better no change than a half-understood library.
        var manifest = await LibraryManifestLoader.LoadAsync(folder, cancellationToken);
        var indexedHashes = await index.GetDocumentHashesAsync(cancellationToken);

        List<string> indexed = [], skipped = [], removed = [];
        List<IngestionFailure> failed = [];
        foreach (var entry in manifest.Documents)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var bytes = await File.ReadAllBytesAsync(Path.Combine(folder, entry.File), cancellationToken);
                var hash = ComputeHash(bytes);
                if (indexedHashes.TryGetValue(entry.Id, out var existing) && string.Equals(existing, hash, StringComparison.OrdinalIgnoreCase))
                {
                    skipped.Add(entry.Id);
                    continue;
                }

                await IngestAsync(entry.ToMetadata(), bytes, hash, cancellationToken);
                indexed.Add(entry.Id);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var fileName = Path.GetFileName(entry.File);
                if (ex is DocumentExtractionException extraction)
                {
                    // The reason is ours and names no content; the file's own error text stays out of the log.
                    logger.LogWarning("Could not index {FileName}: {Reason}", fileName, extraction.Reason);
                    failed.Add(new IngestionFailure(entry.Id, entry.File, extraction.Reason));
                    continue;
                }

                var reason = $"{ex.GetType().Name}: {ex.Message}";
                logger.LogWarning(ex, "Could not index {FileName}", fileName);
                failed.Add(new IngestionFailure(entry.Id, entry.File, reason));
            }
        }

        var inManifest = manifest.Documents.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var staleId in indexedHashes.Keys.Where(id => !inManifest.Contains(id)).Order(StringComparer.Ordinal))
        {
            try
            {
                await index.DeleteDocumentAsync(staleId, cancellationToken);
                removed.Add(staleId);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Could not remove {DocumentId} from the index", staleId);
                failed.Add(new IngestionFailure(staleId, string.Empty, $"removal failed: {ex.GetType().Name}: {ex.Message}"));
            }
        }

        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation(
                "Library ingestion: {Indexed} indexed, {Skipped} unchanged, {Failed} failed, {Removed} removed",
                indexed.Count, skipped.Count, failed.Count, removed.Count);
        }
        return new IngestionReport(indexed, skipped, failed, removed);
    }

    /// <summary>Lower-case hex SHA-256 of the file bytes; the same value the index stores per document.</summary>
    public static string ComputeHash(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private async Task IngestAsync(DocumentMetadata metadata, byte[] bytes, string hash, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        var extracted = await extractor.ExtractAsync(stream, metadata.FileName, cancellationToken);
        var chunks = chunker.Chunk(metadata, extracted);
        await index.UpsertDocumentAsync(metadata, hash, chunks, cancellationToken);
    }
}
