namespace LearningNavigator;

/// <summary>The three roles of the product. Role names are lower-case everywhere: claims, metadata, index.</summary>
public static class AppRoles
{
    public const string Instructor = "instructor";
    public const string Staff = "staff";
    public const string Admin = "admin";

    public static IReadOnlyList<string> All { get; } = [Instructor, Staff, Admin];

    public static bool IsKnown(string? role) => role is not null && All.Contains(role, StringComparer.Ordinal);

    /// <summary>Admins curate the library, so they see every document whatever its visibility list says.</summary>
    public static bool CanSee(string role, IReadOnlyCollection<string> visibleTo) =>
        role == Admin || visibleTo.Contains(role, StringComparer.Ordinal);
}
