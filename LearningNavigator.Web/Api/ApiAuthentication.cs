using LearningNavigator.Web.Api.Keys;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Web.Api;

/// <summary>
/// How API calls authenticate: bearer tokens only, never the sign-in cookie (so a page on another site cannot
/// make a signed-in browser call the API, and the API needs no antiforgery tokens).
/// </summary>
public static class ApiAuthentication
{
    /// <summary>The scheme API endpoints authenticate with; it forwards to one of the two below.</summary>
    public const string Scheme = "NavigatorApi";
    public const string ApiKeyScheme = "ApiKey";
    /// <summary>The identity provider's JWT bearer scheme (Entra ID, Cognito), when the app registers one.</summary>
    public const string IdentityProviderScheme = "IdentityProviderBearer";
    public const string Policy = "api";

    public static AuthenticationBuilder AddNavigatorApiAuthentication(this IServiceCollection services)
    {
        services.AddSingleton<ApiKeyStore>();
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy
            .AddAuthenticationSchemes(Scheme)
            .RequireAuthenticatedUser()
            .RequireRole(AppRoles.All));
        return services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyScheme, displayName: "Personal API key", _ => { })
            .AddPolicyScheme(Scheme, displayName: null, options => options.ForwardDefaultSelector = SelectScheme);
    }

    /// <summary>The token of an <c>Authorization: Bearer</c> header, or null.</summary>
    public static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string bearer = "Bearer ";
        return header.StartsWith(bearer, StringComparison.OrdinalIgnoreCase) && header.Length > bearer.Length
            ? header[bearer.Length..].Trim()
            : null;
    }

    /// <summary>
    /// A JWT-shaped token (three dot-separated parts) goes to the identity provider's scheme when the app has one;
    /// everything else, including no token at all, to the API key handler, which answers 401 with a problem.
    /// </summary>
    internal static string SelectScheme(HttpContext context)
    {
        var token = BearerToken(context.Request);
        if (token is null || token.StartsWith(ApiKeyStore.KeyPrefix, StringComparison.Ordinal) || token.Count(c => c == '.') != 2)
        {
            return ApiKeyScheme;
        }

        var schemes = context.RequestServices.GetRequiredService<IOptions<AuthenticationOptions>>().Value.SchemeMap;
        return schemes.ContainsKey(IdentityProviderScheme) ? IdentityProviderScheme : ApiKeyScheme;
    }
}
