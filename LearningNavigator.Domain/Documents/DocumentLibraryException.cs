namespace LearningNavigator.Documents;

/// <summary>
/// Why the store behind the library (a knowledge base's S3 bucket and ingestion service) refused or failed a call,
/// in the terms an admin acts on; a UI words each kind in its own language.
/// </summary>
public enum DocumentStoreFailure
{
    /// <summary>The credentials are missing, wrong, or their IAM policy does not allow the call.</summary>
    AccessDenied,

    /// <summary>The configured bucket does not exist (or is not where the region says).</summary>
    BucketNotFound,

    Throttled,

    /// <summary>The store could not be reached or answered with a server error.</summary>
    Unavailable,

    /// <summary>The store rejected the request as pointing at something that is not there or not valid.</summary>
    BadConfiguration,
}

/// <summary>
/// The document store refused or failed a call. The message names the cause in English with the particulars
/// (which bucket, which setting to check); <see cref="ErrorCode"/> keeps the service's own code for the logs.
/// </summary>
public sealed class DocumentLibraryException(DocumentStoreFailure failure, string message, string? errorCode, Exception? innerException = null)
    : Exception(message, innerException)
{
    public DocumentStoreFailure Failure { get; } = failure;

    /// <summary>The service's error code (AccessDenied, NoSuchBucket, AccessDeniedException…), when it gave one.</summary>
    public string? ErrorCode { get; } = errorCode;
}
