namespace LearningNavigator.Web.Security;

public sealed class SecurityOptions
{
    public const string SectionName = "Security";

    /// <summary>
    /// Cookies are marked Secure (sent over HTTPS only). Turn off only where the app is reached over plain
    /// HTTP on loopback (tests, local development); behind a TLS-terminating load balancer keep it on.
    /// </summary>
    public bool SecureCookies { get; set; } = true;
}
