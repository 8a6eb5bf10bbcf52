using MailKit.Security;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Escalations.Notifications;

/// <summary>
/// Bound from <c>Escalations:Smtp</c>. E-mail is off while <see cref="Host"/> is empty. Put the password in a
/// secret store or the environment (<c>Escalations__Smtp__Password</c>), not in appsettings.json.
/// </summary>
public sealed class SmtpOptions
{
    public const string SectionName = "Escalations:Smtp";

    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    /// <summary>MailKit's <see cref="SecureSocketOptions"/>: Auto, None, StartTls, StartTlsWhenAvailable, SslOnConnect.</summary>
    public string Security { get; set; } = nameof(SecureSocketOptions.Auto);
    public string? From { get; set; }
    public string FromName { get; set; } = "Learning Navigator";
    public string? UserName { get; set; }
    public string? Password { get; set; }
    /// <summary>The app's public address, for the link in the e-mail back to the conversation; no link when empty.</summary>
    public string? AppUrl { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);

    internal SecureSocketOptions SecureSocket => Enum.Parse<SecureSocketOptions>(Security, ignoreCase: true);

    // The password never appears in a message, a log line or a debugger's summary of the options.
    public override string ToString() => $"{Host}:{Port} ({Security}) as {UserName ?? "(anonymous)"}";
}

/// <summary>Names the key that is wrong; says nothing about the password but whether it is there.</summary>
internal sealed class SmtpOptionsValidator : IValidateOptions<SmtpOptions>
{
    public ValidateOptionsResult Validate(string? name, SmtpOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var key = SmtpOptions.SectionName;
        var failures = new List<string>();
        if (options.Port is < 1 or > 65535)
        {
            failures.Add($"{key}:Port is {options.Port}: use 1 to 65535 (587 for STARTTLS, 465 for SSL).");
        }

        if (!Enum.TryParse<SecureSocketOptions>(options.Security, ignoreCase: true, out _))
        {
            failures.Add($"{key}:Security is '{options.Security}': use one of {string.Join(", ", Enum.GetNames<SecureSocketOptions>())}.");
        }

        if (!IsAddress(options.From))
        {
            failures.Add($"{key}:From is '{options.From}': give the sender's e-mail address, such as navigator@example.org.");
        }

        if (!string.IsNullOrEmpty(options.UserName) && string.IsNullOrEmpty(options.Password))
        {
            failures.Add($"{key}:Password is missing while {key}:UserName is set.");
        }

        if (!string.IsNullOrEmpty(options.AppUrl) && !(Uri.TryCreate(options.AppUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            failures.Add($"{key}:AppUrl is '{options.AppUrl}': give the app's absolute http(s) address or leave it empty.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsAddress(string? value)
    {
        try
        {
            EscalationInput.Email(value);
            return true;
        }
        catch (EscalationInputException)
        {
            return false;
        }
    }
}
