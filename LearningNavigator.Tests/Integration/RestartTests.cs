using System.Net;
using LearningNavigator.Tests.TestSupport;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LearningNavigator.Tests.Integration;

public sealed class RestartTests
{
    [Fact]
    public async Task A_second_start_skips_unchanged_documents_and_keeps_conversations()
    {
        using var data = new TempDirectory("ln-restart");
        int documents;
        string conversationId = Guid.NewGuid().ToString("N");
        using (var first = new NavigatorAppFactory(data.Path))
        {
            using var client = await SignIn.AsAsync(first, "instructor@example.org");
            var report = first.Services.GetRequiredService<LibraryStartup>().LastReport!;
            documents = report.Indexed.Count;
            Assert.True(documents >= 12, $"Only {documents} sample documents were indexed.");
            Assert.Empty(report.Failed);
            await foreach (var _ in first.Services.GetRequiredService<Chat.AnswerPipeline>().AskAsync(
                new Chat.AskRequest { UserId = "someone", Role = AppRoles.Instructor, ConversationId = conversationId, Text = "How do I order participant manuals?" },
                CancellationToken.None))
            {
            }
        }

        using var second = new NavigatorAppFactory(data.Path);
        using var again = await SignIn.AsAsync(second, "instructor@example.org");
        var secondReport = second.Services.GetRequiredService<LibraryStartup>().LastReport!;

        Assert.Empty(secondReport.Indexed);
        Assert.Equal(documents, secondReport.Skipped.Count);
        var store = second.Services.GetRequiredService<Conversations.IConversationStore>();
        Assert.Equal(2, (await store.GetMessagesAsync(conversationId, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task A_sign_in_cookie_from_the_first_start_is_still_signed_in_after_a_restart()
    {
        using var data = new TempDirectory("ln-restart-cookie");
        string[] cookies;
        using (var first = new NavigatorAppFactory(data.Path))
        {
            using var browser = SignIn.NewClient(first);
            var login = await SignIn.PostLoginAsync(browser, "instructor@example.org", NavigatorAppFactory.Password);
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
            // The sign-in cookie (chunked if large) as the browser would keep it: name=value, nothing of the first host.
            cookies = [.. login.Headers.GetValues("Set-Cookie")
                .Select(header => header.Split(';', 2)[0])
                .Where(pair => pair.StartsWith(".AspNetCore.Identity.Application", StringComparison.Ordinal))];
            Assert.NotEmpty(cookies);
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(first, cookies)).StatusCode);
        }

        // A new host on the same data folder: new services, new key ring read from the keys folder, same cookie.
        using var second = new NavigatorAppFactory(data.Path);
        var afterRestart = await SendAsync(second, cookies);
        var withoutCookie = await SendAsync(second, []);

        Assert.Equal(HttpStatusCode.OK, afterRestart.StatusCode);
        Assert.Contains("Ask me about courses, scheduling, invoicing", await afterRestart.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(data.Path, "keys"), "key-*.xml"));
        // The page needs sign-in: without the cookie the same request goes to the login page.
        Assert.Equal(HttpStatusCode.Redirect, withoutCookie.StatusCode);
        Assert.StartsWith("/account/login", withoutCookie.Headers.Location!.AbsolutePath, StringComparison.Ordinal);
    }

    /// <summary>GET / with exactly these cookies and no cookie jar, so nothing but the header carries the sign-in.</summary>
    private static async Task<HttpResponseMessage> SendAsync(NavigatorAppFactory factory, string[] cookies)
    {
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        if (cookies.Length > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", cookies));
        }

        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }
}
