using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using LearningNavigator.Tests.Integration;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LearningNavigator.Tests.Security;

/// <summary>
/// Every page and endpoint in the route table × every kind of visitor. A new route that is not in
/// <see cref="Expected"/>, or that carries neither an authorization policy nor an explicit AllowAnonymous, fails.
/// </summary>
public sealed partial class AuthorizationMatrixTests(NavigatorAppFixture app) : IClassFixture<NavigatorAppFixture>
{
    /// <summary><see cref="Access.BearerToken"/>: the API, which no cookie opens; its keys are tested in Integration/Api.
    /// AfterPassword: the second sign-in step, which sends anyone without a correct password first back to the login.</summary>
    private enum Access { Anonymous, SignedIn, Admin, BearerToken, AfterPassword }

    private enum Outcome { Reached, SentToLogin, Denied, Unauthorized }

    private static readonly Dictionary<string, string> SampleQueries = new(StringComparer.Ordinal)
    {
        ["/culture"] = "?lang=es&returnUrl=%2F",
    };

    private static readonly Dictionary<string, Access> Expected = new(StringComparer.Ordinal)
    {
        ["GET /"] = Access.SignedIn,
        ["GET /c/{ConversationId}"] = Access.SignedIn,
        ["GET /admin/documents"] = Access.Admin,
        ["GET /admin/escalations"] = Access.Admin,
        ["GET /admin/analytics"] = Access.Admin,
        ["GET /admin/conversations/{ConversationId}"] = Access.Admin,
        ["GET /admin/analytics/export/{table}"] = Access.Admin,
        ["GET /account/login"] = Access.Anonymous,
        ["GET /account/denied"] = Access.Anonymous,
        ["GET /account/login/code"] = Access.AfterPassword,
        ["GET /account/mfa"] = Access.SignedIn,
        ["GET /error"] = Access.Anonymous,
        ["GET /health/live"] = Access.Anonymous,
        ["GET /health/ready"] = Access.Anonymous,
        // Visited before logout, which ends the visitor's session.
        ["GET /account/api-keys"] = Access.SignedIn,
        ["POST /api/v1/conversations"] = Access.BearerToken,
        ["GET /api/v1/conversations"] = Access.BearerToken,
        ["GET /api/v1/conversations/{conversationId}"] = Access.BearerToken,
        ["GET /api/v1/conversations/{conversationId}/messages"] = Access.BearerToken,
        ["POST /api/v1/conversations/{conversationId}/messages"] = Access.BearerToken,
        ["POST /api/v1/messages/{messageId}/feedback"] = Access.BearerToken,
        ["POST /account/logout"] = Access.SignedIn,
        ["GET /culture"] = Access.Anonymous,
    };

    private static readonly string?[] Visitors = [null, "instructor@example.org", "staff@example.org", "admin@example.org"];

    [Fact]
    public async Task Every_route_has_an_explicit_rule_and_every_visitor_gets_the_expected_outcome()
    {
        var routes = ApplicationRoutes();
        var problems = new List<string>();
        foreach (var (key, endpoint) in routes)
        {
            var hasRule = endpoint.Metadata.GetMetadata<IAuthorizeData>() is not null || endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            if (!hasRule)
            {
                problems.Add($"{key} has no [Authorize] policy and no [AllowAnonymous].");
            }

            if (!Expected.ContainsKey(key))
            {
                problems.Add($"{key} is not in the authorization matrix: add its expected access.");
            }
        }

        problems.AddRange(Expected.Keys.Except(routes.Select(r => r.Key)).Select(k => $"{k} is in the matrix but no longer routed."));
        Assert.True(problems.Count == 0, string.Join('\n', problems));

        var cells = 0;
        foreach (var visitor in Visitors)
        {
            using var client = visitor is null ? SignIn.NewClient(app.Factory) : await SignIn.AsAsync(app.Factory, visitor);
            foreach (var (key, access) in Expected)
            {
                var expected = ExpectedOutcome(access, visitor);
                var actual = await VisitAsync(client, key);
                cells++;
                if (actual != expected)
                {
                    problems.Add($"{key} as {visitor ?? "anonymous"}: expected {expected}, got {actual}.");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.Equal(Expected.Count * Visitors.Length, cells);
    }

    private List<KeyValuePair<string, RouteEndpoint>> ApplicationRoutes()
    {
        _ = app.Factory.Server;
        var sources = app.Factory.Services.GetServices<EndpointDataSource>();
        return sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => !IsFrameworkOrAsset(e))
            // A page also accepts POST for its forms under the same rule, so pages are visited by GET.
            .SelectMany(e => (IsPage(e) ? ["GET"] : e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Where(m => m is "GET" or "POST")
                .Select(m => KeyValuePair.Create($"{m} /{e.RoutePattern.RawText!.TrimStart('/')}", e)))
            .DistinctBy(p => p.Key)
            .ToList();
    }

    private static bool IsFrameworkOrAsset(RouteEndpoint endpoint)
    {
        var pattern = endpoint.RoutePattern.RawText ?? string.Empty;
        return pattern.TrimStart('/').StartsWith('_')
            || endpoint.Metadata.Any(m => m.GetType().Name == "StaticAssetDescriptor")
            || pattern.Contains(":file}", StringComparison.Ordinal)
            || Path.HasExtension(pattern);
    }

    private static bool IsPage(RouteEndpoint endpoint) =>
        endpoint.Metadata.Any(m => m.GetType().Name == "ComponentTypeMetadata");

    private static Outcome ExpectedOutcome(Access access, string? visitor) => access switch
    {
        Access.Anonymous => Outcome.Reached,
        Access.BearerToken => Outcome.Unauthorized,
        Access.AfterPassword => Outcome.SentToLogin,
        _ when visitor is null => Outcome.SentToLogin,
        Access.Admin when visitor != "admin@example.org" => Outcome.Denied,
        _ => Outcome.Reached,
    };

    private static async Task<Outcome> VisitAsync(HttpClient client, string key)
    {
        var method = key[..key.IndexOf(' ')];
        var path = RouteParameter().Replace(key[(method.Length + 1)..].Replace("{table}", "questions", StringComparison.Ordinal), _ => Guid.NewGuid().ToString("N"));
        // Endpoints that need arguments to do anything are visited the way the app links to them.
        path += SampleQueries.GetValueOrDefault(path, string.Empty);
        using var response = method == "GET"
            ? await client.GetAsync(path)
            : await client.PostAsync(path, path.StartsWith("/api/", StringComparison.Ordinal) ? JsonContent.Create(new { }) : new FormUrlEncodedContent([]));
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            return Outcome.Unauthorized;
        }

        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            return response.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable ? Outcome.Reached : (Outcome)(-1);
        }

        var location = response.Headers.Location!.OriginalString;
        return location.Contains("/account/denied", StringComparison.Ordinal) ? Outcome.Denied
            : location.Contains("/account/login", StringComparison.Ordinal) && location.Contains("eturn", StringComparison.Ordinal) ? Outcome.SentToLogin
            : Outcome.Reached;
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();
}
