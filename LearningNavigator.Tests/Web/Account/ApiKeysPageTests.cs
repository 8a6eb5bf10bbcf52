using System.Globalization;
using System.Security.Claims;
using Bunit;
using LearningNavigator.Tests.TestSupport;
using LearningNavigator.Web.Api.Keys;
using LearningNavigator.Web.Auth;
using LearningNavigator.Web.Components.Pages.Account;
using Microsoft.AspNetCore.Components;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Tests.Web.Account;

/// <summary>The API keys page over a real key store in a temp SQLite file.</summary>
public sealed class ApiKeysPageTests : ComponentTestContext, IAsyncLifetime
{
    private const string UserId = "user-1";
    private readonly TempDirectory data = new("ln-keys");
    private readonly CultureInfo originalCulture = CultureInfo.CurrentCulture;
    private readonly CultureInfo originalUiCulture = CultureInfo.CurrentUICulture;
    private readonly ApiKeyStore store;

    public ApiKeysPageTests()
    {
        store = new ApiKeyStore(Options.Create(new AccountsOptions { DatabasePath = data.Combine("accounts.db") }), TimeProvider.System);
        Services.AddSingleton(store);
        var auth = AddAuthorization();
        auth.SetAuthorized("instructor@example.org");
        auth.SetRoles(AppRoles.Instructor);
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, UserId));
        // The page waits for the circuit before it accepts a submit; here it is interactive from the start.
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    [Theory]
    [InlineData("en", "Create key", "shown only this once")]
    [InlineData("es", "Crear clave", "solo se muestra esta vez")]
    public async Task Creating_a_key_shows_the_secret_once_and_stores_only_its_hash(string language, string createLabel, string shownOnce)
    {
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(language);
        var page = Render<ApiKeysPage>();
        Assert.Equal(createLabel, page.Find("[data-testid=api-key-create]").TextContent);
        Assert.NotNull(page.Find("[data-testid=api-keys-empty]"));

        page.Find("[data-testid=api-key-name]").Change("LMS");
        await page.Find("[data-testid=api-key-form]").SubmitAsync();

        var secret = page.Find("[data-testid=api-key-secret]").GetAttribute("value")!;
        Assert.StartsWith(ApiKeyStore.KeyPrefix, secret, StringComparison.Ordinal);
        Assert.Contains(shownOnce, page.Find("[data-testid=api-key-created]").TextContent, StringComparison.Ordinal);
        var row = Assert.Single(page.FindAll("[data-testid=api-key-row]"));
        Assert.Contains("LMS", row.TextContent, StringComparison.Ordinal);
        Assert.Contains(secret[..11], row.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, row.TextContent, StringComparison.Ordinal);
        Assert.Equal(UserId, (await store.FindOwnerAsync(secret, CancellationToken.None))!.UserId);
        Assert.Equal([ApiKeyStore.Hash(secret)], await ColumnAsync("Hash"));
        Assert.DoesNotContain(secret, await ColumnAsync("Prefix || Name || Hash"));

        // Opening the page again lists the key but can no longer show it.
        var reopened = Render<ApiKeysPage>();
        Assert.Empty(reopened.FindAll("[data-testid=api-key-secret]"));
        Assert.Single(reopened.FindAll("[data-testid=api-key-row]"));
    }

    [Theory]
    [InlineData("en", "Revoke key “LMS”", "Give the key a name")]
    [InlineData("es", "Revocar la clave «LMS»", "Ponle un nombre")]
    public async Task A_blank_name_is_refused_and_revoking_stops_the_key_working(string language, string revokeLabel, string nameRequired)
    {
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(language);
        var page = Render<ApiKeysPage>();
        page.Find("[data-testid=api-key-name]").Change("   ");
        await page.Find("[data-testid=api-key-form]").SubmitAsync();
        Assert.Contains(nameRequired, page.Find("[data-testid=api-key-error]").TextContent, StringComparison.Ordinal);
        Assert.Empty(await store.ListAsync(UserId, CancellationToken.None));

        page.Find("[data-testid=api-key-name]").Change("LMS");
        await page.Find("[data-testid=api-key-form]").SubmitAsync();
        var secret = page.Find("[data-testid=api-key-secret]").GetAttribute("value")!;
        var revoke = page.Find("[data-testid=api-key-revoke]");
        Assert.Equal(revokeLabel, revoke.GetAttribute("aria-label"));
        await revoke.ClickAsync();

        Assert.Empty(page.FindAll("[data-testid=api-key-row]"));
        Assert.Empty(page.FindAll("[data-testid=api-key-secret]"));
        Assert.Null(await store.FindOwnerAsync(secret, CancellationToken.None));
    }

    private async Task<List<string>> ColumnAsync(string expression)
    {
        await using var connection = new SqliteConnection($"Data Source={data.Combine("accounts.db")}");
        await connection.OpenAsync();
        var command = connection.CreateCommand();
        command.CommandText = $"SELECT {expression} FROM ApiKeys";
        var values = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        CultureInfo.CurrentCulture = originalCulture;
        CultureInfo.CurrentUICulture = originalUiCulture;
        await DisposeAsync();
        store.Dispose();
        SqliteConnection.ClearAllPools();
        data.Dispose();
    }
}
