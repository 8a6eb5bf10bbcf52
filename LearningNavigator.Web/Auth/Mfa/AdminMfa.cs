using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Web.Auth.Mfa;

/// <summary>The admin policy's second half: a local admin's session must have been confirmed with an authenticator code.</summary>
public sealed class AdminMfaRequirement : IAuthorizationRequirement;

public static class AdminMfa
{
    /// <summary>The claim ASP.NET Core Identity adds when a sign-in used a second factor ("amr" = "mfa").</summary>
    public const string MethodClaim = "amr";
    public const string MfaMethod = "mfa";

    /// <summary>Set on principals signed in by an external identity provider, which enforces its own MFA.</summary>
    public const string ProviderClaim = "ln:idp";

    public const string PagePath = "/account/mfa";

    public static bool IsSatisfied(ClaimsPrincipal user, AuthOptions options) =>
        !options.RequireAdminMfa
        || user.HasClaim(MethodClaim, MfaMethod)
        || user.HasClaim(c => c.Type == ProviderClaim);

    /// <summary>A signed-in admin who still has to enrol or confirm a code before reaching admin pages.</summary>
    public static bool IsPending(ClaimsPrincipal user, AuthOptions options) =>
        user.Identity?.IsAuthenticated == true && user.IsInRole(AppRoles.Admin) && !IsSatisfied(user, options);

    public static string PageUrl(string? returnUrl) =>
        string.IsNullOrEmpty(returnUrl) ? PagePath : $"{PagePath}?returnUrl={Uri.EscapeDataString(returnUrl)}";
}

public sealed class AdminMfaHandler(IOptionsMonitor<AuthOptions> options) : AuthorizationHandler<AdminMfaRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, AdminMfaRequirement requirement)
    {
        if (AdminMfa.IsSatisfied(context.User, options.CurrentValue))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

/// <summary>
/// An admin refused only for want of a confirmed second factor is sent to enrol or confirm it, not to the
/// access-denied page; every other outcome is the framework's.
/// </summary>
public sealed class AdminMfaResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler fallback = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        var failed = authorizeResult.AuthorizationFailure?.FailedRequirements.ToList();
        if (authorizeResult.Forbidden && failed is [AdminMfaRequirement])
        {
            var returnUrl = context.Request.Path + context.Request.QueryString;
            context.Response.Redirect(AdminMfa.PageUrl(returnUrl));
            return Task.CompletedTask;
        }

        return fallback.HandleAsync(next, context, policy, authorizeResult);
    }
}
