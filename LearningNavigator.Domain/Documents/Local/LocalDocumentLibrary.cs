using System.Security.Cryptography;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using LearningNavigator.Knowledge;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Documents.Local;

/// <summary>
/// The embedded library: files kept under <see cref="LibraryOptions.StoragePath"/>, a SQLite catalog of documents
/// and their state, and a background pipeline (queued → extracting → chunking → indexing → ready) into the local
/// index. One document is processed at a time; a failure marks that document alone.
/// </summary>
public sealed partial class LocalDocumentLibrary : IDocumentLibrary, IDisposable
{
    private const int PreviewTextLimit = 50_000;

    private readonly LibraryCatalog _catalog;
    private readonly DocumentTextExtractor _extractor;
    private readonly TextChunker _chunker;
    private readonly IKnowledgeIndex _index;
    private readonly TimeProvider _time;
    private readonly ILogger<LocalDocumentLibrary> _logger;
    private readonly string _filesFolder;
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    // Held while a document is processed or deleted, so a delete never races an upsert of the same chunks.
    private readonly SemaphoreSlim _gate = new(1, 1);

    public LocalDocumentLibrary(
        IOptions<LibraryOptions> options,
        DocumentTextExtractor extractor,
        TextChunker chunker,
        IKnowledgeIndex index,
        TimeProvider time,
        ILogger<LocalDocumentLibrary> logger)
    {
        var storage = options.Value.StoragePath;
        Directory.CreateDirectory(storage);
        _filesFolder = Path.Combine(storage, "files");
        Directory.CreateDirectory(_filesFolder);
        _catalog = new LibraryCatalog(Path.Combine(storage, "catalog.db"));
        _extractor = extractor;
        _chunker = chunker;
        _index = index;
        _time = time;
        _logger = logger;
    }

    public event Action<LibraryDocument>? Changed;

    public async Task<IReadOnlyList<LibraryDocument>> ListAsync(CancellationToken cancellationToken) =>
        (await _catalog.ListAsync(cancellationToken)).Select(e => e.ToDocument()).ToList();

    public async Task<LibraryDocument?> GetAsync(string documentId, CancellationToken cancellationToken) =>
        (await _catalog.GetAsync(documentId, cancellationToken))?.ToDocument();

    public async Task<LibraryDocument> AddAsync(DocumentUpload upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var fileName = Path.GetFileName(upload.FileName ?? string.Empty);
        ValidateUpload(fileName, upload.Roles, upload.Language);
        var replaced = upload.ReplacesId is null ? null
            : await _catalog.GetAsync(upload.ReplacesId, cancellationToken)
              ?? throw new ArgumentException($"There is no document '{upload.ReplacesId}' to replace.", nameof(upload));

        var incoming = Path.Combine(_filesFolder, $".incoming-{Guid.NewGuid():N}");
        try
        {
            var (size, hash, tooLarge) = await CopyAsync(upload.Content, incoming, cancellationToken);
            var now = _time.GetUtcNow();
            var entry = new CatalogEntry
            {
                Id = replaced?.Id ?? await NewIdAsync(fileName, cancellationToken),
                Title = string.IsNullOrWhiteSpace(upload.Title) ? replaced?.Title ?? Path.GetFileNameWithoutExtension(fileName) : upload.Title.Trim(),
                TitleGiven = !string.IsNullOrWhiteSpace(upload.Title) || (replaced?.TitleGiven ?? false),
                FileName = fileName,
                Language = upload.Language ?? replaced?.Language ?? LanguageDetector.English,
                RequestedLanguage = upload.Language,
                Roles = NormalizeRoles(upload.Roles),
                Status = DocumentStatus.Queued,
                SizeBytes = size,
                ContentHash = hash,
                Job = (replaced?.Job ?? 0) + 1,
                UpdatedAt = now,
            };

            var refusal = tooLarge ? _extractor.TooLarge(fileName, size, stoppedReading: true) : Check(incoming, fileName);
            if (refusal is not null)
            {
                var failed = entry with { Status = DocumentStatus.Failed, Error = Capitalize(refusal.Reason), Failure = refusal.Failure, StoredFile = null, ContentHash = null };
                // A bad replacement leaves the good version alone; a bad new file is listed so the admin sees why.
                if (replaced is null)
                {
                    await _catalog.UpsertAsync(failed, cancellationToken);
                    Raise(failed);
                }

                Log.Refused(_logger, fileName, refusal.Reason);
                return failed.ToDocument();
            }

            var same = replaced is { ContentHash: { } h } && h == hash && replaced.Status != DocumentStatus.Failed
                ? replaced
                : replaced is null ? await _catalog.FindByHashAsync(hash, cancellationToken) : null;
            if (same is not null)
            {
                // The same bytes again: nothing to do, whoever uploads them.
                return same.ToDocument();
            }

            var storedFile = entry.Id + Path.GetExtension(fileName).ToLowerInvariant();
            if (replaced?.StoredFile is { } old && old != storedFile)
            {
                File.Delete(Path.Combine(_filesFolder, old));
            }

            File.Move(incoming, Path.Combine(_filesFolder, storedFile), overwrite: true);
            entry = entry with { StoredFile = storedFile };
            await _catalog.UpsertAsync(entry, cancellationToken);
            Enqueue(entry);
            return entry.ToDocument();
        }
        finally
        {
            File.Delete(incoming);
        }
    }

