using System.Net;
using System.Text.RegularExpressions;
using LearningNavigator.Tests.Integration;
using LearningNavigator.Web.Auth;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;

namespace LearningNavigator.Tests.Security;

/// <summary>The real app with <c>Auth:RequireAdminMfa</c> on, as it ships: local admins enrol an authenticator before admin pages.</summary>
public sealed partial class AdminMfaTests(MfaAppFixture app) : IClassFixture<MfaAppFixture>
{
    [Fact]
    public async Task Admin_enrols_on_first_visit_then_signs_in_with_a_code_or_a_recovery_code()
    {
        using var client = await SignIn.AsAsync(app.Factory, MfaAppFixture.Admin);

        // Password alone reaches the chat but not an admin page: that sends the admin to enrol.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
        var admin = await client.GetAsync("/admin/documents");
        Assert.Equal(HttpStatusCode.Redirect, admin.StatusCode);
        Assert.Equal("/account/mfa?returnUrl=%2Fadmin%2Fdocuments", admin.Headers.Location!.OriginalString);

        var enrolPage = await client.GetStringAsync(admin.Headers.Location.OriginalString);
        Assert.Contains("data-state=\"Enrol\"", enrolPage, StringComparison.Ordinal);
        Assert.Contains("src=\"data:image/svg+xml;base64,", WebUtility.HtmlDecode(enrolPage), StringComparison.Ordinal);
        var uri = WebUtility.HtmlDecode(OtpAuthUri().Match(enrolPage).Groups[1].Value);
        Assert.StartsWith("otpauth://totp/Learning%20Navigator:", uri, StringComparison.Ordinal);
        var secret = Base32Encoding.ToBytes(Regex.Match(uri, "secret=([A-Z2-7]+)").Groups[1].Value);
        Assert.Equal(
            Regex.Match(uri, "secret=([A-Z2-7]+)").Groups[1].Value.ToLowerInvariant(),
            WebUtility.HtmlDecode(Key().Match(enrolPage).Groups[1].Value).Replace(" ", string.Empty, StringComparison.Ordinal));

        // A wrong code changes nothing.
        var wrong = await Forms.PostAsync(client, "/account/mfa", enrolPage, new() { ["Code"] = "000000" == Totp(secret) ? "111111" : "000000" });
        Assert.Contains("data-testid=\"mfa-error\"", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(await TwoFactorEnabledAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/admin/documents")).StatusCode);

        var enrolled = await Forms.PostAsync(client, "/account/mfa", enrolPage, new() { ["Code"] = Totp(secret) });
        var enrolledHtml = await enrolled.Content.ReadAsStringAsync();
        var recoveryCodes = RecoveryCode().Matches(enrolledHtml).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(10, recoveryCodes.Count);
        Assert.True(await TwoFactorEnabledAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/documents")).StatusCode);

        // The next sign-in asks for the code after the password, and the admin page opens only after it.
        using var second = SignIn.NewClient(app.Factory);
        var password = await SignIn.PostLoginAsync(second, MfaAppFixture.Admin, NavigatorAppFactory.Password, "/admin/documents");
        Assert.Equal("/account/login/code?returnUrl=%2Fadmin%2Fdocuments", password.Headers.Location!.PathAndQuery);
        Assert.Equal(HttpStatusCode.Redirect, (await second.GetAsync("/")).StatusCode);
        var codePage = await second.GetStringAsync(password.Headers.Location.OriginalString);
        var badCode = await Forms.PostAsync(second, password.Headers.Location.OriginalString, codePage, new() { ["Code"] = "12345x" });
        Assert.Contains("data-testid=\"mfa-error\"", await badCode.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var signedIn = await Forms.PostAsync(second, password.Headers.Location.OriginalString, codePage, new() { ["Code"] = Totp(secret) });
        Assert.Equal("/admin/documents", signedIn.Headers.Location!.AbsolutePath);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/admin/documents")).StatusCode);

        // A recovery code works once.
        Assert.True(await SignInWithCodeAsync(recoveryCodes[0]));
        Assert.False(await SignInWithCodeAsync(recoveryCodes[0]));
    }

    [Fact]
    public async Task Instructor_is_still_denied_admin_pages_and_never_asked_to_enrol()
    {
        using var client = await SignIn.AsAsync(app.Factory, "instructor@example.org");

        var admin = await client.GetAsync("/admin/documents");

        Assert.StartsWith("/account/denied", admin.Headers.Location!.AbsolutePath, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task The_code_step_without_a_correct_password_first_goes_back_to_sign_in()
    {
        using var client = SignIn.NewClient(app.Factory);

        var response = await client.GetAsync("/account/login/code?returnUrl=%2Fadmin%2Fdocuments");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/login", response.Headers.Location!.AbsolutePath);
    }

    private async Task<bool> SignInWithCodeAsync(string code)
    {
        using var client = SignIn.NewClient(app.Factory);
        var password = await SignIn.PostLoginAsync(client, MfaAppFixture.Admin, NavigatorAppFactory.Password);
        var url = password.Headers.Location!.OriginalString;
        var page = await client.GetStringAsync(url);
        var response = await Forms.PostAsync(client, url, page, new() { ["Code"] = code });
        return response.StatusCode == HttpStatusCode.Redirect && (await client.GetAsync("/admin/documents")).StatusCode == HttpStatusCode.OK;
    }

    private async Task<bool> TwoFactorEnabledAsync()
    {
        using var scope = app.Factory.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        return (await users.FindByEmailAsync(MfaAppFixture.Admin))!.TwoFactorEnabled;
    }

    private static string Totp(byte[] secret) => new Totp(secret).ComputeTotp();

    [GeneratedRegex("data-testid=\"mfa-uri\"[^>]*>([^<]+)<")]
    private static partial Regex OtpAuthUri();

    [GeneratedRegex("data-testid=\"mfa-key\"[^>]*>([^<]+)<")]
    private static partial Regex Key();

    [GeneratedRegex("<li[^>]*><code[^>]*>([^<]+)</code></li>")]
    private static partial Regex RecoveryCode();
}

public sealed class MfaAppFixture : IDisposable
{
    public const string Admin = "admin@example.org";

    public MfaAppFixture() => Factory.ExtraSettings["Auth:RequireAdminMfa"] = "true";

    public NavigatorAppFactory Factory { get; } = new();

    public void Dispose() => Factory.Dispose();
}
