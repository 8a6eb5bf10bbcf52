using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Security.Claims;
using System.Text.Json;
using LearningNavigator.Web.Api.Keys;
using LearningNavigator.Web.Auth;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LearningNavigator.Tests.Integration.Api;

/// <summary>A fresh account with a personal API key, and an HttpClient that sends it. Each test its own person.</summary>
public sealed record ApiCaller(string UserId, string Key, HttpClient Http) : IDisposable
{
    public static async Task<ApiCaller> CreateAsync(WebApplicationFactory<Program> factory, string role = AppRoles.Instructor)
    {
        var userId = await CreateUserAsync(factory, role);
        var key = await factory.Services.GetRequiredService<ApiKeyStore>().CreateAsync(userId, "tests", CancellationToken.None);
        var http = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.Secret);
        return new ApiCaller(userId, key.Secret, http);
    }

    public static async Task<string> CreateUserAsync(WebApplicationFactory<Program> factory, string role)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var email = $"api-{Guid.NewGuid():N}@example.org";
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = "API caller" };
        Assert.True((await users.CreateAsync(user, NavigatorAppFactory.Password)).Succeeded);
        Assert.True((await users.AddClaimAsync(user, new Claim(ClaimTypes.Role, role))).Succeeded);
        return user.Id;
    }

    public async Task<string> CreateConversationAsync(string? title = null)
    {
        using var response = await Http.PostAsJsonAsync("/api/v1/conversations", new { title });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public static HttpRequestMessage Ask(string conversationId, string text, string? language = null) =>
        new(HttpMethod.Post, $"/api/v1/conversations/{conversationId}/messages") { Content = JsonContent.Create(new { text, language }) };

    /// <summary>Every event of an answer stream, parsed by the framework's SSE parser.</summary>
    public async Task<List<SseItem<string>>> AskAndReadAllAsync(string conversationId, string text)
    {
        using var request = Ask(conversationId, text);
        using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await using var body = await response.Content.ReadAsStreamAsync();
        var items = new List<SseItem<string>>();
        await foreach (var item in SseParser.Create(body).EnumerateAsync())
        {
            items.Add(item);
        }

        return items;
    }

    public static JsonElement Data(SseItem<string> item) => JsonDocument.Parse(item.Data).RootElement;

    public void Dispose() => Http.Dispose();
}
