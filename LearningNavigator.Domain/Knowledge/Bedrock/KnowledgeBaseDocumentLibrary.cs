using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.S3;
using Amazon.S3.Model;
using LearningNavigator.Aws;
using LearningNavigator.Documents;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Knowledge.Bedrock;

/// <summary>
/// The document library when a Bedrock Knowledge Base holds the knowledge: files go to the data source's S3
/// bucket with a <c>&lt;key&gt;.metadata.json</c> sidecar (roles, language, title) that Retrieve filters on, and
/// every change starts an ingestion job. Documents are Syncing until the job finishes, then Ready or Failed.
/// </summary>
public sealed partial class KnowledgeBaseDocumentLibrary(
    IAmazonS3 s3,
    BedrockAgentClient agent,
    IOptions<KnowledgeBaseOptions> options,
    TimeProvider time,
    ILogger<KnowledgeBaseDocumentLibrary> logger) : IDocumentLibrary, IDisposable
{
    public const string SidecarSuffix = ".metadata.json";
    private const long MaxUploadBytes = 50L * 1024 * 1024;

    private readonly ConcurrentDictionary<string, LibraryDocument> documents = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim loadGate = new(1, 1);
    private readonly Lock syncGate = new();
    private readonly CancellationTokenSource stopping = new();
    private bool loaded;
    private int disposed;
    private bool syncAgain;
    private Task sync = Task.CompletedTask;

    public event Action<LibraryDocument>? Changed;

    private KnowledgeBaseOptions Options => options.Value;

    public async Task<IReadOnlyList<LibraryDocument>> ListAsync(CancellationToken cancellationToken)
    {
        await EnsureLoadedAsync(cancellationToken);
        return [.. documents.Values.OrderBy(d => d.Title, StringComparer.CurrentCultureIgnoreCase)];
    }

    public async Task<LibraryDocument?> GetAsync(string documentId, CancellationToken cancellationToken)
    {
        await EnsureLoadedAsync(cancellationToken);
        return documents.GetValueOrDefault(documentId);
    }

    public async Task<LibraryDocument> AddAsync(DocumentUpload upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var fileName = Path.GetFileName(upload.FileName ?? string.Empty);
        if (fileName.Length == 0 || fileName.EndsWith(SidecarSuffix, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException("The file needs a name (and not one ending in .metadata.json).", nameof(upload));
        }

        var roles = CheckRoles(upload.Roles);
        await EnsureLoadedAsync(cancellationToken);

        using var buffer = new MemoryStream();
        await upload.Content.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length == 0 || buffer.Length > MaxUploadBytes)
        {
            throw new ArgumentException($"The file must hold between 1 byte and {MaxUploadBytes / (1024 * 1024)} MB.", nameof(upload));
        }

        if (upload.ReplacesId is { } replaced && replaced != KeyFor(fileName) && documents.ContainsKey(replaced))
        {
            await DeleteObjectsAsync(replaced, cancellationToken);
            documents.TryRemove(replaced, out _);
        }

        var key = KeyFor(fileName);
        var document = new LibraryDocument
        {
            Id = key,
            Title = string.IsNullOrWhiteSpace(upload.Title) ? Path.GetFileNameWithoutExtension(fileName) : upload.Title.Trim(),
            FileName = fileName,
            Language = upload.Language ?? await DetectLanguageAsync(buffer, fileName, cancellationToken),
            Roles = roles,
            Status = DocumentStatus.Syncing,
            SizeBytes = buffer.Length,
            UpdatedAt = time.GetUtcNow(),
        };

        buffer.Position = 0;
        await s3.PutObjectAsync(
            new PutObjectRequest { BucketName = Options.Bucket, Key = key, InputStream = buffer, AutoCloseStream = false, UseChunkEncoding = false },
            cancellationToken);
        await PutSidecarAsync(document, cancellationToken);
        Publish(document);
        RequestSync();
        return document;
    }

    public async Task SetRolesAsync(string documentId, IReadOnlyList<string> roles, CancellationToken cancellationToken)
    {
        var checkedRoles = CheckRoles(roles);
        await EnsureLoadedAsync(cancellationToken);
        var document = documents.GetValueOrDefault(documentId)
            ?? throw new KeyNotFoundException($"No document '{documentId}' in the knowledge base library.");
        var updated = document with { Roles = checkedRoles, Status = DocumentStatus.Syncing, Error = null, UpdatedAt = time.GetUtcNow() };
        await PutSidecarAsync(updated, cancellationToken);
        Publish(updated);
        RequestSync();
    }

    public async Task DeleteAsync(string documentId, CancellationToken cancellationToken)
    {
        await EnsureLoadedAsync(cancellationToken);
        if (!documents.ContainsKey(documentId))
        {
            throw new KeyNotFoundException($"No document '{documentId}' in the knowledge base library.");
        }

        await DeleteObjectsAsync(documentId, cancellationToken);
        documents.TryRemove(documentId, out _);
        RequestSync();
    }

    public async Task ReindexAllAsync(CancellationToken cancellationToken)
    {
        await EnsureLoadedAsync(cancellationToken);
        foreach (var document in documents.Values)
        {
            Publish(document with { Status = DocumentStatus.Syncing, Error = null, UpdatedAt = time.GetUtcNow() });
        }

        RequestSync();
    }

    /// <summary>Completes when no ingestion job is running or queued; for tests and orderly shutdown.</summary>
    public Task WhenSyncedAsync()
    {
        lock (syncGate)
        {
            return sync;
        }
    }

    public void Dispose()
    {
        // The container disposes it once as itself and once as IDocumentLibrary.
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        stopping.Cancel();
        stopping.Dispose();
        loadGate.Dispose();
    }

    /// <summary>The object key of a file: the data source prefix and the file name.</summary>
    public string KeyFor(string fileName) => Options.KeyPrefix + fileName;

    /// <summary>The sidecar the Knowledge Base reads: its attributes become filterable metadata.</summary>
    public static string SidecarJson(LibraryDocument document) =>
        new JsonObject
        {
            ["metadataAttributes"] = new JsonObject
            {
                ["roles"] = new JsonArray([.. document.Roles.Select(r => JsonValue.Create(r))]),
                ["language"] = document.Language,
                ["title"] = document.Title,
            },
        }.ToJsonString();

    private static List<string> CheckRoles(IReadOnlyList<string> roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        if (roles.Count == 0 || roles.Any(r => !AppRoles.IsKnown(r)))
        {
            throw new ArgumentException($"Roles must be one or more of: {string.Join(", ", AppRoles.All)}.", nameof(roles));
        }

        return [.. roles.Distinct(StringComparer.Ordinal)];
    }

    private static async Task<string> DetectLanguageAsync(MemoryStream content, string fileName, CancellationToken cancellationToken)
    {
        var extractor = DocumentTextExtractor.CreateDefault();
        if (!extractor.IsSupported(fileName))
        {
            return "en";
        }

        try
        {
            content.Position = 0;
            var extracted = await extractor.ExtractAsync(content, fileName, cancellationToken);
            return LanguageDetector.Detect(extracted.FullText);
        }
        catch (DocumentExtractionException)
        {
            // The knowledge base parses the file itself; an unreadable one fails there, visibly, in the job.
            return "en";
        }
    }

    private async Task PutSidecarAsync(LibraryDocument document, CancellationToken cancellationToken) =>
        await s3.PutObjectAsync(
            new PutObjectRequest
            {
                BucketName = Options.Bucket,
                Key = document.Id + SidecarSuffix,
                ContentBody = SidecarJson(document),
                ContentType = "application/json",
                UseChunkEncoding = false,
            },
            cancellationToken);

    private async Task DeleteObjectsAsync(string key, CancellationToken cancellationToken)
    {
        await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Options.Bucket, Key = key }, cancellationToken);
        await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Options.Bucket, Key = key + SidecarSuffix }, cancellationToken);
    }

    private async Task EnsureLoadedAsync(CancellationToken cancellationToken)
    {
        if (loaded)
        {
            return;
        }

        await loadGate.WaitAsync(cancellationToken);
        try
        {
            if (loaded)
            {
                return;
            }

            // What the bucket holds is the truth after a restart: each document with its sidecar.
            var listing = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Options.Bucket, Prefix = Options.KeyPrefix }, cancellationToken);
            var objects = listing.S3Objects ?? [];
            foreach (var item in objects.Where(o => !o.Key.EndsWith(SidecarSuffix, StringComparison.Ordinal)))
            {
                var document = await ReadDocumentAsync(item, cancellationToken);
                documents.TryAdd(document.Id, document);
            }

            loaded = true;
        }
        finally
        {
            loadGate.Release();
        }
    }

    private async Task<LibraryDocument> ReadDocumentAsync(S3Object item, CancellationToken cancellationToken)
    {
        var fileName = item.Key[(item.Key.LastIndexOf('/') + 1)..];
        IReadOnlyList<string> roles = [AppRoles.Admin];
        string language = "en";
        string? title = null;
        try
        {
            using var sidecar = await s3.GetObjectAsync(Options.Bucket, item.Key + SidecarSuffix, cancellationToken);
            using var json = await JsonDocument.ParseAsync(sidecar.ResponseStream, cancellationToken: cancellationToken);
            var attributes = json.RootElement.GetProperty("metadataAttributes");
            roles = [.. attributes.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).Where(AppRoles.IsKnown)];
            language = attributes.TryGetProperty("language", out var l) ? l.GetString() ?? "en" : "en";
            title = attributes.TryGetProperty("title", out var t) ? t.GetString() : null;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // No sidecar: only admins see it until someone sets its roles.
        }

        return new LibraryDocument
        {
            Id = item.Key,
            Title = title ?? Path.GetFileNameWithoutExtension(fileName),
            FileName = fileName,
            Language = language,
            Roles = roles,
            Status = DocumentStatus.Ready,
            SizeBytes = item.Size ?? 0,
            UpdatedAt = item.LastModified is { } modified ? new DateTimeOffset(modified.ToUniversalTime(), TimeSpan.Zero) : time.GetUtcNow(),
        };
    }

    private void Publish(LibraryDocument document)
    {
        documents[document.Id] = document;
        Changed?.Invoke(document);
    }

    /// <summary>One ingestion job at a time (the service refuses a second); changes meanwhile queue one more.</summary>
    private void RequestSync()
    {
        lock (syncGate)
        {
            if (!sync.IsCompleted)
            {
                syncAgain = true;
                return;
            }

            sync = Task.Run(() => SyncLoopAsync(stopping.Token));
        }
    }

    private async Task SyncLoopAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var waiting = documents.Values.Where(d => d.Status == DocumentStatus.Syncing).Select(d => d.Id).ToList();
            var (succeeded, error) = await RunIngestionJobAsync(cancellationToken);
            foreach (var id in waiting)
            {
                if (documents.TryGetValue(id, out var document) && document.Status == DocumentStatus.Syncing)
                {
                    Publish(document with
                    {
                        Status = succeeded ? DocumentStatus.Ready : DocumentStatus.Failed,
                        Error = succeeded ? null : error,
                        Progress = 1,
                        UpdatedAt = time.GetUtcNow(),
                    });
                }
            }

            lock (syncGate)
            {
                if (!syncAgain)
                {
                    return;
                }

                syncAgain = false;
            }
        }
    }

    private async Task<(bool Succeeded, string? Error)> RunIngestionJobAsync(CancellationToken cancellationToken)
    {
        try
        {
            var job = await agent.StartIngestionJobAsync(cancellationToken);
            Log.IngestionStarted(logger, job.Id);
            while (!job.IsFinished)
            {
                await Task.Delay(Options.IngestionPollInterval, time, cancellationToken);
                job = await agent.GetIngestionJobAsync(job.Id, cancellationToken);
            }

            Log.IngestionFinished(logger, job.Id, job.Status);
            return job.Succeeded
                ? (true, null)
                : (false, job.FailureReasons.Count > 0
                    ? "The knowledge base could not ingest it: " + string.Join("; ", job.FailureReasons)
                    : $"The knowledge base's ingestion job ended {job.Status}.");
        }
        catch (AwsRequestException ex)
        {
            Log.IngestionFailed(logger, ex, ex.ErrorType);
            return (false, ex.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return (false, "The app stopped before the ingestion job finished.");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Knowledge base ingestion job {JobId} started")]
        public static partial void IngestionStarted(ILogger logger, string jobId);

        [LoggerMessage(Level = LogLevel.Information, Message = "Knowledge base ingestion job {JobId} finished {Status}")]
        public static partial void IngestionFinished(ILogger logger, string jobId, string status);

        [LoggerMessage(Level = LogLevel.Error, Message = "Knowledge base ingestion could not run ({ErrorType})")]
        public static partial void IngestionFailed(ILogger logger, Exception exception, string? errorType);
    }
}
