using System.Text.RegularExpressions;
using LearningNavigator.Aws;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Conversations.DynamoDb;

/// <summary>Bound from <c>Storage:DynamoDb</c>.</summary>
public sealed class DynamoDbStorageOptions
{
    public const string SectionName = "Storage:DynamoDb";

    /// <summary>The single table holding every item (see docs/data-model.md).</summary>
    public string TableName { get; set; } = "LearningNavigator";

    /// <summary>
    /// Attempts per request, first one included, in the SDK's standard retry mode (throttling and transient
    /// errors back off and retry; the SDK's token bucket stops retry storms).
    /// </summary>
    public int MaxAttempts { get; set; } = 5;
}

/// <summary>Checked only when DynamoDB is the provider, so the embedded default never trips over AWS keys.</summary>
internal sealed class DynamoDbOptionsValidator(IOptions<StorageOptions> storage, IOptions<AwsOptions> aws)
    : IValidateOptions<DynamoDbStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, DynamoDbStorageOptions options)
    {
        if (!string.Equals(storage.Value.Provider, StorageOptions.DynamoDb, StringComparison.OrdinalIgnoreCase))
        {
            return ValidateOptionsResult.Success;
        }

        var failures = DynamoDbSettingsRules.Check(options, aws.Value);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>
/// What a usable table name, retry count, region and endpoint look like. Public because the table serves more than
/// the conversation store (the web app keeps its data-protection keys there too), and each user checks the same way.
/// </summary>
public static partial class DynamoDbSettingsRules
{
    /// <summary>One message per wrong setting, each naming its key; empty when all are usable.</summary>
    public static IReadOnlyList<string> Check(DynamoDbStorageOptions options, AwsOptions aws)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(aws);
        var failures = new List<string>();
        if (string.IsNullOrEmpty(options.TableName) || !TableNamePattern().IsMatch(options.TableName))
        {
            failures.Add($"{DynamoDbStorageOptions.SectionName}:{nameof(options.TableName)} is '{options.TableName}': " +
                "a DynamoDB table name is 3-255 characters of letters, digits, '_', '-' and '.'.");
        }

        if (options.MaxAttempts is < 1 or > 20)
        {
            failures.Add($"{DynamoDbStorageOptions.SectionName}:{nameof(options.MaxAttempts)} is {options.MaxAttempts}: use 1 to 20.");
        }

        var region = aws.Region;
        if (!string.IsNullOrEmpty(region) && !RegionPattern().IsMatch(region))
        {
            failures.Add($"{AwsOptions.SectionName}:{nameof(AwsOptions.Region)} is '{region}', which is not a region name such as eu-west-2.");
        }

        var url = aws.DynamoDbUrl;
        if (!string.IsNullOrEmpty(url)
            && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
        {
            failures.Add($"{AwsOptions.SectionName}:{nameof(AwsOptions.DynamoDbUrl)} is '{url}': give an absolute http(s) URL or leave it empty.");
        }

        return failures;
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]{3,255}$")]
    private static partial Regex TableNamePattern();

    [GeneratedRegex("^[a-z]{2}(-[a-z]+)+-[0-9]+$")]
    private static partial Regex RegionPattern();
}
