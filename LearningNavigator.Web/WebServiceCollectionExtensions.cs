using LearningNavigator.Web.Resources;
using MudBlazor.Services;

namespace LearningNavigator.Web;

public static class WebServiceCollectionExtensions
{
    /// <summary>The web layer over the domain: Razor components, MudBlazor and start-up reporting.</summary>
    public static IServiceCollection AddLearningNavigatorWeb(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddNavigatorLocalization();
        services.AddHostedService<StartupBanner>();
        return services;
    }
}
