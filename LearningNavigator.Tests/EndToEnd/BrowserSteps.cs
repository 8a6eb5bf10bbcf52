using System.Security.Claims;
using Deque.AxeCore.Playwright;
using LearningNavigator.Tests.Integration;
using LearningNavigator.Web.Auth;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace LearningNavigator.Tests.EndToEnd;

/// <summary>The steps every browser flow takes the same way: a fresh account, signing in, asking, an axe check.</summary>
internal static class BrowserSteps
{
    private static readonly string[] BlockingImpacts = ["serious", "critical"];

    /// <summary>An account of its own, so a language choice or a rate limit never leaks between tests.</summary>
    public static async Task<string> CreateAccountAsync(this BrowserFixture browser, string role)
    {
        var email = $"{role}-{Guid.NewGuid():N}@example.org";
        await using var scope = browser.App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = "Ana" };
        Assert.True((await users.CreateAsync(user, NavigatorAppFactory.Password)).Succeeded);
        Assert.True((await users.AddClaimAsync(user, new Claim(ClaimTypes.Role, role))).Succeeded);
        return email;
    }

    public static async Task SignInAsync(IPage page, string email)
    {
        await SubmitSignInAsync(page, email);
        await page.Locator("[data-testid=chat-composer][data-interactive=true]").WaitForAsync();
    }

    /// <summary>Fills in and sends the sign-in form, without waiting for where it leads (a second step may follow).</summary>
    public static async Task SubmitSignInAsync(IPage page, string email)
    {
        await page.GetByTestId("login-email").FillAsync(email);
        await page.GetByTestId("login-password").FillAsync(NavigatorAppFactory.Password);
        await page.GetByTestId("login-submit").ClickAsync();
    }

    /// <summary>axe finds nothing serious or critical on the page as it is now.</summary>
    public static async Task AssertAccessibleAsync(IPage page, string what)
    {
        var result = await page.RunAxe();
        var blocking = result.Violations
            .Where(v => BlockingImpacts.Contains(v.Impact))
            .Select(v => $"{v.Impact} {v.Id}: {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}")
            .ToList();
        Assert.True(blocking.Count == 0, $"axe on {what}:\n{string.Join('\n', blocking)}");
    }

    public static async Task AskAsync(IPage page, string question)
    {
        await page.GetByTestId("chat-input").FillAsync(question);
        await page.GetByTestId("chat-send").ClickAsync();
        await Assertions.Expect(page.GetByTestId("message-assistant").Last).ToHaveAttributeAsync("data-streaming", "false");
    }
}
