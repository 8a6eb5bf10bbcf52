using System.Security.Claims;

namespace LearningNavigator.Web.Auth;

/// <summary>The signed-in person as the pages need them.</summary>
public sealed record CurrentUser(string Id, string Name, string Role)
{
    public static CurrentUser? From(ClaimsPrincipal principal)
    {
        var id = principal.FindFirstValue(ClaimTypes.NameIdentifier);
        var role = AppRoles.All.FirstOrDefault(principal.IsInRole);
        return id is null || role is null
            ? null
            : new CurrentUser(id, principal.Identity?.Name ?? id, role);
    }
}
