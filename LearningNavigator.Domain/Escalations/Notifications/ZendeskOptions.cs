using Microsoft.Extensions.Options;

namespace LearningNavigator.Escalations.Notifications;

/// <summary>
/// Bound from <c>Escalations:Zendesk</c>; off by default. The API token is read from configuration, so any
/// configuration source can hold it: an environment variable (<c>Escalations__Zendesk__ApiToken</c>), user secrets,
/// or a secret-store provider such as AWS Secrets Manager added to the host's configuration.
/// </summary>
public sealed class ZendeskOptions
{
    public const string SectionName = "Escalations:Zendesk";

    public bool Enabled { get; set; }
    /// <summary>The account's address, https://&lt;subdomain&gt;.zendesk.com.</summary>
    public string? BaseUrl { get; set; }
    /// <summary>The agent the token belongs to: Zendesk authenticates "&lt;email&gt;/token" with the token as password.</summary>
    public string? Email { get; set; }
    public string? ApiToken { get; set; }

    public override string ToString() => $"{BaseUrl} as {Email}";
}

internal sealed class ZendeskOptionsValidator : IValidateOptions<ZendeskOptions>
{
    public ValidateOptionsResult Validate(string? name, ZendeskOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var key = ZendeskOptions.SectionName;
        var failures = new List<string>();
        // Plain http only to a loopback address (a local fake): a token must not cross a network in clear text.
        if (!Uri.TryCreate(options.BaseUrl, UriKind.Absolute, out var uri) || !(uri.Scheme == "https" || (uri.Scheme == "http" && uri.IsLoopback)))
        {
            failures.Add($"{key}:BaseUrl is '{options.BaseUrl}': give the account's https address, such as https://example.zendesk.com.");
        }

        if (string.IsNullOrWhiteSpace(options.Email) || !options.Email.Contains('@', StringComparison.Ordinal))
        {
            failures.Add($"{key}:Email is '{options.Email}': give the e-mail address of the agent the API token belongs to.");
        }

        if (string.IsNullOrWhiteSpace(options.ApiToken))
        {
            failures.Add($"{key}:ApiToken is missing: set it from a secret store or the environment (Escalations__Zendesk__ApiToken).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
