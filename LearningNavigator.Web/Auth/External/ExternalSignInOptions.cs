namespace LearningNavigator.Web.Auth.External;

public enum SignInProvider { Local, EntraId, Cognito }

/// <summary>Section "Authentication": who signs people in. <c>Local</c> is the embedded default (ASP.NET Core Identity).</summary>
public sealed class ExternalSignInOptions
{
    public const string SectionName = "Authentication";

    public SignInProvider Provider { get; set; } = SignInProvider.Local;

    public CognitoSettings Cognito { get; set; } = new();

    /// <summary>
    /// Read from the same section Microsoft.Identity.Web binds (<c>Authentication:EntraId</c>); only what the app
    /// itself needs: the start-up checks, the bearer scheme's authority and the role map.
    /// </summary>
    public EntraIdSettings EntraId { get; set; } = new();
}

/// <summary>Amazon Cognito through standard OpenID Connect.</summary>
public sealed class CognitoSettings
{
    /// <summary>https://cognito-idp.{region}.amazonaws.com/{userPoolId}: the issuer, whose discovery document is read.</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    /// <summary>The app client's secret, from a configuration provider (environment, user secrets), never from a file in the image.</summary>
    public string? ClientSecret { get; set; }

    public string GroupClaim { get; set; } = "cognito:groups";

    /// <summary>Group name → app role. Empty means the defaults (instructors, staff, admins).</summary>
    public Dictionary<string, string> RoleMap { get; set; } = new(StringComparer.Ordinal);

    public static IReadOnlyDictionary<string, string> DefaultRoleMap { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["instructors"] = AppRoles.Instructor,
        ["staff"] = AppRoles.Staff,
        ["admins"] = AppRoles.Admin,
    };
}

/// <summary>Microsoft Entra ID through Microsoft.Identity.Web.</summary>
public sealed class EntraIdSettings
{
    public string? Instance { get; set; }

    public string? TenantId { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>Claims that carry app roles or group ids; app roles ("roles") are the usual choice.</summary>
    public List<string> RoleClaims { get; set; } = [];

    /// <summary>App-role value or group object id → app role. Empty means the defaults (Instructor, Staff, Admin app roles).</summary>
    public Dictionary<string, string> RoleMap { get; set; } = new(StringComparer.Ordinal);

    public static IReadOnlyList<string> DefaultRoleClaims { get; } = ["roles", "groups"];

    public static IReadOnlyDictionary<string, string> DefaultRoleMap { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Instructor"] = AppRoles.Instructor,
        ["Staff"] = AppRoles.Staff,
        ["Admin"] = AppRoles.Admin,
    };

    public string Authority => $"{Instance?.TrimEnd('/')}/{TenantId}/v2.0";
}
