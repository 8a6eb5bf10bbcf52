using System.Security.Claims;
using LearningNavigator.Conversations;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Web.Auth;

/// <summary>
/// Creates the accounts database and the three demo users on start. Existing users keep their data;
/// their password is reset to the configured one so the printed credentials always work.
/// </summary>
public sealed partial class DemoAccountSeeder(
    IServiceScopeFactory scopes,
    IConversationStore conversations,
    IOptions<DemoAccountsOptions> options,
    ILogger<DemoAccountSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
        var directory = Path.GetDirectoryName(db.Database.GetDbConnection().DataSource);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        await db.Database.EnsureCreatedAsync(cancellationToken);
        if (!options.Value.SeedAccounts)
        {
            return;
        }

        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        foreach (var account in DemoAccountsOptions.Accounts)
        {
            var user = await users.FindByEmailAsync(account.Email);
            if (user is null)
            {
                user = new ApplicationUser { UserName = account.Email, Email = account.Email, EmailConfirmed = true, DisplayName = account.DisplayName };
                Check(await users.CreateAsync(user, options.Value.Password), account.Email);
                Check(await users.AddClaimAsync(user, new Claim(ClaimTypes.Role, account.Role)), account.Email);
            }
            else if (!await users.CheckPasswordAsync(user, options.Value.Password))
            {
                var token = await users.GeneratePasswordResetTokenAsync(user);
                Check(await users.ResetPasswordAsync(user, token, options.Value.Password), account.Email);
            }

            // A restart must not forget the language the person chose.
            var existing = await conversations.GetUserAsync(user.Id, cancellationToken);
            await conversations.UpsertUserAsync(
                new UserProfile
                {
                    Id = user.Id,
                    Email = account.Email,
                    DisplayName = account.DisplayName,
                    Role = account.Role,
                    PreferredLanguage = existing?.PreferredLanguage ?? "en",
                },
                cancellationToken);
        }

        Log.Seeded(logger, DemoAccountsOptions.Accounts.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static void Check(IdentityResult result, string email)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(
                $"Could not seed demo account {email}: {string.Join("; ", result.Errors.Select(e => e.Description))} (check Demo:Password).");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Debug, Message = "Seeded {Count} demo accounts")]
        public static partial void Seeded(ILogger logger, int count);
    }
}
