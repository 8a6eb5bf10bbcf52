using LearningNavigator.Web.Auth;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Web;

/// <summary>Tells the person who just ran the app where it is and how to sign in.</summary>
public sealed class StartupBanner(
    IHostApplicationLifetime lifetime,
    IServer server,
    IOptions<DemoAccountsOptions> demo,
    IOptions<LearningNavigator.Web.Auth.Mfa.AuthOptions> auth,
    LibraryStartup library) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        lifetime.ApplicationStarted.Register(Print);
        return Task.CompletedTask;
    }

    private void Print()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var report = library.LastReport;
        var lines = new List<string>
        {
            string.Empty,
            "  Learning Navigator is running (embedded default: local index, SQLite, offline answerer).",
        };
        lines.AddRange(addresses.Select(a => $"  Open:  {a}"));
        if (report is not null)
        {
            lines.Add($"  Library: {report.Indexed.Count} documents indexed, {report.Skipped.Count} unchanged, {report.Failed.Count} failed.");
        }

        if (demo.Value.SeedAccounts)
        {
            lines.Add("  Demo accounts (password from Demo:Password):");
            lines.AddRange(DemoAccountsOptions.Accounts.Select(a => $"    {a.Role,-10} {a.Email,-24} {demo.Value.Password}"));
            if (auth.Value.RequireAdminMfa)
            {
                lines.Add("    The admin sets up an authenticator app (TOTP) at the first admin page (Auth:RequireAdminMfa).");
            }
        }

        lines.Add(string.Empty);
        Console.WriteLine(string.Join(Environment.NewLine, lines));
    }
}
