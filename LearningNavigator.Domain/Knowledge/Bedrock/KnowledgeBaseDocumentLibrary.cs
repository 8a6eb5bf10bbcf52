using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.Runtime;
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
/// A refusal from S3 (access denied, no such bucket…) reaches the caller as <see cref="DocumentLibraryException"/>
/// naming the cause; one from the ingestion service marks the waiting documents Failed with it.
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
        await S3Async(() => s3.PutObjectAsync(
            new PutObjectRequest { BucketName = Options.Bucket, Key = key, InputStream = buffer, AutoCloseStream = false, UseChunkEncoding = false },
            cancellationToken));
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
        var updated = document with { Roles = checkedRoles, Status = DocumentStatus.Syncing, Error = null, StoreFailure = null, UpdatedAt = time.GetUtcNow() };
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
            Publish(document with { Status = DocumentStatus.Syncing, Error = null, StoreFailure = null, UpdatedAt = time.GetUtcNow() });
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
        await S3Async(() => s3.PutObjectAsync(
            new PutObjectRequest
            {
                BucketName = Options.Bucket,
                Key = document.Id + SidecarSuffix,
                ContentBody = SidecarJson(document),
                ContentType = "application/json",
                UseChunkEncoding = false,
            },
            cancellationToken));

    private async Task DeleteObjectsAsync(string key, CancellationToken cancellationToken)
    {
        await S3Async(() => s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Options.Bucket, Key = key }, cancellationToken));
        await S3Async(() => s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Options.Bucket, Key = key + SidecarSuffix }, cancellationToken));
    }

    /// <summary>
    /// One S3 call. A refusal becomes a <see cref="DocumentLibraryException"/> naming the cause, so the admin page can
    /// say what to fix instead of losing its circuit to an SDK exception. A missing key is an answer, not a failure:
    /// the sidecar read handles it.
    /// </summary>
    private async Task<T> S3Async<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (AmazonServiceException ex) when (ex.ErrorCode != "NoSuchKey")
        {
            var failure = S3Failure(ex.ErrorCode, ex.StatusCode);
            Log.StoreRefused(logger, ex, "S3", ex.ErrorCode ?? ((int)ex.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
            throw new DocumentLibraryException(failure, S3Message(failure, ex.ErrorCode), ex.ErrorCode, ex);
        }
        catch (HttpRequestException ex)
        {
            Log.StoreRefused(logger, ex, "S3", ex.HttpRequestError.ToString());
            throw new DocumentLibraryException(DocumentStoreFailure.Unavailable, S3Message(DocumentStoreFailure.Unavailable, ex.HttpRequestError.ToString()), null, ex);
        }
    }

    /// <summary>S3's error codes (and, without one, its status) as the cause an admin acts on.</summary>
    public static DocumentStoreFailure S3Failure(string? errorCode, HttpStatusCode status) =>
        errorCode == "NoSuchBucket" ? DocumentStoreFailure.BucketNotFound : AgentFailure(AwsRequestException.Classify(errorCode, status, awsMessage: null));

    /// <summary>The cause of an S3 or bedrock-agent failure, from the mapping every AWS call goes through.</summary>
    public static DocumentStoreFailure AgentFailure(AwsFailure failure) => failure switch
    {
        AwsFailure.Throttled => DocumentStoreFailure.Throttled,
        AwsFailure.AccessDenied => DocumentStoreFailure.AccessDenied,
        AwsFailure.ServiceUnavailable or AwsFailure.StreamFailed => DocumentStoreFailure.Unavailable,
        _ => DocumentStoreFailure.BadConfiguration,
    };

    private string S3Message(DocumentStoreFailure failure, string? code) => failure switch
    {
        DocumentStoreFailure.AccessDenied =>
            $"Amazon S3 denied access to bucket '{Options.Bucket}' ({code}): the app's AWS credentials must be valid and their IAM policy must allow s3:ListBucket, s3:GetObject, s3:PutObject and s3:DeleteObject on it.",
        DocumentStoreFailure.BucketNotFound => $"The knowledge base bucket '{Options.Bucket}' does not exist ({code}): check KnowledgeBase:Bucket and Aws:Region.",
        DocumentStoreFailure.Throttled => $"Amazon S3 is throttling requests ({code}); please try again in a moment.",
        DocumentStoreFailure.Unavailable => $"Amazon S3 could not be reached or failed ({code ?? "no error code"}); please try again later.",
        _ => $"Amazon S3 rejected the request ({code}): check KnowledgeBase:Bucket, Aws:Region and Aws:S3Url.",
    };

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

            // What the bucket holds is the truth after a restart: each document with its sidecar. A listing stops at
            // 1,000 keys (500 documents with their sidecars), so it is followed page by page.
            var request = new ListObjectsV2Request { BucketName = Options.Bucket, Prefix = Options.KeyPrefix };
            do
            {
                var listing = await S3Async(() => s3.ListObjectsV2Async(request, cancellationToken));
                foreach (var item in (listing.S3Objects ?? []).Where(o => !o.Key.EndsWith(SidecarSuffix, StringComparison.Ordinal)))
                {
                    var document = await ReadDocumentAsync(item, cancellationToken);
                    documents.TryAdd(document.Id, document);
                }

                request.ContinuationToken = listing.IsTruncated == true ? listing.NextContinuationToken : null;
            }
            while (request.ContinuationToken is not null);

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
            using var sidecar = await S3Async(() => s3.GetObjectAsync(Options.Bucket, item.Key + SidecarSuffix, cancellationToken));
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
            var (succeeded, error, storeFailure) = await RunIngestionJobAsync(cancellationToken);
            foreach (var id in waiting)
            {
                if (documents.TryGetValue(id, out var document) && document.Status == DocumentStatus.Syncing)
                {
                    Publish(document with
                    {
                        Status = succeeded ? DocumentStatus.Ready : DocumentStatus.Failed,
                        Error = succeeded ? null : error,
                        StoreFailure = succeeded ? null : storeFailure,
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

    private async Task<(bool Succeeded, string? Error, DocumentStoreFailure? StoreFailure)> RunIngestionJobAsync(CancellationToken cancellationToken)
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
                ? (true, null, null)
                : (false, job.FailureReasons.Count > 0
                    ? "The knowledge base could not ingest it: " + string.Join("; ", job.FailureReasons)
                    : $"The knowledge base's ingestion job ended {job.Status}.", null);
        }
        catch (AwsRequestException ex)
        {
            Log.IngestionFailed(logger, ex, ex.ErrorType);
            return (false, ex.Message, AgentFailure(ex.Failure));
        }
        catch (HttpRequestException ex)
        {
            // Unreachable (DNS, refused connection, TLS): without this the sync task would fault unobserved and the
            // documents would show Syncing for good.
            Log.IngestionFailed(logger, ex, ex.HttpRequestError.ToString());
            return (false, $"Amazon Bedrock Agent could not be reached ({ex.HttpRequestError}); check Aws:Region or Aws:BedrockAgentUrl, then re-index.",
                DocumentStoreFailure.Unavailable);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return (false, "The app stopped before the ingestion job finished.", null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A timeout or an answer that is not the JSON expected: the documents must still leave Syncing, and a
            // queued re-sync must still run, so nothing escapes the background task.
            Log.IngestionFailed(logger, ex, ex.GetType().Name);
            return (false, "The knowledge base's ingestion job could not be followed; re-index to try again.", DocumentStoreFailure.Unavailable);
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

        [LoggerMessage(Level = LogLevel.Error, Message = "The knowledge base's {Service} refused a document library call ({ErrorCode})")]
        public static partial void StoreRefused(ILogger logger, Exception exception, string service, string? errorCode);
    }
}