    public async Task SetRolesAsync(string documentId, IReadOnlyList<string> roles, CancellationToken cancellationToken)
    {
        ValidateRoles(roles);
        var entry = await _catalog.GetAsync(documentId, cancellationToken)
                    ?? throw new ArgumentException($"There is no document '{documentId}'.", nameof(documentId));
        var normalized = NormalizeRoles(roles);
        if (normalized.SequenceEqual(entry.Roles, StringComparer.Ordinal))
        {
            return;
        }

        // Roles live on every chunk in the index, so the document goes through the pipeline again.
        entry = entry.StoredFile is null
            ? entry with { Roles = normalized, UpdatedAt = _time.GetUtcNow() }
            : Requeued(entry) with { Roles = normalized };
        await _catalog.UpsertAsync(entry, cancellationToken);
        if (entry.IsPending)
        {
            Enqueue(entry);
        }
        else
        {
            Raise(entry);
        }
    }

    public async Task DeleteAsync(string documentId, CancellationToken cancellationToken)
    {
        CatalogEntry? entry;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            entry = await _catalog.GetAsync(documentId, cancellationToken);
            if (entry is null)
            {
                return;
            }

            await _index.DeleteDocumentAsync(documentId, cancellationToken);
            await _catalog.DeleteAsync(documentId, cancellationToken);
            if (entry.StoredFile is not null)
            {
                File.Delete(Path.Combine(_filesFolder, entry.StoredFile));
            }
        }
        finally
        {
            _gate.Release();
        }

