using System.Security.Claims;
using LearningNavigator.Configuration;
using LearningNavigator.Web.Auth.External;
using LearningNavigator.Web.Auth.Mfa;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Web.Auth;

public static class LocalAccountsServiceCollectionExtensions
{
    /// <summary>Local accounts (ASP.NET Core Identity on SQLite) with the seeded demo users: the embedded default.</summary>
    public static IServiceCollection AddLocalAccounts(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        services.AddOptions<AccountsOptions>()
            .Bind(configuration.GetSection(AccountsOptions.SectionName))
            .ValidateDataAnnotations()
            .PostConfigure(o => o.DatabasePath = DataPaths.Resolve(contentRoot, o.DatabasePath))
            .ValidateOnStart();
        services.AddOptions<DemoAccountsOptions>()
            .Bind(configuration.GetSection(DemoAccountsOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddDbContext<AccountsDbContext>((provider, options) =>
        {
            var path = provider.GetRequiredService<IOptions<AccountsOptions>>().Value.DatabasePath;
            options.UseSqlite($"Data Source={path}");
        });

        // Keys persisted (DataProtection:Store: a folder, or the DynamoDB table every task shares), so sign-in cookies
        // and circuits survive a restart; one application name, so every instance reads the others' payloads.
        services.AddDataProtection()
            .SetApplicationName("LearningNavigator")
            .PersistKeysToConfiguredStore(configuration, contentRoot);

        services.AddCascadingAuthenticationState();
        services.AddAuthentication(options =>
            {
                options.DefaultScheme = IdentityConstants.ApplicationScheme;
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(options =>
        {
            options.LoginPath = "/account/login";
            options.LogoutPath = "/account/logout";
            options.AccessDeniedPath = "/account/denied";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.SectionName));
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Admin, policy => policy.RequireRole(AppRoles.Admin).AddRequirements(new AdminMfaRequirement()));
        services.AddSingleton<IAuthorizationHandler, AdminMfaHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AdminMfaResultHandler>();
        services.AddScoped<AuthenticatorSetup>();
        // The periodic security-stamp check rebuilds the principal from the store; how the person signed in must survive it.
        services.Configure<SecurityStampValidatorOptions>(options => options.OnRefreshingPrincipal = context =>
        {
            var kept = context.CurrentPrincipal?.FindAll(c => c.Type is AdminMfa.MethodClaim).ToList() ?? [];
            if (kept.Count > 0 && context.NewPrincipal?.Identity is ClaimsIdentity identity)
            {
                identity.AddClaims(kept.Select(c => new Claim(c.Type, c.Value)));
            }

            return Task.CompletedTask;
        });

        services.AddIdentityCore<ApplicationUser>(options =>
            {
                options.User.RequireUniqueEmail = true;
                options.Lockout.MaxFailedAccessAttempts = 10;
            })
            .AddEntityFrameworkStores<AccountsDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders();

        services.AddHostedService<DemoAccountSeeder>();
        return services;
    }

    public static IEndpointRouteBuilder MapLocalAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/account/logout", async (HttpContext context, SignInManager<ApplicationUser> signIn, IAuthenticationSchemeProvider schemes) =>
        {
            await signIn.SignOutAsync();
            if (await schemes.GetSchemeAsync(ExternalSignIn.CookieScheme) is not null)
            {
                // The provider's own session stays; this app's ends, and the next visit asks the provider again.
                await context.SignOutAsync(ExternalSignIn.CookieScheme);
                return TypedResults.LocalRedirect("~/account/denied?reason=signed-out");
            }

            return TypedResults.LocalRedirect("~/account/login");
        }).RequireAuthorization();
        return endpoints;
    }
}

public static class Policies
{
    public const string Admin = "admin-only";
}
