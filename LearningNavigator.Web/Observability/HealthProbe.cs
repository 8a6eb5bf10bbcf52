namespace LearningNavigator.Web.Observability;

/// <summary>
/// <c>dotnet LearningNavigator.Web.dll --healthcheck [url]</c>: the container's HEALTHCHECK. The runtime image
/// has neither curl nor wget, and the app itself is a smaller thing to trust than a shell tool added for this.
/// </summary>
public static class HealthProbe
{
    public const string Switch = "--healthcheck";
    public const string DefaultUrl = "http://127.0.0.1:8080" + ObservabilityEndpoints.LivePath;

    public static bool IsRequested(string[] args) => args.Length > 0 && args[0] == Switch;

    /// <returns>0 when the endpoint answers 2xx, 1 otherwise (Docker's healthy/unhealthy).</returns>
    public static async Task<int> RunAsync(string[] args, TimeSpan? timeout = null)
    {
        var url = args.Length > 1 ? args[1] : DefaultUrl;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            await Console.Error.WriteLineAsync($"{Switch}: '{url}' is not an absolute URL.");
            return 1;
        }

        using var client = new HttpClient { Timeout = timeout ?? TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await client.GetAsync(uri);
            await Console.Out.WriteLineAsync($"{(int)response.StatusCode} {uri}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"{uri}: {ex.Message}");
            return 1;
        }
    }
}
