using System.Net;

namespace LearningNavigator.Tests.Integration;

public sealed class AuthenticationTests(NavigatorAppFixture app) : IClassFixture<NavigatorAppFixture>
{
    [Fact]
    public async Task Anonymous_visitor_is_sent_to_the_login_page()
    {
        using var client = SignIn.NewClient(app.Factory);

        var response = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location!.AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_page_offers_the_form_with_stable_test_hooks()
    {
        using var client = SignIn.NewClient(app.Factory);

        var html = await client.GetStringAsync("/account/login");

        Assert.Contains("data-testid=\"login-email\"", html, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"login-password\"", html, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"login-submit\"", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("instructor@example.org", "Ask me about courses, scheduling, invoicing")]
    [InlineData("staff@example.org", "Ask me about internal procedures")]
    [InlineData("admin@example.org", "You can ask about the whole library")]
    public async Task Each_demo_account_signs_in_and_gets_its_role_greeting(string email, string greeting)
    {
        using var client = await SignIn.AsAsync(app.Factory, email);

        var html = await client.GetStringAsync("/");

        Assert.Contains(greeting, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_password_is_refused_with_a_clear_message()
    {
        using var client = SignIn.NewClient(app.Factory);

        var response = await SignIn.PostLoginAsync(client, "instructor@example.org", "not-the-password");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("don&#x27;t match an account", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task Return_url_pointing_off_site_is_ignored()
    {
        using var client = SignIn.NewClient(app.Factory);

        var response = await SignIn.PostLoginAsync(client, "instructor@example.org", NavigatorAppFactory.Password, "//evil.example/");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.Equal("/", location.IsAbsoluteUri ? location.AbsolutePath : location.OriginalString);
        Assert.True(!location.IsAbsoluteUri || location.Host == "localhost", $"Redirected off site to {location}.");
    }

    [Fact]
    public async Task Instructor_and_staff_cannot_open_admin_pages_but_admin_can()
    {
        using var instructor = await SignIn.AsAsync(app.Factory, "instructor@example.org");
        using var staff = await SignIn.AsAsync(app.Factory, "staff@example.org");
        using var admin = await SignIn.AsAsync(app.Factory, "admin@example.org");

        var instructorResponse = await instructor.GetAsync("/admin/documents");
        var staffResponse = await staff.GetAsync("/admin/documents");
        var adminResponse = await admin.GetAsync("/admin/documents");

        Assert.Equal(HttpStatusCode.Redirect, instructorResponse.StatusCode);
        Assert.StartsWith("/account/denied", instructorResponse.Headers.Location!.AbsolutePath, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, staffResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, adminResponse.StatusCode);
        Assert.Contains("staff-refund-procedure", await adminResponse.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_out_ends_the_session()
    {
        using var client = await SignIn.AsAsync(app.Factory, "staff@example.org");
        var page = await client.GetStringAsync("/");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;

        var response = await client.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
        }));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/")).StatusCode);
    }
}

/// <summary>One app for a test class: starting it indexes the sample library, which is worth sharing.</summary>
public sealed class NavigatorAppFixture : IDisposable
{
    public NavigatorAppFactory Factory { get; } = new();

    public void Dispose() => Factory.Dispose();
}
