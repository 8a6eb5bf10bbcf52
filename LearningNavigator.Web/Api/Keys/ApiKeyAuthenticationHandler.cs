using System.Security.Claims;
using System.Text.Encodings.Web;
using LearningNavigator.Web.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Web.Api.Keys;

/// <summary>
/// <c>Authorization: Bearer ln_…</c>: a personal key stands for its owner. Name and role are read from the
/// account on every request, so a role change, a lockout or a deleted account applies to the key at once.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyStore keys,
    UserManager<ApplicationUser> users,
    IProblemDetailsService problems) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string KeyIdClaim = "ln_api_key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (ApiAuthentication.BearerToken(Request) is not { } token)
        {
            return AuthenticateResult.NoResult();
        }

        var owner = await keys.FindOwnerAsync(token, Context.RequestAborted);
        var user = owner is null ? null : await users.FindByIdAsync(owner.UserId);
        if (owner is null || user is null || await users.IsLockedOutAsync(user))
        {
            return AuthenticateResult.Fail("The API key is not valid or has been revoked.");
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id),
            new(ClaimTypes.Name, user.UserName ?? user.Id),
            new(KeyIdClaim, owner.KeyId),
        };
        claims.AddRange((await users.GetClaimsAsync(user)).Where(c => c.Type == ClaimTypes.Role));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        var hasToken = ApiAuthentication.BearerToken(Request) is not null;
        await WriteProblemAsync(
            "Authentication required",
            hasToken
                ? "The bearer token is not valid or has been revoked."
                : "Send a personal API key (create one at /account/api-keys) as 'Authorization: Bearer ln_…'.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return WriteProblemAsync("Forbidden", "The account behind this key has no role in Learning Navigator.");
    }

    private async Task WriteProblemAsync(string title, string detail) =>
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = Response.StatusCode, Title = title, Detail = detail },
        });
}
