using LearningNavigator;
using LearningNavigator.Configuration;
using LearningNavigator.Web;
using LearningNavigator.Web.Auth;
using LearningNavigator.Web.Components;
using LearningNavigator.Web.Resources;

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddLearningNavigatorEnvironment();

builder.Services.AddLearningNavigator(builder.Configuration, builder.Environment.ContentRootPath);
builder.Services.AddLearningNavigatorWeb();
builder.Services.AddLocalAccounts(builder.Configuration, builder.Environment.ContentRootPath);

var app = builder.Build();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/error", createScopeForErrors: true);
    app.UseHsts();
}

app.UseAntiforgery();
app.UseAuthentication();
app.UseAuthorization();
app.UseNavigatorLocalization();

app.MapStaticAssets();
app.MapLocalAccountEndpoints();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Run();

/// <summary>Entry point type, public so integration tests can host the app.</summary>
public partial class Program;
