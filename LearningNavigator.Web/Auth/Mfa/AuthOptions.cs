namespace LearningNavigator.Web.Auth.Mfa;

/// <summary>Sign-in rules for local accounts (section "Auth").</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>
    /// Local admins must have an authenticator app enrolled, and must have used it in this session, before any
    /// admin page. People signed in by an external provider are covered by that provider's own MFA.
    /// </summary>
    public bool RequireAdminMfa { get; set; } = true;
}
