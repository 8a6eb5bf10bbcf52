using System.Globalization;
using LearningNavigator.Web.Api.Keys;
using LearningNavigator.Web.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace LearningNavigator.Web.Components.Pages.Account;

/// <summary>Personal API keys: create one (its secret is shown this once), see what exists, revoke.</summary>
public sealed partial class ApiKeysPage
{
    private IReadOnlyList<ApiKeyInfo> keys = [];
    private CurrentUser? user;
    private string name = string.Empty;
    private string? error;
    private string? status;
    private bool busy;
    private CreatedApiKey? created;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Inject]
    private ApiKeyStore Keys { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        user = CurrentUser.From((await AuthenticationState).User);
        await RefreshAsync();
    }

    private async Task CreateAsync()
    {
        error = null;
        var trimmed = name.Trim();
        if (user is null || busy)
        {
            return;
        }

        if (trimmed.Length == 0)
        {
            error = L["ApiKeys.NameRequired"];
            return;
        }

        if (trimmed.Length > ApiKeyStore.MaxNameLength)
        {
            error = string.Format(CultureInfo.CurrentCulture, L["ApiKeys.NameTooLong"], ApiKeyStore.MaxNameLength);
            return;
        }

        busy = true;
        try
        {
            created = await Keys.CreateAsync(user.Id, trimmed, CancellationToken.None);
            name = string.Empty;
            status = string.Format(CultureInfo.CurrentCulture, L["ApiKeys.CreatedStatus"], created.Key.Name);
            await RefreshAsync();
        }
        catch (InvalidOperationException)
        {
            error = string.Format(CultureInfo.CurrentCulture, L["ApiKeys.LimitReached"], ApiKeyStore.MaxActiveKeysPerUser);
        }
        finally
        {
            busy = false;
        }
    }

    private async Task RevokeAsync(ApiKeyInfo key)
    {
        if (user is null || !await Keys.RevokeAsync(user.Id, key.Id, CancellationToken.None))
        {
            return;
        }

        if (created?.Key.Id == key.Id)
        {
            created = null;
        }

        status = string.Format(CultureInfo.CurrentCulture, L["ApiKeys.Revoked"], key.Name);
        await RefreshAsync();
    }

    private async Task RefreshAsync()
    {
        if (user is not null)
        {
            keys = await Keys.ListAsync(user.Id, CancellationToken.None);
        }
    }

    private static string When(DateTimeOffset at) => at.ToLocalTime().ToString("g", CultureInfo.CurrentCulture);
}
