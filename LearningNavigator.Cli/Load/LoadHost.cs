using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using LearningNavigator.Conversations;
using LearningNavigator.Web;
using LearningNavigator.Web.Api.Keys;
using LearningNavigator.Web.Auth;
using LearningNavigator.Web.Components;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LearningNavigator.Cli.Load;

/// <summary>
/// The real web app (its own Program, settings and middleware) on Kestrel, bound to a free loopback port, with
/// its data in a folder of its own. Settings given here win over appsettings.json.
/// </summary>
/// <remarks>
/// <see cref="App"/> names the web assembly: both the CLI and the web app have a top-level <c>Program</c>.
/// </remarks>
public sealed class LoadHost : WebApplicationFactory<App>
{
    public const string Password = "Load-Test-Password-1!";

    private readonly ConcurrentDictionary<int, string> apiKeys = new();
    private readonly string dataDirectory;
    private readonly IReadOnlyDictionary<string, string?> settings;

    public LoadHost(string dataDirectory, IReadOnlyDictionary<string, string?> settings)
    {
        this.dataDirectory = dataDirectory;
        this.settings = settings;
        UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
    }

    public Uri BaseAddress { get; private set; } = default!;

    public Uri Start()
    {
        StartServer();
        BaseAddress = new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return BaseAddress;
    }

    /// <summary>Creates (or resets) the accounts load-1@example.org … load-N@example.org with their profiles.</summary>
    public async Task<IReadOnlyList<string>> CreateAccountsAsync(int count, CancellationToken cancellationToken)
    {
        var emails = new List<string>(count);
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var profiles = scope.ServiceProvider.GetRequiredService<IConversationStore>();
        for (var i = 1; i <= count; i++)
        {
            var email = $"load-{i}@example.org";
            var user = await users.FindByEmailAsync(email);
            if (user is null)
            {
                user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = $"Load user {i}" };
                Check(await users.CreateAsync(user, Password), email);
                Check(await users.AddClaimAsync(user, new Claim(ClaimTypes.Role, AppRoles.Instructor)), email);
            }

            await profiles.UpsertUserAsync(
                new UserProfile { Id = user.Id, Email = email, DisplayName = user.DisplayName ?? email, Role = AppRoles.Instructor },
                cancellationToken);
            emails.Add(email);
        }

        return emails;
    }

    /// <summary>A fresh personal API key for load account <paramref name="index"/> (created by <see cref="CreateAccountsAsync"/>).</summary>
    /// <remarks>One key per account for the host's life: the steps reuse it, and a kept data folder never piles up keys past the limit.</remarks>
    public async Task<string> CreateApiKeyAsync(int index, CancellationToken cancellationToken)
    {
        if (apiKeys.TryGetValue(index, out var known))
        {
            return known;
        }

        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByEmailAsync($"load-{index}@example.org")
            ?? throw new InvalidOperationException($"Load account {index} does not exist; create the accounts first.");
        var store = Services.GetRequiredService<ApiKeyStore>();
        foreach (var stale in await store.ListAsync(user.Id, cancellationToken))
        {
            await store.RevokeAsync(user.Id, stale.Id, cancellationToken);
        }

        var created = await store.CreateAsync(user.Id, "load test", cancellationToken);
        return apiKeys.GetOrAdd(index, created.Secret);
    }

    /// <summary>
    /// What the app under load needs on top of its own settings, in-process or as a <see cref="ServerProcess"/>:
    /// its data in <paramref name="dataDirectory"/>, and the limits made for people lifted.
    /// </summary>
    public static Dictionary<string, string?> SettingsFor(string dataDirectory) => new(StringComparer.OrdinalIgnoreCase)
    {
        ["Accounts:DatabasePath"] = Path.Combine(dataDirectory, "accounts.db"),
        ["Storage:Sqlite:DatabasePath"] = Path.Combine(dataDirectory, "navigator.db"),
        ["Retrieval:Local:IndexPath"] = Path.Combine(dataDirectory, "index"),
        ["Library:StoragePath"] = Path.Combine(dataDirectory, "library"),
        ["DataProtection:KeysPath"] = Path.Combine(dataDirectory, "keys"),
        // Plain HTTP on loopback; every simulated user asks back to back, so the per-user and per-address
        // limits (made for people) would turn the load away. The model-slot cap is set by the command.
        ["Security:SecureCookies"] = "false",
        ["RateLimiting:Questions:PermitLimit"] = "100000",
        ["RateLimiting:PerIp:PermitLimit"] = "1000000",
        ["Auth:RequireAdminMfa"] = "false",
        // Each question is new work: a cached answer would replay in one piece and hide the streaming cost.
        ["Chat:ResponseCache:Enabled"] = "false",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Load");
        // Outside Development the app expects published assets; here it runs from the build output.
        builder.UseStaticWebAssets();
        // appsettings.json asks for Information by default, which would fill the tool's console.
        builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" }));
        builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(SettingsFor(dataDirectory)));
        builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(settings));
        // The banner tells a person where to open the app; this tool prints its own address.
        builder.ConfigureServices(services =>
        {
            foreach (var banner in services.Where(d => !d.IsKeyedService && d.ImplementationType == typeof(StartupBanner)).ToList())
            {
                services.Remove(banner);
            }
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            SqliteConnection.ClearAllPools();
        }
    }

    private static void Check(IdentityResult result, string email)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Could not create load account {email}: {string.Join("; ", result.Errors.Select(e => e.Description))}");
        }
    }
}
