using Microsoft.Extensions.Logging;

namespace LearningNavigator.Documents.Local;

public sealed partial class LocalDocumentLibrary
{
    /// <summary>
    /// Processes queued documents until <paramref name="cancellationToken"/> fires. Whatever the catalog still
    /// lists as in progress (the app stopped mid-way) is queued first, so it resumes where it was.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        foreach (var id in await _catalog.PendingIdsAsync(cancellationToken))
        {
            _queue.Writer.TryWrite(id);
        }

        await foreach (var id in _queue.Reader.ReadAllAsync(cancellationToken))
        {
            await ProcessAsync(id, cancellationToken);
        }
    }

    /// <summary>Processes every pending document now, in the caller's time; used at start-up and by the CLI.</summary>
    public async Task ProcessPendingAsync(CancellationToken cancellationToken)
    {
        foreach (var id in await _catalog.PendingIdsAsync(cancellationToken))
        {
            await ProcessAsync(id, cancellationToken);
        }
    }

    private async Task ProcessAsync(string id, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var entry = await _catalog.GetAsync(id, cancellationToken);
            if (entry is null || !entry.IsPending || entry.StoredFile is null)
            {
                // Already done (a duplicate queue entry) or deleted meanwhile.
                return;
            }

            await RunPipelineAsync(entry, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task RunPipelineAsync(CatalogEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            entry = await StepAsync(entry with { Status = DocumentStatus.Extracting, Progress = 0, Error = null, Failure = null }, cancellationToken);
            ExtractedDocument extracted;
            await using (var stream = File.OpenRead(StoredPath(entry.StoredFile!)))
            {
                extracted = await _extractor.ExtractAsync(stream, entry.FileName, cancellationToken);
            }

            var pages = extracted.Sections.Select(s => s.Page).OfType<int>().DefaultIfEmpty().Max();
            entry = await StepAsync(entry with
            {
                Status = DocumentStatus.Chunking,
                Title = entry.TitleGiven || string.IsNullOrWhiteSpace(extracted.Title) ? entry.Title : extracted.Title,
                Language = entry.RequestedLanguage ?? LanguageDetector.Detect(Sample(extracted.FullText)),
                PageCount = pages > 0 ? pages : null,
            }, cancellationToken);

            var chunks = _chunker.Chunk(entry.ToMetadata(), extracted);
            entry = await StepAsync(entry with { Status = DocumentStatus.Indexing, ChunkCount = chunks.Count }, cancellationToken);
            await _index.UpsertDocumentAsync(entry.ToMetadata(), entry.ContentHash!, chunks, cancellationToken);
            await StepAsync(entry with { Status = DocumentStatus.Ready, Progress = 1 }, cancellationToken);
            Log.Ready(_logger, entry.Id, chunks.Count);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Left in its current status: the next start picks it up again.
            throw;
        }
        catch (SupersededException)
        {
            // Queued again (new roles, new version) while this run was going: the newer job does the work.
        }
        catch (Exception ex)
        {
            var reason = ex is DocumentExtractionException extraction
                ? Capitalize(extraction.Reason)
                : $"Indexing failed ({ex.GetType().Name}); try re-indexing, and check the server log if it fails again.";
            if (ex is DocumentExtractionException)
            {
                Log.Refused(_logger, entry.FileName, reason);
            }
            else
            {
                Log.Failed(_logger, ex, entry.Id);
            }

            // Nothing of a broken document may stay searchable, not even an older version's chunks.
            await _index.DeleteDocumentAsync(entry.Id, CancellationToken.None);
            await StepAsync(entry with { Status = DocumentStatus.Failed, Progress = 0, ChunkCount = null, Error = reason, Failure = (ex as DocumentExtractionException)?.Failure }, CancellationToken.None, throwIfSuperseded: false);
        }
    }

    private async Task<CatalogEntry> StepAsync(CatalogEntry entry, CancellationToken cancellationToken, bool throwIfSuperseded = true)
    {
        entry = entry with { UpdatedAt = _time.GetUtcNow() };
        if (!await _catalog.UpdateIfJobAsync(entry, cancellationToken))
        {
            if (throwIfSuperseded)
            {
                throw new SupersededException();
            }

            return entry;
        }

        Raise(entry);
        return entry;
    }

    // Language is a property of the whole text, but the first pages decide it as well as all of them.
    private static string Sample(string text) => text.Length > 20_000 ? text[..20_000] : text;

    private sealed class SupersededException : Exception;

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Document {DocumentId} ready: {Chunks} chunks")]
        public static partial void Ready(ILogger logger, string documentId, int chunks);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {FileName}: {Reason}")]
        public static partial void Refused(ILogger logger, string fileName, string reason);

        [LoggerMessage(Level = LogLevel.Error, Message = "Could not index document {DocumentId}")]
        public static partial void Failed(ILogger logger, Exception exception, string documentId);

        [LoggerMessage(Level = LogLevel.Warning, Message = "A library change handler failed")]
        public static partial void HandlerFailed(ILogger logger, Exception exception);
    }
}