        Raise(entry);
    }

    public async Task ReindexAllAsync(CancellationToken cancellationToken)
    {
        foreach (var entry in await _catalog.ListAsync(cancellationToken))
        {
            if (entry.StoredFile is null)
            {
                continue;
            }

            var queued = Requeued(entry);
            await _catalog.UpsertAsync(queued, cancellationToken);
            Enqueue(queued);
        }
    }

    public async Task<DocumentPreview?> GetPreviewAsync(string documentId, CancellationToken cancellationToken)
    {
        var entry = await _catalog.GetAsync(documentId, cancellationToken);
        if (entry?.StoredFile is null || entry.Status == DocumentStatus.Failed)
        {
            return null;
        }

        await using var stream = File.OpenRead(Path.Combine(_filesFolder, entry.StoredFile));
        var extracted = await _extractor.ExtractAsync(stream, entry.FileName, cancellationToken);
        var text = extracted.FullText;
        var chunks = _chunker.Chunk(entry.ToMetadata(), extracted);
        return new DocumentPreview(text.Length > PreviewTextLimit ? text[..PreviewTextLimit] : text, text.Length > PreviewTextLimit, chunks);
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _gate.Dispose();
        _catalog.Dispose();
    }

    internal string StoredPath(string storedFile) => Path.Combine(_filesFolder, storedFile);

    internal LibraryCatalog Catalog => _catalog;

    /// <summary>Adds or replaces a document with a fixed id and metadata (a library.json entry) and queues it.</summary>
    internal async Task ImportAsync(LibraryManifestEntry manifestEntry, Stream content, CatalogEntry? existing, CancellationToken cancellationToken)
    {
        var fileName = Path.GetFileName(manifestEntry.File);
        var storedFile = manifestEntry.Id + Path.GetExtension(fileName).ToLowerInvariant();
        var target = Path.Combine(_filesFolder, storedFile);
        var (size, hash, tooLarge) = await CopyAsync(content, target, cancellationToken);
        if (existing?.StoredFile is { } old && old != storedFile)
        {
            File.Delete(Path.Combine(_filesFolder, old));
        }

        if (tooLarge)
        {
            File.Delete(target);
            await _index.DeleteDocumentAsync(manifestEntry.Id, cancellationToken);
        }

        var entry = new CatalogEntry
        {
            Id = manifestEntry.Id,
            Title = manifestEntry.Title,
            TitleGiven = true,
            FileName = fileName,
            StoredFile = tooLarge ? null : storedFile,
            Language = manifestEntry.Language,
            RequestedLanguage = manifestEntry.Language,
            Roles = NormalizeRoles(manifestEntry.Roles),
            Status = tooLarge ? DocumentStatus.Failed : DocumentStatus.Queued,
            Error = tooLarge ? Capitalize(_extractor.TooLarge(fileName, size, stoppedReading: true).Reason) : null,
            Failure = tooLarge ? DocumentExtractionFailure.TooLarge : null,
            SizeBytes = size,
            ContentHash = tooLarge ? null : hash,
            Job = (existing?.Job ?? 0) + 1,
            UpdatedAt = _time.GetUtcNow(),
        };
        await _catalog.UpsertAsync(entry, cancellationToken);
        Enqueue(entry);
    }

    private CatalogEntry Requeued(CatalogEntry entry) => entry with
    {
        Status = DocumentStatus.Queued,
        Progress = 0,
        Error = null,
        Failure = null,
        Job = entry.Job + 1,
        UpdatedAt = _time.GetUtcNow(),
    };

    private void Enqueue(CatalogEntry entry)
    {
        _queue.Writer.TryWrite(entry.Id);
        Raise(entry);
    }

    private void Raise(CatalogEntry entry)
    {
        var handlers = Changed;
        if (handlers is null)
        {
            return;
        }

        var document = entry.ToDocument();
        foreach (var handler in handlers.GetInvocationList().Cast<Action<LibraryDocument>>())
        {
            try
            {
                handler(document);
            }
            catch (Exception ex)
            {
                // A page that fails to refresh must not stop the pipeline or the other pages.
                Log.HandlerFailed(_logger, ex);
            }
        }
    }

    private DocumentExtractionException? Check(string path, string fileName)
    {
        try
        {
            using var stream = File.OpenRead(path);
            _extractor.Validate(stream, fileName);
            return null;
        }
        catch (DocumentExtractionException ex)
        {
            return ex;
        }
    }

    private async Task<(long Size, string Hash, bool TooLarge)> CopyAsync(Stream content, string path, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        long total = 0;
        await using (var target = File.Create(path))
        {
            int read;
            while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
            {
                total += read;
                if (total > _extractor.MaxBytes)
                {
                    return (total, string.Empty, true);
                }

                hash.AppendData(buffer, 0, read);
                await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }

        return (total, Convert.ToHexStringLower(hash.GetHashAndReset()), false);
    }

    private async Task<string> NewIdAsync(string fileName, CancellationToken cancellationToken)
    {
        var slug = NonSlug().Replace(Path.GetFileNameWithoutExtension(fileName).ToLowerInvariant(), "-").Trim('-');
        slug = slug.Length == 0 ? "document" : slug[..Math.Min(slug.Length, 60)].Trim('-');
        var id = slug;
        while (await _catalog.GetAsync(id, cancellationToken) is not null)
        {
            id = $"{slug}-{RandomNumberGenerator.GetHexString(4, lowercase: true)}";
        }

        return id;
    }

    private static void ValidateUpload(string fileName, IReadOnlyList<string> roles, string? language)
    {
        if (fileName.Length == 0)
        {
            throw new ArgumentException("The upload has no file name.", nameof(fileName));
        }

        ValidateRoles(roles);
        if (language is not null and not (LanguageDetector.English or LanguageDetector.Spanish))
        {
            throw new ArgumentException($"Language '{language}' is not supported; use en or es, or leave it empty to detect it.", nameof(language));
        }
    }

    private static void ValidateRoles(IReadOnlyList<string> roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        if (roles.FirstOrDefault(r => !AppRoles.IsKnown(r)) is { } unknown)
        {
            throw new ArgumentException($"Role '{unknown}' is unknown; roles are {string.Join(", ", AppRoles.All)}.", nameof(roles));
        }
    }

    /// <summary>Admins always see every document, so the admin role is always on the list; the order is fixed.</summary>
    private static string[] NormalizeRoles(IReadOnlyList<string> roles) =>
        AppRoles.All.Where(r => r == AppRoles.Admin || roles.Contains(r, StringComparer.Ordinal)).ToArray();

    private static string Capitalize(string reason) => reason.Length == 0 ? reason : char.ToUpperInvariant(reason[0]) + reason[1..];

    [GeneratedRegex("[^a-z0-9]+", RegexOptions.CultureInvariant)]
    private static partial Regex NonSlug();
}
