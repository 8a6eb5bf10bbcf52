using System.Net;
using System.Text.RegularExpressions;
using LearningNavigator.Tests.Integration;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LearningNavigator.Tests.Security;

public sealed partial class SecurityHeadersTests(NavigatorAppFixture app) : IClassFixture<NavigatorAppFixture>
{
    [Theory]
    [InlineData("/account/login")]
    [InlineData("/health/live")]
    [InlineData("/no-such-page")]
    public async Task Every_response_carries_the_security_headers(string path)
    {
        using var client = SignIn.NewClient(app.Factory);

        var response = await client.GetAsync(path);

        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("object-src 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.DoesNotMatch("script-src[^;]*'unsafe-inline'", csp);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("strict-origin-when-cross-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
    }

    [Fact]
    public async Task The_only_inline_script_on_a_signed_in_page_carries_this_responses_nonce()
    {
        using var client = await SignIn.AsAsync(app.Factory, "instructor@example.org");

        var response = await client.GetAsync("/");
        var html = await response.Content.ReadAsStringAsync();

        var nonce = ScriptNonce().Match(Assert.Single(response.Headers.GetValues("Content-Security-Policy"))).Groups[1].Value;
        Assert.NotEmpty(nonce);
        var inline = InlineScript().Matches(html).Select(m => m.Value).ToList();
        Assert.NotEmpty(inline);
        Assert.All(inline, tag => Assert.Contains($"nonce=\"{nonce}\"", tag, StringComparison.Ordinal));
        Assert.DoesNotMatch(EventHandlerAttribute(), html);

        var again = await client.GetAsync("/");
        Assert.NotEqual(nonce, ScriptNonce().Match(Assert.Single(again.Headers.GetValues("Content-Security-Policy"))).Groups[1].Value);
    }

    [Fact]
    public async Task Hsts_is_sent_over_https_outside_development()
    {
        using var client = app.Factory.CreateClient(new WebApplicationFactoryClientOptions
        {
            BaseAddress = new Uri("https://navigator.example/"),
            AllowAutoRedirect = false,
        });

        var response = await client.GetAsync("/health/live");

        Assert.Contains("max-age=", Assert.Single(response.Headers.GetValues("Strict-Transport-Security")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_in_cookies_are_secure_http_only_and_same_site_when_secure_cookies_are_on()
    {
        using var factory = new NavigatorAppFactory();
        factory.ExtraSettings["Security:SecureCookies"] = "true";
        // Over HTTPS, as in production: a Secure antiforgery cookie would not come back over plain HTTP.
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions
        {
            BaseAddress = new Uri("https://localhost/"),
            AllowAutoRedirect = false,
            HandleCookies = true,
        });

        var response = await SignIn.PostLoginAsync(client, "instructor@example.org", NavigatorAppFactory.Password);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var cookies = response.Headers.GetValues("Set-Cookie").ToList();
        Assert.Contains(cookies, c => c.StartsWith(".AspNetCore.Identity.Application=", StringComparison.Ordinal));
        Assert.All(cookies, cookie =>
        {
            Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("samesite=", cookie, StringComparison.OrdinalIgnoreCase);
        });
    }

    [GeneratedRegex("script-src [^;]*'nonce-([^']+)'")]
    private static partial Regex ScriptNonce();

    [GeneratedRegex("<script(?![^>]*\\bsrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex("<[^>]+\\son[a-z]+\\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex EventHandlerAttribute();
}
