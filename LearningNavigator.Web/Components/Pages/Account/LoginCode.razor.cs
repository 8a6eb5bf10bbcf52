using LearningNavigator.Web.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;

namespace LearningNavigator.Web.Components.Pages.Account;

/// <summary>The second step of a local sign-in for people with an authenticator app: a code, or a recovery code.</summary>
public sealed partial class LoginCode
{
    private string? error;

    [Inject] private SignInManager<ApplicationUser> SignIn { get; set; } = default!;

    [Inject] private NavigationManager Navigation { get; set; } = default!;

    [SupplyParameterFromForm(FormName = "login-code")] private string? Code { get; set; }

    [SupplyParameterFromQuery] private string? ReturnUrl { get; set; }

    protected override async Task OnInitializedAsync()
    {
        // Only after a correct password: the two-factor cookie names the person waiting for this step.
        if (await SignIn.GetTwoFactorAuthenticationUserAsync() is null)
        {
            Navigation.NavigateTo($"account/login?returnUrl={Uri.EscapeDataString(ReturnUrls.Safe(ReturnUrl))}", forceLoad: true);
        }
    }

    private async Task SignInAsync()
    {
        var code = Code?.Trim() ?? string.Empty;
        var digits = new string(code.Where(c => !char.IsWhiteSpace(c) && c != '-').ToArray());
        var result = digits.Length is 6 && digits.All(char.IsAsciiDigit)
            ? await SignIn.TwoFactorAuthenticatorSignInAsync(digits, isPersistent: true, rememberClient: false)
            : await SignIn.TwoFactorRecoveryCodeSignInAsync(code);
        if (result.Succeeded)
        {
            Navigation.NavigateTo(ReturnUrls.Safe(ReturnUrl), forceLoad: true);
            return;
        }

        error = result.IsLockedOut ? L["Login.LockedOut"] : L["Mfa.WrongCode"];
    }
}
