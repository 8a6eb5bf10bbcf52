using System.Security.Claims;
using LearningNavigator.Conversations;
using LearningNavigator.Web.Auth.Mfa;

namespace LearningNavigator.Web.Auth.External;

/// <summary>How one provider's tokens become the app's person: which claims carry groups, and which group is which role.</summary>
public sealed record ProviderMapping(SignInProvider Provider, IReadOnlyList<string> GroupClaims, IReadOnlyDictionary<string, string> RoleMap)
{
    public static ProviderMapping From(ExternalSignInOptions options) => options.Provider switch
    {
        SignInProvider.Cognito => new(SignInProvider.Cognito, [options.Cognito.GroupClaim], options.Cognito.RoleMap),
        SignInProvider.EntraId => new(SignInProvider.EntraId, options.EntraId.RoleClaims, options.EntraId.RoleMap),
        _ => throw new InvalidOperationException("Local accounts carry their role in the accounts database."),
    };

    /// <summary>
    /// The highest app role any of the person's groups maps to, or null when none does. Microsoft.Identity.Web hands
    /// "roles" over as the framework's role claim type, so that one is read under both names.
    /// </summary>
    public string? RoleOf(ClaimsPrincipal token)
    {
        var mapped = GroupClaims
            .SelectMany(type => token.FindAll(c => c.Type == type || (type == "roles" && c.Type == ClaimTypes.Role)))
            .SelectMany(claim => SplitGroups(claim.Value))
            .Select(group => RoleMap.TryGetValue(group, out var role) ? role : null)
            .Where(AppRoles.IsKnown)
            .ToHashSet(StringComparer.Ordinal);
        return AppRoles.All.LastOrDefault(mapped.Contains);
    }

    // Some handlers keep a JSON array claim as one value; accept both shapes.
    private static IEnumerable<string> SplitGroups(string value) =>
        value.StartsWith('[')
            ? value.Trim('[', ']').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => v.Trim('"'))
            : [value];
}

/// <summary>Turns a validated token from the identity provider into the principal the app reads, and keeps the profile current.</summary>
public static class ExternalIdentity
{
    /// <summary>The app principal, or null when the person belongs to no mapped group (they are refused).</summary>
    public static ClaimsPrincipal? ToAppPrincipal(ClaimsPrincipal token, ProviderMapping mapping, string authenticationType)
    {
        var role = mapping.RoleOf(token);
        // Entra's object id is stable across apps; Identity.Web may present it under its long claim type.
        var subject = token.FindFirstValue("oid") ?? token.FindFirstValue("http://schemas.microsoft.com/identity/claims/objectidentifier")
            ?? token.FindFirstValue("sub") ?? token.FindFirstValue(ClaimTypes.NameIdentifier);
        if (role is null || string.IsNullOrEmpty(subject))
        {
            return null;
        }

        var email = token.FindFirstValue("email") ?? token.FindFirstValue(ClaimTypes.Email) ?? token.FindFirstValue("preferred_username") ?? string.Empty;
        var name = token.FindFirstValue("name") ?? (email.Length > 0 ? email : null) ?? token.FindFirstValue("cognito:username") ?? subject;
        var identity = new ClaimsIdentity(authenticationType, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaims(
        [
            // Prefixed so an external subject can never collide with a local account's id.
            new Claim(ClaimTypes.NameIdentifier, $"{mapping.Provider.ToString().ToLowerInvariant()}|{subject}"),
            new Claim(ClaimTypes.Name, name),
            new Claim(ClaimTypes.Email, email),
            new Claim(ClaimTypes.Role, role),
            new Claim(AdminMfa.ProviderClaim, mapping.Provider.ToString()),
        ]);
        return new ClaimsPrincipal(identity);
    }

    /// <summary>The profile the conversation store keeps: created at first sign-in, role and name refreshed each time, language kept.</summary>
    public static async Task UpsertProfileAsync(IConversationStore store, ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var user = CurrentUser.From(principal) ?? throw new InvalidOperationException("An external principal without id or role.");
        var existing = await store.GetUserAsync(user.Id, cancellationToken);
        await store.UpsertUserAsync(
            new UserProfile
            {
                Id = user.Id,
                Email = principal.FindFirstValue(ClaimTypes.Email) ?? string.Empty,
                DisplayName = user.Name,
                Role = user.Role,
                PreferredLanguage = existing?.PreferredLanguage ?? "en",
            },
            cancellationToken);
    }
}
