using System.Net;

namespace LearningNavigator.Aws;

/// <summary>Why an AWS call failed, in the terms an operator acts on.</summary>
public enum AwsFailure
{
    Throttled,
    AccessDenied,
    ModelNotEnabled,
    BadConfiguration,
    ServiceUnavailable,
    StreamFailed,
}

/// <summary>
/// An AWS service refused or failed a request. <see cref="Exception.Message"/> names the cause in English words fit
/// for the chat page and the API; <see cref="Failure"/> and <see cref="Service"/> let a UI word it in another
/// language; <see cref="ErrorType"/> keeps AWS's own error code for the logs.
/// </summary>
public sealed class AwsRequestException(
    AwsFailure failure, string message, string? errorType, HttpStatusCode? status, string? awsMessage = null, string service = "AWS")
    : Exception(message)
{
    /// <summary>AWS's own explanation; for logs only, it may name accounts and resources.</summary>
    public string? AwsMessage { get; } = awsMessage;

    public AwsFailure Failure { get; } = failure;

    public string? ErrorType { get; } = errorType;

    public HttpStatusCode? StatusCode { get; } = status;

    /// <summary>The service as people name it ("Amazon Bedrock", "Amazon Bedrock Knowledge Bases").</summary>
    public string Service { get; } = service;

    /// <summary>Maps an AWS error code (x-amzn-ErrorType or an event-stream :exception-type) and status to a cause.</summary>
    public static AwsRequestException From(string service, HttpStatusCode? status, string? errorType, string? awsMessage)
    {
        // "ThrottlingException:http://internal.amazon.com/coral/..." → "ThrottlingException"
        var type = errorType?.Split(':')[0].Trim() ?? string.Empty;
        var failure = Classify(type, status, awsMessage);
        var name = "Amazon " + service;
        var message = failure switch
        {
            AwsFailure.Throttled => $"{name} is throttling requests (too many at once); please try again in a moment.",
            AwsFailure.AccessDenied => $"{name} denied access: check the AWS credentials and that their IAM policy allows this call.",
            AwsFailure.ModelNotEnabled => "The Claude model is not enabled for this account in the configured region (Bedrock:FastModelId / Bedrock:StrongModelId, Aws:Region).",
            AwsFailure.BadConfiguration => $"{name} rejected the request: check the configured ids (Aws:Region, Bedrock:*, KnowledgeBase:*).",
            AwsFailure.ServiceUnavailable => $"{name} is unavailable right now; please try again later.",
            _ => $"{name} stopped the answer part-way.",
        };
        return new AwsRequestException(failure, message, type.Length > 0 ? type : null, status, awsMessage, name);
    }

    /// <summary>
    /// The cause behind an AWS error code and status, for JSON services (x-amzn-ErrorType, :exception-type) and S3's
    /// XML error codes alike, so every AWS call is worded from one table.
    /// </summary>
    public static AwsFailure Classify(string? errorType, HttpStatusCode? status, string? awsMessage)
    {
        // "You don't have access to the model…", "The provided model identifier is invalid", "…on-demand throughput isn't supported".
        string[] modelPhrases = ["access to the model", "model identifier", "model id", "model is not", "throughput isn"];
        var mentionsModel = awsMessage is not null && modelPhrases.Any(p => awsMessage.Contains(p, StringComparison.OrdinalIgnoreCase));
        return (errorType ?? string.Empty).ToLowerInvariant() switch
        {
            "throttlingexception" or "servicequotaexceededexception" or "toomanyrequestsexception"
                or "slowdown" or "throttling" or "requestlimitexceeded" or "toomanyrequests" => AwsFailure.Throttled,
            "accessdeniedexception" when mentionsModel => AwsFailure.ModelNotEnabled,
            "accessdeniedexception" or "unrecognizedclientexception" or "invalidsignatureexception"
                or "expiredtokenexception" or "signaturedoesnotmatch" or "accessdenied"
                or "allaccessdisabled" or "invalidaccesskeyid" or "expiredtoken" or "invalidtoken" or "accountproblem" => AwsFailure.AccessDenied,
            "validationexception" or "resourcenotfoundexception" when mentionsModel => AwsFailure.ModelNotEnabled,
            "validationexception" or "resourcenotfoundexception" or "nosuchbucket" or "conflictexception" => AwsFailure.BadConfiguration,
            "modelstreamerrorexception" => AwsFailure.StreamFailed,
            "internalserverexception" or "serviceunavailableexception" or "modelnotreadyexception" or "modeltimeoutexception"
                or "internalerror" or "serviceunavailable" => AwsFailure.ServiceUnavailable,
            _ => status switch
            {
                HttpStatusCode.TooManyRequests => AwsFailure.Throttled,
                HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized => AwsFailure.AccessDenied,
                >= HttpStatusCode.InternalServerError => AwsFailure.ServiceUnavailable,
                null => AwsFailure.StreamFailed,
                _ => AwsFailure.BadConfiguration,
            },
        };
    }
}
