using System.Net.Http.Json;
using System.Net;
using System.Security.Claims;
using LearningNavigator.Conversations;
using LearningNavigator.Tests.Fakes;
using LearningNavigator.Tests.Integration;
using LearningNavigator.Web.Auth.External;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace LearningNavigator.Tests.Security;

/// <summary>The real app on Kestrel signing people in through a local OpenID provider, followed redirect by redirect.</summary>
public abstract class ExternalSignInFixture : IAsyncLifetime
{
    protected ExternalSignInFixture(ProviderStyle style) => Provider = new FakeOpenIdProvider(style);

    public FakeOpenIdProvider Provider { get; }

    public HostSettingsAppFactory App { get; } = new();

    public string BaseUrl { get; private set; } = string.Empty;

    protected abstract Dictionary<string, string?> Settings { get; }

    public Task InitializeAsync()
    {
        foreach (var (key, value) in Settings)
        {
            App.HostSettings[key] = value;
        }

        // Admin MFA stays on: people from an identity provider are covered by the provider's MFA, not asked again.
        App.ExtraSettings["Auth:RequireAdminMfa"] = "true";
        App.ExtraSettings["Retrieval:Local:Mode"] = "Bm25";
        App.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        App.StartServer();
        BaseUrl = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        App.Dispose();
        await Provider.DisposeAsync();
    }
}

public sealed class CognitoSignInFixture() : ExternalSignInFixture(ProviderStyle.Cognito)
{
    // The keys the CDK stack sets (Authentication__Provider, __Cognito__Authority, __Cognito__ClientId) plus the secret.
    protected override Dictionary<string, string?> Settings => new()
    {
        ["Authentication:Provider"] = "Cognito",
        ["Authentication:Cognito:Authority"] = Provider.Issuer,
        ["Authentication:Cognito:ClientId"] = FakeOpenIdProvider.ClientId,
        ["Authentication:Cognito:ClientSecret"] = FakeOpenIdProvider.ClientSecret,
    };
}

public sealed class EntraSignInFixture() : ExternalSignInFixture(ProviderStyle.Entra)
{
    public const string AdminGroupId = "0b5e2c4a-6f1d-4c3e-9a8b-7c6d5e4f3a21";

    protected override Dictionary<string, string?> Settings => new()
    {
        ["Authentication:Provider"] = "EntraId",
        ["Authentication:EntraId:Instance"] = Provider.BaseUrl + "/",
        ["Authentication:EntraId:TenantId"] = FakeOpenIdProvider.TenantId,
        ["Authentication:EntraId:ClientId"] = FakeOpenIdProvider.ClientId,
        ["Authentication:EntraId:ClientSecret"] = FakeOpenIdProvider.ClientSecret,
        // A configured map replaces the defaults: app roles for two roles, a security group for admins.
        ["Authentication:EntraId:RoleMap:Navigator.Instructor"] = "instructor",
        ["Authentication:EntraId:RoleMap:Navigator.Staff"] = "staff",
        [$"Authentication:EntraId:RoleMap:{AdminGroupId}"] = "admin",
    };
}

public sealed class CognitoSignInTests(CognitoSignInFixture app) : IClassFixture<CognitoSignInFixture>
{
    [Theory]
    [InlineData("instructors", "instructor", "Ask me about courses, scheduling, invoicing")]
    [InlineData("staff", "staff", "Ask me about internal procedures")]
    public async Task Group_member_signs_in_with_the_mapped_role_and_gets_a_profile(string group, string role, string greeting)
    {
        var identity = new FakeIdentity($"sub-{group}", $"{group}@example.org", $"Cognito {group}", group, "unrelated-group");
        var (client, landing) = await ExternalFlow.SignInAsync(app.Provider, app.BaseUrl, identity);

        Assert.Equal(app.BaseUrl + "/", landing.Url);
        Assert.Contains(greeting, landing.Html, StringComparison.Ordinal);
        Assert.True(app.Provider.AuthorizeRequests.Last()["code_challenge_method"] == "S256", "The app did not use PKCE.");
        var profile = await app.App.Services.GetRequiredService<IConversationStore>().GetUserAsync($"cognito|sub-{group}", CancellationToken.None);
        Assert.Equal((role, $"{group}@example.org", $"Cognito {group}"), (profile?.Role, profile?.Email, profile?.DisplayName));
        Assert.StartsWith(app.BaseUrl + "/account/denied", (await ExternalFlow.FollowAsync(client, app.BaseUrl + "/admin/documents")).Url, StringComparison.Ordinal);
        client.Dispose();
    }

