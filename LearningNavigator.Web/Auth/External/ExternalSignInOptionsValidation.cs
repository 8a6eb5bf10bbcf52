using Microsoft.Extensions.Options;

namespace LearningNavigator.Web.Auth.External;

/// <summary>Fills the default role maps, then refuses a provider whose settings are missing, naming the key.</summary>
public sealed class ExternalSignInOptionsValidation : IPostConfigureOptions<ExternalSignInOptions>, IValidateOptions<ExternalSignInOptions>
{
    public void PostConfigure(string? name, ExternalSignInOptions options)
    {
        // Defaults only when nothing is configured, so a configured map replaces them instead of adding to them.
        if (options.Cognito.RoleMap.Count == 0)
        {
            options.Cognito.RoleMap = new(CognitoSettings.DefaultRoleMap, StringComparer.Ordinal);
        }

        if (options.EntraId.RoleMap.Count == 0)
        {
            options.EntraId.RoleMap = new(EntraIdSettings.DefaultRoleMap, StringComparer.Ordinal);
        }

        if (options.EntraId.RoleClaims.Count == 0)
        {
            options.EntraId.RoleClaims = [.. EntraIdSettings.DefaultRoleClaims];
        }
    }

    public ValidateOptionsResult Validate(string? name, ExternalSignInOptions options)
    {
        var errors = new List<string>();
        const string Section = ExternalSignInOptions.SectionName;
        switch (options.Provider)
        {
            case SignInProvider.Cognito:
                RequireUrl(errors, $"{Section}:Cognito:Authority", options.Cognito.Authority);
                Require(errors, $"{Section}:Cognito:ClientId", options.Cognito.ClientId);
                Require(errors, $"{Section}:Cognito:GroupClaim", options.Cognito.GroupClaim);
                CheckRoles(errors, $"{Section}:Cognito:RoleMap", options.Cognito.RoleMap);
                break;
            case SignInProvider.EntraId:
                RequireUrl(errors, $"{Section}:EntraId:Instance", options.EntraId.Instance);
                Require(errors, $"{Section}:EntraId:TenantId", options.EntraId.TenantId);
                Require(errors, $"{Section}:EntraId:ClientId", options.EntraId.ClientId);
                CheckRoles(errors, $"{Section}:EntraId:RoleMap", options.EntraId.RoleMap);
                break;
            case SignInProvider.Local:
                break;
            default:
                errors.Add($"{Section}:Provider must be Local, EntraId or Cognito.");
                break;
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Require(List<string> errors, string key, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add($"{key} is required when {ExternalSignInOptions.SectionName}:Provider names that provider.");
        }
    }

    private static void RequireUrl(List<string> errors, string key, string? value)
    {
        Require(errors, key, value);
        if (!string.IsNullOrWhiteSpace(value) && (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && !uri.IsLoopback)))
        {
            errors.Add($"{key} must be an absolute https URL (plain http only on loopback); got '{value}'.");
        }
    }

    private static void CheckRoles(List<string> errors, string key, Dictionary<string, string> map)
    {
        foreach (var (group, role) in map)
        {
            if (!AppRoles.IsKnown(role))
            {
                errors.Add($"{key}:{group} maps to '{role}', which is not a role; use {string.Join(", ", AppRoles.All)}.");
            }
        }
    }
}
