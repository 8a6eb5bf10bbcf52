using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Identity;
using QRCoder;

namespace LearningNavigator.Web.Auth.Mfa;

/// <summary>What a person needs to add the account to an authenticator app.</summary>
public sealed record AuthenticatorKey(string SharedKey, string FormattedKey, string OtpAuthUri, string QrCodeDataUri);

/// <summary>Enrolment and confirmation of an authenticator app (TOTP) on top of ASP.NET Core Identity's token providers.</summary>
public sealed class AuthenticatorSetup(UserManager<ApplicationUser> users, SignInManager<ApplicationUser> signIn)
{
    public const string Issuer = "Learning Navigator";
    public const int RecoveryCodeCount = 10;

    public async Task<AuthenticatorKey> GetKeyAsync(ApplicationUser user)
    {
        var key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            await users.ResetAuthenticatorKeyAsync(user);
            key = (await users.GetAuthenticatorKeyAsync(user))!;
        }

        var account = await users.GetEmailAsync(user) ?? user.UserName ?? user.Id;
        var uri = $"otpauth://totp/{Uri.EscapeDataString(Issuer)}:{Uri.EscapeDataString(account)}?secret={key}&issuer={Uri.EscapeDataString(Issuer)}&digits=6";
        return new AuthenticatorKey(key, Format(key), uri, QrCode(uri));
    }

    /// <summary>
    /// Checks a code from the app (or, once enrolled, a recovery code) and marks this session as confirmed.
    /// Returns the new recovery codes when this confirmed the first enrolment, an empty list when the person
    /// was already enrolled, and null when the code was wrong (nothing changes then).
    /// </summary>
    public async Task<IReadOnlyList<string>?> ConfirmAsync(ApplicationUser user, string code)
    {
        var normalized = new string(code.Where(c => !char.IsWhiteSpace(c) && c != '-').ToArray());
        var enrolled = await users.GetTwoFactorEnabledAsync(user);
        var valid = normalized.Length > 0 && await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, normalized);
        if (!valid && enrolled)
        {
            // A recovery code keeps its dashes; Identity stores it as issued.
            valid = (await users.RedeemTwoFactorRecoveryCodeAsync(user, code.Trim())).Succeeded;
        }

        if (!valid)
        {
            return null;
        }

        IReadOnlyList<string> recoveryCodes = [];
        if (!enrolled)
        {
            await users.SetTwoFactorEnabledAsync(user, true);
            recoveryCodes = [.. await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount) ?? []];
        }

        await signIn.SignInWithClaimsAsync(user, isPersistent: true, [new Claim(AdminMfa.MethodClaim, AdminMfa.MfaMethod)]);
        return recoveryCodes;
    }

    private static string Format(string key)
    {
        var text = new StringBuilder();
        for (var i = 0; i < key.Length; i += 4)
        {
            text.Append(key.AsSpan(i, Math.Min(4, key.Length - i))).Append(' ');
        }

        return text.ToString().TrimEnd().ToLowerInvariant();
    }

    private static string QrCode(string uri)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.Q);
        var svg = new SvgQRCode(data).GetGraphic(5);
        return "data:image/svg+xml;base64," + Convert.ToBase64String(Encoding.UTF8.GetBytes(svg));
    }
}
