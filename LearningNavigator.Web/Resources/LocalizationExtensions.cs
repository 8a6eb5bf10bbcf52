using System.Globalization;
using System.Security.Claims;
using LearningNavigator.Conversations;
using LearningNavigator.Web.Auth;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;

namespace LearningNavigator.Web.Resources;

/// <summary>
/// English and Spanish: the interface follows the culture cookie, else the browser's languages. A signed-in
/// person's choice is kept in their profile and put back in the cookie at every sign-in, so it follows them
/// to another browser.
/// </summary>
public static class LocalizationExtensions
{
    public static readonly string[] SupportedLanguages = ["en", "es"];
    public const string CulturePath = "/culture";

    public static IServiceCollection AddNavigatorLocalization(this IServiceCollection services)
    {
        services.AddLocalization();
        services.Configure<RequestLocalizationOptions>(options =>
        {
            options.SetDefaultCulture(SupportedLanguages[0])
                .AddSupportedCultures(SupportedLanguages)
                .AddSupportedUICultures(SupportedLanguages);
            options.FallBackToParentCultures = true;
            options.FallBackToParentUICultures = true;
        });
        // PostConfigure: Identity's cookie set-up replaces the Events object when it configures the scheme.
        services.PostConfigure<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme, options =>
        {
            var previous = options.Events.OnSignedIn;
            options.Events.OnSignedIn = async context =>
            {
                await previous(context);
                await ApplyProfileLanguageAsync(context);
            };
        });
        return services;
    }

    /// <summary>Request localization (after authentication) and the endpoint the language picker calls.</summary>
    public static WebApplication UseNavigatorLocalization(this WebApplication app)
    {
        app.UseRequestLocalization();
        app.MapGet(CulturePath, SetCultureAsync).AllowAnonymous();
        return app;
    }

    /// <summary>The picker's link: switch to <paramref name="language"/> and come back to <paramref name="returnUrl"/>.</summary>
    public static string CultureUrl(string language, string returnUrl) =>
        $"{CulturePath}?lang={Uri.EscapeDataString(language)}&returnUrl={Uri.EscapeDataString(returnUrl)}";

    public static string CurrentLanguage =>
        SupportedLanguages.Contains(CultureInfo.CurrentUICulture.TwoLetterISOLanguageName) ? CultureInfo.CurrentUICulture.TwoLetterISOLanguageName : SupportedLanguages[0];

    private static async Task<IResult> SetCultureAsync(HttpContext context, IConversationStore store, string? lang, string? returnUrl)
    {
        if (lang is null || !SupportedLanguages.Contains(lang))
        {
            return TypedResults.BadRequest($"Unsupported language '{lang}'. Use one of: {string.Join(", ", SupportedLanguages)}.");
        }

        WriteCookie(context.Response, lang);
        if (CurrentUser.From(context.User) is { } user)
        {
            var profile = await store.GetUserAsync(user.Id, context.RequestAborted);
            await store.UpsertUserAsync(ProfileOf(context.User, user, profile) with { PreferredLanguage = lang }, context.RequestAborted);
        }

        return TypedResults.LocalRedirect(SafeReturnUrl(returnUrl));
    }

    /// <summary>
    /// The latest explicit choice wins: a language picked on this browser (the cookie) is saved to the profile;
    /// a browser with no choice yet gets the profile's language.
    /// </summary>
    internal static async Task ApplyProfileLanguageAsync(CookieSignedInContext context)
    {
        if (CurrentUser.From(context.Principal!) is not { } user)
        {
            return;
        }

        var http = context.HttpContext;
        var store = http.RequestServices.GetRequiredService<IConversationStore>();
        var profile = await store.GetUserAsync(user.Id, http.RequestAborted);
        var chosen = http.Request.Cookies.TryGetValue(CookieRequestCultureProvider.DefaultCookieName, out var cookie)
            ? CookieRequestCultureProvider.ParseCookieValue(cookie)?.UICultures.FirstOrDefault().Value
            : null;
        if (chosen is not null && SupportedLanguages.Contains(chosen))
        {
            if (profile?.PreferredLanguage != chosen)
            {
                await store.UpsertUserAsync(ProfileOf(context.Principal!, user, profile) with { PreferredLanguage = chosen }, http.RequestAborted);
            }

            return;
        }

        var remembered = profile is not null && SupportedLanguages.Contains(profile.PreferredLanguage) ? profile.PreferredLanguage : CurrentLanguage;
        WriteCookie(context.Response, remembered);
    }

    private static UserProfile ProfileOf(ClaimsPrincipal principal, CurrentUser user, UserProfile? existing) => existing ?? new UserProfile
    {
        Id = user.Id,
        Email = principal.FindFirstValue(ClaimTypes.Email) ?? user.Name,
        DisplayName = user.Name,
        Role = user.Role,
    };

    private static void WriteCookie(HttpResponse response, string language) =>
        response.Cookies.Append(
            CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(language)),
            new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, SameSite = SameSiteMode.Lax, HttpOnly = true });

    // Only local paths, so a crafted link cannot send someone elsewhere.
    private static string SafeReturnUrl(string? returnUrl) =>
        string.IsNullOrEmpty(returnUrl) || !returnUrl.StartsWith('/') || returnUrl.StartsWith("//", StringComparison.Ordinal) || returnUrl.Contains('\\')
            ? "/"
            : returnUrl;
}
