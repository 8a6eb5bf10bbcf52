using System.ComponentModel.DataAnnotations;

namespace LearningNavigator.Web.Auth;

/// <summary>The seeded demo accounts. The password comes from configuration (Demo:Password).</summary>
public sealed class DemoAccountsOptions
{
    public const string SectionName = "Demo";

    [Required(ErrorMessage = "Demo:Password is required: set it in appsettings.json or LearningNavigator__Demo__Password.")]
    [MinLength(8, ErrorMessage = "Demo:Password must be at least 8 characters long.")]
    public string Password { get; set; } = string.Empty;

    public bool SeedAccounts { get; set; } = true;

    public static IReadOnlyList<DemoAccount> Accounts { get; } =
    [
        new("instructor@example.org", "Ivy Instructor", AppRoles.Instructor),
        new("staff@example.org", "Sam Staff", AppRoles.Staff),
        new("admin@example.org", "Ada Admin", AppRoles.Admin),
    ];
}

public sealed record DemoAccount(string Email, string DisplayName, string Role);

public sealed class AccountsOptions
{
    public const string SectionName = "Accounts";

    [Required(ErrorMessage = "Accounts:DatabasePath is required.")]
    public string DatabasePath { get; set; } = "App_Data/accounts.db";
}