    [Fact]
    public async Task Admin_group_reaches_admin_pages_without_a_second_local_factor()
    {
        var (client, _) = await ExternalFlow.SignInAsync(app.Provider, app.BaseUrl, new FakeIdentity("sub-admin", "boss@example.org", "Boss", "admins", "staff"));

        var page = await ExternalFlow.FollowAsync(client, app.BaseUrl + "/admin/documents");

        Assert.Equal(app.BaseUrl + "/admin/documents", page.Url);
        Assert.Equal("admin", (await app.App.Services.GetRequiredService<IConversationStore>().GetUserAsync("cognito|sub-admin", CancellationToken.None))?.Role);
        client.Dispose();
    }

    [Fact]
    public async Task Person_in_no_mapped_group_gets_the_denied_page_and_no_session()
    {
        var (client, landing) = await ExternalFlow.SignInAsync(app.Provider, app.BaseUrl, new FakeIdentity("sub-visitor", "v@example.org", "Visitor", "visitors"));

        Assert.Equal(app.BaseUrl + "/account/denied?reason=no-role", landing.Url);
        Assert.Contains("data-reason=\"no-role\"", landing.Html, StringComparison.Ordinal);
        Assert.Null(await app.App.Services.GetRequiredService<IConversationStore>().GetUserAsync("cognito|sub-visitor", CancellationToken.None));
        using var again = await client.GetAsync(app.BaseUrl + "/");
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        client.Dispose();
    }

    [Fact]
    public async Task Bearer_scheme_accepts_the_providers_tokens_for_this_client_and_maps_groups()
    {
        var staff = new FakeIdentity("sub-api", "api@example.org", "Api", "staff");

        var accepted = await ExternalFlow.AuthenticateBearerAsync(app.App.Services, app.Provider.IssueToken(staff));
        var idToken = await ExternalFlow.AuthenticateBearerAsync(app.App.Services, app.Provider.IssueToken(staff, tokenUse: "id"));
        var otherClient = await ExternalFlow.AuthenticateBearerAsync(app.App.Services, app.Provider.IssueToken(staff, clientId: "someone-else"));
        var noGroup = await ExternalFlow.AuthenticateBearerAsync(app.App.Services, app.Provider.IssueToken(staff with { Groups = ["visitors"] }));
        using var forger = System.Security.Cryptography.RSA.Create(2048);
        var forged = await ExternalFlow.AuthenticateBearerAsync(app.App.Services, app.Provider.IssueToken(staff, signingKey: new RsaSecurityKey(forger) { KeyId = "test-key-1" }));

        Assert.True(accepted.Succeeded, accepted.Failure?.Message);
        Assert.True(accepted.Principal!.IsInRole("staff"));
        Assert.Equal("cognito|sub-api", accepted.Principal.FindFirstValue(ClaimTypes.NameIdentifier));
        Assert.True(idToken.Succeeded, idToken.Failure?.Message);
        Assert.False(otherClient.Succeeded);
        Assert.False(noGroup.Succeeded);
        Assert.False(forged.Succeeded);
    }

    [Fact]
    public async Task The_http_api_takes_the_providers_access_token_and_keeps_the_conversation_under_that_person()
    {
        var instructor = new FakeIdentity("sub-lms", "lms@example.org", "LMS", "instructors");
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", app.Provider.IssueToken(instructor));

        using var created = await http.PostAsJsonAsync("/api/v1/conversations", new { title = "From the LMS" });
        var conversationId = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetString()!;
        using var forged = new HttpRequestMessage(HttpMethod.Get, "/api/v1/conversations");
        forged.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", app.Provider.IssueToken(instructor, clientId: "someone-else"));
        using var refused = await http.SendAsync(forged);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var store = app.App.Services.GetRequiredService<IConversationStore>();
        Assert.NotNull(await store.GetConversationAsync("cognito|sub-lms", conversationId, CancellationToken.None));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }
}

public sealed class EntraSignInTests(EntraSignInFixture app) : IClassFixture<EntraSignInFixture>
{
    [Fact]
    public async Task App_role_maps_to_staff_through_the_configured_map()
    {
        var (client, landing) = await ExternalFlow.SignInAsync(app.Provider, app.BaseUrl, new FakeIdentity("entra-staff", "sam@contoso.example", "Sam Contoso", "Navigator.Staff"));

        Assert.Equal(app.BaseUrl + "/", landing.Url);
        Assert.Contains("Ask me about internal procedures", landing.Html, StringComparison.Ordinal);
        Assert.Equal("staff", (await app.App.Services.GetRequiredService<IConversationStore>().GetUserAsync("entraid|oid-entra-staff", CancellationToken.None))?.Role);
        client.Dispose();
    }

    [Fact]
    public async Task Security_group_id_maps_to_admin()
    {
        var (client, _) = await ExternalFlow.SignInAsync(app.Provider, app.BaseUrl, new FakeIdentity("entra-admin", "ada@contoso.example", "Ada Contoso", EntraSignInFixture.AdminGroupId));

        var page = await ExternalFlow.FollowAsync(client, app.BaseUrl + "/admin/documents");

        Assert.Equal(app.BaseUrl + "/admin/documents", page.Url);
        client.Dispose();
    }

