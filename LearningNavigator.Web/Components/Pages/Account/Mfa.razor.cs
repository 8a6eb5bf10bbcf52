using LearningNavigator.Web.Auth;
using LearningNavigator.Web.Auth.Mfa;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Web.Components.Pages.Account;

public enum MfaState { Unavailable, Enrol, Confirm, RecoveryCodes, Enrolled }

/// <summary>
/// Enrols an authenticator app (shared key, otpauth URI and its QR code, then a code to prove it works, then
/// recovery codes), or confirms this session with a code when the person is enrolled already.
/// </summary>
public sealed partial class Mfa
{
    private MfaState state;
    private AuthenticatorKey? key;
    private IReadOnlyList<string> recoveryCodes = [];
    private string? error;

    [Inject] private UserManager<ApplicationUser> Users { get; set; } = default!;

    [Inject] private AuthenticatorSetup Setup { get; set; } = default!;

    [Inject] private IOptions<AuthOptions> Options { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private const string FormName = "mfa";

    private ApplicationUser? user;

    [SupplyParameterFromForm(FormName = FormName)] private string? Code { get; set; }

    [SupplyParameterFromQuery] private string? ReturnUrl { get; set; }

    private bool Required => Options.Value.RequireAdminMfa && (AuthenticationState.Result.User.IsInRole(AppRoles.Admin));

    private string Continue => ReturnUrls.Safe(ReturnUrl);

    protected override async Task OnInitializedAsync()
    {
        var principal = (await AuthenticationState).User;
        user = await Users.GetUserAsync(principal);
        if (user is null)
        {
            state = MfaState.Unavailable;
            return;
        }

        var enrolled = await Users.GetTwoFactorEnabledAsync(user);
        var confirmed = principal.HasClaim(AdminMfa.MethodClaim, AdminMfa.MfaMethod);
        state = !enrolled ? MfaState.Enrol : confirmed ? MfaState.Enrolled : MfaState.Confirm;
        if (state == MfaState.Enrol)
        {
            key = await Setup.GetKeyAsync(user);
        }
    }

    private async Task ConfirmAsync()
    {
        if (user is null || state is not (MfaState.Enrol or MfaState.Confirm))
        {
            return;
        }

        var codes = await Setup.ConfirmAsync(user, Code ?? string.Empty);
        if (codes is null)
        {
            error = L["Mfa.WrongCode"];
            return;
        }

        (state, recoveryCodes) = (codes.Count > 0 ? MfaState.RecoveryCodes : MfaState.Enrolled, codes);
    }
}
