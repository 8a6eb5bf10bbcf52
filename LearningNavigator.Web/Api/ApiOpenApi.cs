using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace LearningNavigator.Web.Api;

/// <summary>The OpenAPI document at /openapi/v1.json: the /api/v1 routes and their bearer security scheme.</summary>
public static class ApiOpenApi
{
    public const string SecuritySchemeId = "bearer";

    public static IServiceCollection AddNavigatorOpenApi(this IServiceCollection services) =>
        services.AddOpenApi("v1", options =>
        {
            // Pages, health and sign-in endpoints are not part of the integration contract.
            options.ShouldInclude = description => description.RelativePath?.StartsWith("api/v1/", StringComparison.Ordinal) == true;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Learning Navigator API",
                    Version = "v1",
                    Description = "Ask grounded questions and manage your conversations. Authenticate with a personal API key "
                        + "(create one at /account/api-keys) or an identity-provider token, sent as 'Authorization: Bearer <token>'. "
                        + "Errors are RFC 7807 problem details. Guide: docs/api.md.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[SecuritySchemeId] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "ln_ API key or JWT",
                    Description = "A personal API key (ln_…) or, where the app is configured with one, the identity provider's access token.",
                };
                document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecuritySchemeId, document)] = [] }];
                return Task.CompletedTask;
            });
        });
}