    [Fact]
    public async Task Default_app_role_names_no_longer_count_once_a_map_is_configured()
    {
        var (client, landing) = await ExternalFlow.SignInAsync(app.Provider, app.BaseUrl, new FakeIdentity("entra-old", "old@contoso.example", "Old Contoso", "Admin"));

        Assert.Equal(app.BaseUrl + "/account/denied?reason=no-role", landing.Url);
        client.Dispose();
    }

    [Fact]
    public async Task Bearer_scheme_validates_audience_and_signature()
    {
        var identity = new FakeIdentity("entra-api", "api@contoso.example", "Api", "Navigator.Instructor");

        var accepted = await ExternalFlow.AuthenticateBearerAsync(app.App.Services, app.Provider.IssueToken(identity, tokenUse: "id"));
        var otherAudience = await ExternalFlow.AuthenticateBearerAsync(app.App.Services, app.Provider.IssueToken(identity, tokenUse: "id", clientId: "another-app"));

        Assert.True(accepted.Succeeded, accepted.Failure?.Message);
        Assert.True(accepted.Principal!.IsInRole("instructor"));
        Assert.False(otherAudience.Succeeded);
    }
}

public sealed class ExternalSignInOptionsTests
{
    [Theory]
    [InlineData("Cognito", "Authentication:Cognito:ClientId")]
    [InlineData("EntraId", "Authentication:EntraId:TenantId")]
    public void A_missing_setting_fails_naming_the_key(string provider, string key)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Authentication:Provider"] = provider,
            ["Authentication:Cognito:Authority"] = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_x",
            ["Authentication:EntraId:Instance"] = "https://login.microsoftonline.com/",
            ["Authentication:EntraId:ClientId"] = "client",
        };
        var error = Assert.Throws<OptionsValidationException>(() => Options(settings).Value);

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_role_map_naming_an_unknown_role_fails_and_http_authorities_are_refused_off_loopback()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Options(new()
        {
            ["Authentication:Provider"] = "Cognito",
            ["Authentication:Cognito:Authority"] = "http://idp.example.org/pool",
            ["Authentication:Cognito:ClientId"] = "client",
            ["Authentication:Cognito:RoleMap:teachers"] = "teacher",
        }).Value);

        Assert.Contains("Authentication:Cognito:RoleMap:teachers", error.Message, StringComparison.Ordinal);
        Assert.Contains("Authentication:Cognito:Authority must be an absolute https URL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cognito_defaults_map_the_three_groups_of_the_deployment()
    {
        var options = Options(new() { ["Authentication:Provider"] = "Local" }).Value;

        Assert.Equal(SignInProvider.Local, options.Provider);
        Assert.Equal(["admins->admin", "instructors->instructor", "staff->staff"], options.Cognito.RoleMap.Select(p => $"{p.Key}->{p.Value}").Order(StringComparer.Ordinal));
    }

    private static IOptions<ExternalSignInOptions> Options(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        services.AddExternalSignIn(configuration);
        return services.BuildServiceProvider().GetRequiredService<IOptions<ExternalSignInOptions>>();
    }
}

/// <summary>
/// Settings given as host settings, which the app's Program sees from its first line (they arrive as command-line
/// arguments), as production configuration does; <see cref="NavigatorAppFactory.ExtraSettings"/> arrive only when the host is built.
/// </summary>
public sealed class HostSettingsAppFactory : NavigatorAppFactory
{
    public Dictionary<string, string?> HostSettings { get; } = [];

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        foreach (var (key, value) in HostSettings)
        {
            builder.UseSetting(key, value);
        }
    }
}

/// <summary>A browser's part of the code flow: cookies kept, every redirect followed by hand across both servers.</summary>
internal static class ExternalFlow
{
    public static async Task<(HttpClient Client, (string Url, string Html) Landing)> SignInAsync(FakeOpenIdProvider provider, string appBaseUrl, FakeIdentity identity)
    {
        provider.NextIdentity = identity;
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() });
        var landing = await FollowAsync(client, appBaseUrl + "/");
        return (client, landing);
    }

    public static async Task<(string Url, string Html)> FollowAsync(HttpClient client, string url)
    {
        for (var hop = 0; hop < 12; hop++)
        {
            using var response = await client.GetAsync(url);
            if (response.StatusCode is not (HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther))
            {
                Assert.True(response.IsSuccessStatusCode, $"{url} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                return (url, await response.Content.ReadAsStringAsync());
            }

            url = new Uri(new Uri(url), response.Headers.Location!).ToString();
        }

        throw new InvalidOperationException("Too many redirects: " + url);
    }

    public static async Task<AuthenticateResult> AuthenticateBearerAsync(IServiceProvider services, string token)
    {
        using var scope = services.CreateScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Headers.Authorization = "Bearer " + token;
        return await context.AuthenticateAsync(ExternalSignIn.BearerScheme);
    }
}
