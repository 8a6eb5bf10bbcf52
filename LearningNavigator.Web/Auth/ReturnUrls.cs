namespace LearningNavigator.Web.Auth;

public static class ReturnUrls
{
    /// <summary>Only local paths: an absolute URL here would let a crafted link send people elsewhere after sign-in.</summary>
    public static string Safe(string? returnUrl) =>
        string.IsNullOrEmpty(returnUrl) || !Uri.TryCreate(returnUrl, UriKind.Relative, out _) || returnUrl.StartsWith("//", StringComparison.Ordinal) || returnUrl.Contains('\\')
            ? "/"
            : "/" + returnUrl.TrimStart('/');
}
