using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LearningNavigator.Tests.Fakes;

/// <summary>The person the provider signs in next, and what their tokens say about them.</summary>
public sealed record FakeIdentity(string Subject, string Email, string Name, params string[] Groups);

public enum ProviderStyle { Cognito, Entra }

/// <summary>
/// A minimal OpenID Connect provider on loopback: discovery, JWKS (one RSA key), an authorize endpoint that
/// signs in <see cref="NextIdentity"/> without a form and redirects back with a code, and a token endpoint that
/// checks the client secret, redirect URI and PKCE verifier before issuing RS256-signed tokens. Cognito style puts
/// groups in "cognito:groups"; Entra style puts app roles in "roles", group ids in "groups" and adds "tid"/"oid".
/// </summary>
public sealed class FakeOpenIdProvider : IAsyncDisposable
{
    public const string ClientId = "navigator-test-client";
    public const string ClientSecret = "navigator-test-secret";
    public const string TenantId = "7d3c1f0e-0000-4000-8000-00000000a11c";

    private readonly WebApplication app;
    private readonly RSA rsa = RSA.Create(2048);
    private readonly RsaSecurityKey key;
    private readonly ConcurrentDictionary<string, PendingCode> codes = new();

    public FakeOpenIdProvider(ProviderStyle style)
    {
        Style = style;
        key = new RsaSecurityKey(rsa) { KeyId = "test-key-1" };
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        app = builder.Build();
        app.MapGet("{**path}", HandleGet);
        app.MapPost("/token", (Delegate)TokenAsync);
        app.StartAsync().GetAwaiter().GetResult();
        BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
    }

    public ProviderStyle Style { get; }

    public string BaseUrl { get; }

    /// <summary>Entra: Instance is the base, the issuer is {base}/{tenant}/v2.0. Cognito: {base}/{pool}.</summary>
    public string Issuer => Style == ProviderStyle.Entra ? $"{BaseUrl}/{TenantId}/v2.0" : $"{BaseUrl}/us-east-1_TestPool";

    public FakeIdentity NextIdentity { get; set; } = new("user-1", "ivy@example.org", "Ivy Example", "instructors");

    /// <summary>Authorize requests as received, to check what the app asked for.</summary>
    public ConcurrentQueue<IQueryCollection> AuthorizeRequests { get; } = new();

    /// <summary>A token as the provider would issue it to <paramref name="clientId"/>, signed by this provider unless <paramref name="signingKey"/> says otherwise.</summary>
    public string IssueToken(FakeIdentity identity, string tokenUse = "access", string clientId = ClientId, string? nonce = null, SecurityKey? signingKey = null)
    {
        var claims = new Dictionary<string, object>
        {
            ["sub"] = identity.Subject,
            ["email"] = identity.Email,
            ["name"] = identity.Name,
        };
        if (nonce is not null)
        {
            claims["nonce"] = nonce;
        }

        if (Style == ProviderStyle.Cognito)
        {
            claims["cognito:groups"] = identity.Groups;
            claims["cognito:username"] = identity.Subject;
            claims["token_use"] = tokenUse;
            if (tokenUse == "access")
            {
                claims["client_id"] = clientId;
            }
        }
        else
        {
            claims["tid"] = TenantId;
            claims["oid"] = "oid-" + identity.Subject;
            claims["preferred_username"] = identity.Email;
            claims["ver"] = "2.0";
            claims["roles"] = identity.Groups.Where(g => !Guid.TryParse(g, out _)).ToArray();
            claims["groups"] = identity.Groups.Where(g => Guid.TryParse(g, out _)).ToArray();
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Style == ProviderStyle.Cognito && tokenUse == "access" ? null : clientId,
            Claims = claims,
            IssuedAt = DateTime.UtcNow,
            NotBefore = DateTime.UtcNow.AddMinutes(-1),
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(signingKey ?? key, SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        rsa.Dispose();
    }

    private IResult HandleGet(HttpContext context, string? path)
    {
        path = "/" + (path ?? string.Empty);
        if (path.EndsWith("/.well-known/openid-configuration", StringComparison.Ordinal))
        {
            return Results.Json(new Dictionary<string, object>
            {
                ["issuer"] = Issuer,
                ["authorization_endpoint"] = BaseUrl + "/authorize",
                ["token_endpoint"] = BaseUrl + "/token",
                ["jwks_uri"] = BaseUrl + "/jwks",
                ["response_types_supported"] = Supported.ResponseTypes,
                ["response_modes_supported"] = Supported.ResponseModes,
                ["subject_types_supported"] = Supported.SubjectTypes,
                ["id_token_signing_alg_values_supported"] = Supported.Algorithms,
                ["code_challenge_methods_supported"] = Supported.CodeChallenges,
                ["scopes_supported"] = Supported.Scopes,
            });
        }

        if (path == "/jwks")
        {
            var parameters = rsa.ExportParameters(includePrivateParameters: false);
            return Results.Json(new
            {
                keys = new[]
                {
                    new { kty = "RSA", use = "sig", alg = "RS256", kid = key.KeyId, n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent) },
                },
            });
        }

        if (path == "/authorize")
        {
            var query = context.Request.Query;
            AuthorizeRequests.Enqueue(query);
            if (query["client_id"] != ClientId || query["response_type"] != "code" || string.IsNullOrEmpty(query["redirect_uri"]))
            {
                return Results.BadRequest("invalid_request");
            }

            var code = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            codes[code] = new PendingCode(NextIdentity, query["redirect_uri"]!, query["nonce"], query["code_challenge"]);
            var separator = query["redirect_uri"].ToString().Contains('?', StringComparison.Ordinal) ? '&' : '?';
            return Results.Redirect($"{query["redirect_uri"]}{separator}code={code}&state={Uri.EscapeDataString(query["state"].ToString())}");
        }

        return Results.NotFound();
    }

    private async Task<IResult> TokenAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var (clientId, secret) = ClientCredentials(context.Request, form);
        if (clientId != ClientId || secret != ClientSecret)
        {
            return Results.Json(new { error = "invalid_client" }, statusCode: 401);
        }

        if (form["grant_type"] != "authorization_code" || !codes.TryRemove(form["code"].ToString(), out var pending) || pending.RedirectUri != form["redirect_uri"])
        {
            return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
        }

        if (pending.CodeChallenge is not null)
        {
            var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString())));
            if (challenge != pending.CodeChallenge)
            {
                return Results.Json(new { error = "invalid_grant", error_description = "PKCE verifier does not match." }, statusCode: 400);
            }
        }

        return Results.Json(new
        {
            id_token = IssueToken(pending.Identity, "id", nonce: pending.Nonce),
            access_token = IssueToken(pending.Identity, "access"),
            token_type = "Bearer",
            expires_in = 3600,
        });
    }

    private static (string? ClientId, string? Secret) ClientCredentials(HttpRequest request, IFormCollection form)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..])).Split(':', 2);
            return (Uri.UnescapeDataString(pair[0]), Uri.UnescapeDataString(pair[1]));
        }

        return (form["client_id"], form["client_secret"]);
    }

    private static class Supported
    {
        public static readonly string[] ResponseTypes = ["code"];
        public static readonly string[] ResponseModes = ["query"];
        public static readonly string[] SubjectTypes = ["public"];
        public static readonly string[] Algorithms = ["RS256"];
        public static readonly string[] CodeChallenges = ["S256"];
        public static readonly string[] Scopes = ["openid", "email", "profile"];
    }

    private sealed record PendingCode(FakeIdentity Identity, string RedirectUri, string? Nonce, string? CodeChallenge);
}
