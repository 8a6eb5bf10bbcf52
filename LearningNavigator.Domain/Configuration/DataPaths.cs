namespace LearningNavigator.Configuration;

public static class DataPaths
{
    /// <summary>
    /// Relative paths in settings are relative to the app's content root, not to wherever the process was
    /// started from, so `dotnet run --project` from any folder finds the same data.
    /// </summary>
    public static string Resolve(string baseDirectory, string path) =>
        string.IsNullOrWhiteSpace(path) || Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(baseDirectory, path));
}
