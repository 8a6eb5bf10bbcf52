using LearningNavigator;
using LearningNavigator.Configuration;
using LearningNavigator.Web;
using LearningNavigator.Web.Api;
using LearningNavigator.Web.Auth;
using LearningNavigator.Web.Auth.External;
using LearningNavigator.Web.Components;
using LearningNavigator.Web.Components.Pages.Admin.Analytics;
using LearningNavigator.Web.Observability;
using LearningNavigator.Web.Resources;
using LearningNavigator.Web.Security;

if (HealthProbe.IsRequested(args))
{
    return await HealthProbe.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddLearningNavigatorEnvironment();

builder.Services.AddLearningNavigator(builder.Configuration, builder.Environment.ContentRootPath);
builder.Services.AddLearningNavigatorWeb();
builder.Services.AddLocalAccounts(builder.Configuration, builder.Environment.ContentRootPath);
builder.Services.AddExternalSignIn(builder.Configuration);
builder.Services.AddNavigatorObservability(builder.Configuration);
builder.Services.AddNavigatorSecurity(builder.Configuration, builder.Environment);
builder.Services.AddNavigatorApi();

var app = builder.Build();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/error", createScopeForErrors: true);
    app.UseHsts();
}

app.UseNavigatorSecurity();
app.UseAuthentication();
app.UseAuthorization();
// After authentication: a token issued to a signed-in person is checked against that person.
app.UseAntiforgery();
app.UseNavigatorLocalization();

app.MapNavigatorObservability();
app.MapStaticAssets();
app.MapLocalAccountEndpoints();
app.MapNavigatorApi();
app.MapExternalSignInEndpoints();
app.MapAnalyticsExport();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Run();
return 0;

/// <summary>Entry point type, public so integration tests can host the app.</summary>
public partial class Program;
