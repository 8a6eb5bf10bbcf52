using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace LearningNavigator.Aws;

/// <summary>
/// The credentials every AWS call is signed with. By default the standard AWS chain (environment variables first,
/// then the shared profile, SSO, container and instance roles); tests register fixed ones instead.
/// </summary>
public interface IAwsCredentialSource
{
    /// <summary>For AWSSDK clients (S3), which refresh temporary credentials themselves.</summary>
    AWSCredentials Credentials { get; }
}

public static class AwsCredentialSourceExtensions
{
    public static async ValueTask<ImmutableCredentials> GetAsync(this IAwsCredentialSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        try
        {
            return await source.Credentials.GetCredentialsAsync();
        }
        catch (AmazonClientException ex)
        {
            throw new AwsRequestException(
                AwsFailure.AccessDenied,
                "No AWS credentials were found: give the app AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile or a role.",
                null,
                null,
                ex.Message);
        }
    }
}

public sealed class DefaultAwsCredentialSource : IAwsCredentialSource
{
    private readonly Lazy<AWSCredentials> chain = new(() => DefaultAWSCredentialsIdentityResolver.GetCredentials());

    public AWSCredentials Credentials => chain.Value;

    /// <summary>True when the standard chain can produce credentials; for the CLI's --live check.</summary>
    public static async Task<bool> AreAvailableAsync()
    {
        try
        {
            var credentials = await DefaultAWSCredentialsIdentityResolver.GetCredentials().GetCredentialsAsync();
            return !string.IsNullOrEmpty(credentials?.AccessKey);
        }
        catch (AmazonClientException)
        {
            return false;
        }
    }
}

/// <summary>Fixed credentials, for tests and for operators who wire them explicitly.</summary>
public sealed class StaticAwsCredentialSource(string accessKey, string secretKey, string? sessionToken = null) : IAwsCredentialSource
{
    public AWSCredentials Credentials { get; } = string.IsNullOrEmpty(sessionToken)
        ? new BasicAWSCredentials(accessKey, secretKey)
        : new SessionAWSCredentials(accessKey, secretKey, sessionToken);
}
