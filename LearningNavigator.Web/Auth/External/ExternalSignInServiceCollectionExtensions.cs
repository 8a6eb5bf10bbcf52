using LearningNavigator.Conversations;
using LearningNavigator.Web.Resources;
using LearningNavigator.Web.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.Identity.Web;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace LearningNavigator.Web.Auth.External;

public static class ExternalSignIn
{
    /// <summary>The session cookie of people signed in by an external provider.</summary>
    public const string CookieScheme = "ExternalSession";

    /// <summary>The OpenID Connect schemes that send people to the provider.</summary>
    public const string CognitoScheme = "Cognito";
    public const string EntraScheme = "EntraId";

    /// <summary>Access or id tokens of the same provider presented as "Authorization: Bearer" (for HTTP APIs).</summary>
    public const string BearerScheme = "IdentityProviderBearer";

    public const string ChallengePath = "/account/external";
    public const string NoRolePath = "/account/denied?reason=no-role";

    /// <summary>
    /// <c>Authentication:Provider</c> = EntraId or Cognito: sign-in goes to that provider, its groups become app roles,
    /// and a bearer scheme accepts its tokens. Local (the default) leaves the local accounts in charge.
    /// </summary>
    public static IServiceCollection AddExternalSignIn(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ExternalSignInOptions>().Bind(configuration.GetSection(ExternalSignInOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<ExternalSignInOptionsValidation>();
        services.AddSingleton<IPostConfigureOptions<ExternalSignInOptions>>(sp => sp.GetRequiredService<ExternalSignInOptionsValidation>());
        services.AddSingleton<IValidateOptions<ExternalSignInOptions>>(sp => sp.GetRequiredService<ExternalSignInOptionsValidation>());

        // Read at registration: an OpenID Connect scheme without settings would fail every request, so none is
        // registered for local accounts. (Tests set this key as a host setting, which is there from the start.)
        var provider = configuration.GetValue<SignInProvider?>($"{ExternalSignInOptions.SectionName}:Provider") ?? SignInProvider.Local;
        if (provider == SignInProvider.Local)
        {
            return services;
        }

        var scheme = ChallengeScheme(provider);
        var authentication = services.AddAuthentication();
        services.Configure<AuthenticationOptions>(options =>
        {
            options.DefaultScheme = CookieScheme;
            options.DefaultSignInScheme = CookieScheme;
            options.DefaultChallengeScheme = scheme;
        });
        if (provider == SignInProvider.EntraId)
        {
            authentication.AddMicrosoftIdentityWebApp(
                configuration.GetSection($"{ExternalSignInOptions.SectionName}:EntraId"), EntraScheme, CookieScheme);
        }
        else
        {
            authentication.AddCookie(CookieScheme).AddOpenIdConnect(CognitoScheme, _ => { });
        }

        authentication.AddJwtBearer(BearerScheme, _ => { });
        services.AddOptions<CookieAuthenticationOptions>(CookieScheme).Configure<IOptions<SecurityOptions>>(ConfigureCookie);
        services.AddOptions<OpenIdConnectOptions>(scheme).Configure<IOptions<ExternalSignInOptions>, IOptions<SecurityOptions>>(ConfigureOidc);

        services.AddOptions<JwtBearerOptions>(BearerScheme).Configure<IOptions<ExternalSignInOptions>>(ConfigureBearer);
        return services;
    }

    public static IEndpointRouteBuilder MapExternalSignInEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<ExternalSignInOptions>>().Value;
        if (options.Provider != SignInProvider.Local)
        {
            endpoints.MapGet(ChallengePath, (string? returnUrl) =>
                TypedResults.Challenge(new AuthenticationProperties { RedirectUri = ReturnUrls.Safe(returnUrl) }, [ChallengeScheme(options.Provider)]))
                .AllowAnonymous();
        }

        return endpoints;
    }

    public static string ChallengeScheme(SignInProvider provider) => provider == SignInProvider.EntraId ? EntraScheme : CognitoScheme;

    private static void ConfigureCookie(CookieAuthenticationOptions options, IOptions<SecurityOptions> security)
    {
        options.LoginPath = ChallengePath;
        options.LogoutPath = "/account/logout";
        options.AccessDeniedPath = "/account/denied";
        options.Cookie.Name = ".LearningNavigator.Session";
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Lax;
        options.Cookie.SecurePolicy = security.Value.SecureCookies ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        options.SlidingExpiration = true;
        options.ExpireTimeSpan = TimeSpan.FromHours(8);
        options.Events.OnSignedIn = LocalizationExtensions.ApplyProfileLanguageAsync;
    }

    private static void ConfigureOidc(OpenIdConnectOptions options, IOptions<ExternalSignInOptions> configured, IOptions<SecurityOptions> security)
    {
        var settings = configured.Value;
        if (settings.Provider == SignInProvider.Local)
        {
            return;
        }

        if (settings.Provider == SignInProvider.Cognito)
        {
            options.Authority = settings.Cognito.Authority;
            options.ClientId = settings.Cognito.ClientId;
            options.ClientSecret = settings.Cognito.ClientSecret;
            options.Scope.Clear();
            foreach (var scope in new[] { "openid", "email", "profile" })
            {
                options.Scope.Add(scope);
            }
        }

        if (settings.Provider == SignInProvider.EntraId && IsLoopback(settings.EntraId.Authority))
        {
            // Microsoft.Identity.Web's issuer validator fetches the tenant's metadata itself, over https only. A loopback
            // authority (a local test provider) is checked against its own discovery document instead.
            options.TokenValidationParameters.IssuerValidator = null;
            options.TokenValidationParameters.ValidIssuer = settings.EntraId.Authority;
        }

        options.SignInScheme = CookieScheme;
        options.ResponseType = OpenIdConnectResponseType.Code;
        // The code comes back on a top-level GET, which SameSite=Lax cookies (correlation, nonce) survive; a
        // cross-site form POST would lose them. Cognito supports only this mode anyway.
        options.ResponseMode = OpenIdConnectResponseMode.Query;
        options.UsePkce = true;
        options.MapInboundClaims = false;
        options.SaveTokens = false;
        options.GetClaimsFromUserInfoEndpoint = false;
        // Registered after Microsoft.Identity.Web's own set-up, so for Entra this runs once its authority is known.
        options.RequireHttpsMetadata = !IsLoopback(settings.Provider == SignInProvider.Cognito ? settings.Cognito.Authority : settings.EntraId.Authority);
        var cookiePolicy = security.Value.SecureCookies ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        options.CorrelationCookie.SecurePolicy = cookiePolicy;
        options.NonceCookie.SecurePolicy = cookiePolicy;
        options.CorrelationCookie.SameSite = SameSiteMode.Lax;
        options.NonceCookie.SameSite = SameSiteMode.Lax;

        var mapping = ProviderMapping.From(settings);
        var previous = options.Events.OnTokenValidated;
        options.Events.OnTokenValidated = async context =>
        {
            await previous(context);
            var principal = ExternalIdentity.ToAppPrincipal(context.Principal!, mapping, CookieScheme);
            if (principal is null)
            {
                context.HandleResponse();
                context.Response.Redirect(NoRolePath);
                return;
            }

            context.Principal = principal;
            var store = context.HttpContext.RequestServices.GetRequiredService<IConversationStore>();
            await ExternalIdentity.UpsertProfileAsync(store, principal, context.HttpContext.RequestAborted);
        };
    }

    private static void ConfigureBearer(JwtBearerOptions options, IOptions<ExternalSignInOptions> configured)
    {
        var settings = configured.Value;
        if (settings.Provider == SignInProvider.Local)
        {
            return;
        }

        var cognito = settings.Provider == SignInProvider.Cognito;
        var clientId = cognito ? settings.Cognito.ClientId! : settings.EntraId.ClientId!;
        options.Authority = cognito ? settings.Cognito.Authority : settings.EntraId.Authority;
        options.RequireHttpsMetadata = !IsLoopback(options.Authority);
        options.MapInboundClaims = false;
        // Cognito access tokens carry the app client in "client_id" and have no audience; its id tokens use "aud".
        options.TokenValidationParameters.ValidateAudience = !cognito;
        options.TokenValidationParameters.ValidAudiences = [clientId, $"api://{clientId}"];
        var mapping = ProviderMapping.From(settings);
        options.Events = new JwtBearerEvents
        {
            OnTokenValidated = context =>
            {
                var token = context.Principal!;
                if (cognito && token.FindFirst("client_id")?.Value != clientId && token.FindFirst("aud")?.Value != clientId)
                {
                    context.Fail("The token was issued to another app client.");
                    return Task.CompletedTask;
                }

                var principal = ExternalIdentity.ToAppPrincipal(token, mapping, BearerScheme);
                if (principal is null)
                {
                    context.Fail("The token's groups map to no Learning Navigator role.");
                    return Task.CompletedTask;
                }

                context.Principal = principal;
                return Task.CompletedTask;
            },
        };
    }

    private static bool IsLoopback(string? authority) =>
        Uri.TryCreate(authority, UriKind.Absolute, out var uri) && uri.IsLoopback;
}
