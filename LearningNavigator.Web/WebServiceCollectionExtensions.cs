using LearningNavigator.Web.Components.Pages.Chat;
using LearningNavigator.Web.Resources;
using Microsoft.AspNetCore.Components.Server.Circuits;
using MudBlazor.Services;

namespace LearningNavigator.Web;

public static class WebServiceCollectionExtensions
{
    /// <summary>The web layer over the domain: Razor components, MudBlazor and start-up reporting.</summary>
    public static IServiceCollection AddLearningNavigatorWeb(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddScoped<CircuitHandler, CircuitInboundClock>();
        services.AddMudServices();
        services.AddNavigatorLocalization();
        services.AddHostedService<StartupBanner>();
        return services;
    }
}
