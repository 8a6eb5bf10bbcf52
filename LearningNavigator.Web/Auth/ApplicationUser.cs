using Microsoft.AspNetCore.Identity;

namespace LearningNavigator.Web.Auth;

public sealed class ApplicationUser : IdentityUser
{
    public string DisplayName { get; set; } = string.Empty;
}
