using System.Security.Cryptography;

namespace LearningNavigator.Web.Security;

/// <summary>
/// Headers every response carries. The policy allows no inline script and no eval: the only inline script
/// is Blazor's import map, which carries the per-request nonce. MudBlazor positions popovers and sizes
/// components with style attributes, so inline styles (not scripts) are allowed.
/// </summary>
public static class SecurityHeaders
{
    private const string NonceKey = "ln-csp-nonce";

    /// <summary>The nonce of this response, for the one inline script the framework renders (the import map).</summary>
    public static string CspNonce(this HttpContext context)
    {
        if (context.Items[NonceKey] is string nonce)
        {
            return nonce;
        }

        // Hex is within the CSP nonce alphabet and needs no HTML encoding, unlike base64's '+' and '/'.
        nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        context.Items[NonceKey] = nonce;
        return nonce;
    }

    public static string ContentSecurityPolicy(string nonce) => string.Join("; ",
        "default-src 'self'",
        $"script-src 'self' 'nonce-{nonce}'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'");

    public static IApplicationBuilder UseNavigatorSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy(context.CspNonce());
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                return Task.CompletedTask;
            });
            return next(context);
        });
}
