using LearningNavigator.Tests.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LearningNavigator.Tests.Integration;

/// <summary>
/// The real app on the embedded default, with its data in a temp folder. The sample library is the one
/// the app ships. <paramref name="dataDirectory"/> lets two hosts share data (a restart).
/// </summary>
public class NavigatorAppFactory(string? dataDirectory = null, TimeSpan? wordDelay = null) : WebApplicationFactory<Program>
{
    public const string Password = "Test-Password-123!";

    private readonly TempDirectory? ownedData = dataDirectory is null ? new TempDirectory("ln-app") : null;

    public string DataDirectory => dataDirectory ?? ownedData!.Path;

    /// <summary>Settings applied after the defaults above, for tests that need the production value back.</summary>
    public Dictionary<string, string?> ExtraSettings { get; } = [];

    /// <summary>Service replacements applied after the app's own registrations (fault switches for browser tests).</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // Outside Development the app expects published assets; tests run from the build output instead.
        builder.UseStaticWebAssets();
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Demo:Password"] = Password,
            ["Accounts:DatabasePath"] = Path.Combine(DataDirectory, "accounts.db"),
            ["Storage:Sqlite:DatabasePath"] = Path.Combine(DataDirectory, "navigator.db"),
            ["Retrieval:Local:IndexPath"] = Path.Combine(DataDirectory, "index"),
            ["Library:StoragePath"] = Path.Combine(DataDirectory, "library"),
            ["Generation:Extractive:WordDelay"] = (wordDelay ?? TimeSpan.Zero).ToString("c"),
            // Tests reach the app over plain HTTP on loopback, ask many questions as one user and sign the admin
            // in with a password only; the Security tests turn each of these back on where they test it.
            ["Security:SecureCookies"] = "false",
            ["RateLimiting:Questions:PermitLimit"] = "10000",
            ["Auth:RequireAdminMfa"] = "false",
        }));
        builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(ExtraSettings));
        if (TestServices is not null)
        {
            builder.ConfigureTestServices(TestServices);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            SqliteConnection.ClearAllPools();
            ownedData?.Dispose();
        }
    }
}
