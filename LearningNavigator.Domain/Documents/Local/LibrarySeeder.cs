namespace LearningNavigator.Documents.Local;

/// <summary>
/// Brings the documents of a library folder (library.json) into the local library: new or changed files are
/// queued, files seeded before with the same bytes are skipped, even if an admin has since deleted them, and
/// seeded documents dropped from the manifest are removed.
/// </summary>
public sealed class LibrarySeeder(LocalDocumentLibrary library)
{
    /// <summary>Seeds, then processes every pending document before returning, so the first question finds them.</summary>
    public async Task<IngestionReport> SeedAsync(string folder, CancellationToken cancellationToken)
    {
        var manifest = await LibraryManifestLoader.LoadAsync(folder, cancellationToken);
        var seeded = await library.Catalog.SeededAsync(cancellationToken);
        List<string> queued = [], skipped = [], removed = [];
        foreach (var entry in manifest.Documents)
        {
            var path = Path.Combine(folder, entry.File);
            var hash = DocumentIngestor.ComputeHash(await File.ReadAllBytesAsync(path, cancellationToken));
            if (seeded.TryGetValue(entry.Id, out var seededHash) && seededHash == hash)
            {
                skipped.Add(entry.Id);
                continue;
            }

            await using (var stream = File.OpenRead(path))
            {
                var existing = await library.Catalog.GetAsync(entry.Id, cancellationToken);
                await library.ImportAsync(entry, stream, existing, cancellationToken);
            }

            await library.Catalog.MarkSeededAsync(entry.Id, hash, cancellationToken);
            queued.Add(entry.Id);
        }

        var inManifest = manifest.Documents.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var staleId in seeded.Keys.Where(id => !inManifest.Contains(id)).Order(StringComparer.Ordinal))
        {
            await library.DeleteAsync(staleId, cancellationToken);
            await library.Catalog.MarkSeededAsync(staleId, null, cancellationToken);
            removed.Add(staleId);
        }

        await library.ProcessPendingAsync(cancellationToken);

        List<string> indexed = [];
        List<IngestionFailure> failed = [];
        foreach (var id in queued)
        {
            var document = await library.GetAsync(id, cancellationToken);
            if (document?.Status == DocumentStatus.Ready)
            {
                indexed.Add(id);
            }
            else
            {
                failed.Add(new IngestionFailure(id, document?.FileName ?? id, document?.Error ?? "not processed"));
            }
        }

        return new IngestionReport(indexed, skipped, failed, removed);
    }
}
