using Amazon.CDK;
using Amazon.CDK.AWS.Cognito;
using Constructs;

namespace LearningNavigator.Infrastructure;

/// <summary>Cognito sign-in: invited users only, MFA required, one group per app role.</summary>
public sealed class Identity : Construct
{
    /// <summary>Group names the app maps to its roles (the "cognito:groups" claim).</summary>
    public static readonly IReadOnlyList<string> Groups = ["instructors", "staff", "admins"];

    public Identity(Construct scope, string id, DeploymentSettings settings, string publicBaseUrl) : base(scope, id)
    {
        UserPool = new UserPool(this, "Users", new UserPoolProps
        {
            SelfSignUpEnabled = false,
            SignInAliases = new SignInAliases { Email = true },
            AutoVerify = new AutoVerifiedAttrs { Email = true },
            Mfa = Mfa.REQUIRED,
            MfaSecondFactor = new MfaSecondFactor { Otp = true, Sms = false },
            PasswordPolicy = new PasswordPolicy
            {
                MinLength = 12,
                RequireDigits = true,
                RequireLowercase = true,
                RequireUppercase = true,
                RequireSymbols = true,
                TempPasswordValidity = Duration.Days(3),
            },
            AccountRecovery = AccountRecovery.EMAIL_ONLY,
            DeletionProtection = true,
            RemovalPolicy = RemovalPolicy.RETAIN,
        });

        for (var i = 0; i < Groups.Count; i++)
        {
            _ = new CfnUserPoolGroup(this, $"Group{i}", new CfnUserPoolGroupProps
            {
                UserPoolId = UserPool.UserPoolId,
                GroupName = Groups[i],
                Precedence = Groups.Count - i,
                Description = $"Learning Navigator {Groups[i]}",
            });
        }

        Domain = UserPool.AddDomain("Domain", new UserPoolDomainOptions
        {
            CognitoDomain = new CognitoDomainOptions { DomainPrefix = settings.CognitoDomainPrefix },
        });

        Client = UserPool.AddClient("WebApp", new UserPoolClientOptions
        {
            GenerateSecret = true,
            PreventUserExistenceErrors = true,
            OAuth = new OAuthSettings
            {
                Flows = new OAuthFlows { AuthorizationCodeGrant = true },
                Scopes = [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
                CallbackUrls = [$"{publicBaseUrl}/signin-oidc"],
                LogoutUrls = [$"{publicBaseUrl}/signout-callback-oidc"],
            },
            SupportedIdentityProviders = [UserPoolClientIdentityProvider.COGNITO],
            AccessTokenValidity = Duration.Hours(1),
            IdTokenValidity = Duration.Hours(1),
            RefreshTokenValidity = Duration.Days(1),
        });
    }

    public UserPool UserPool { get; }

    public UserPoolDomain Domain { get; }

    public UserPoolClient Client { get; }
}
