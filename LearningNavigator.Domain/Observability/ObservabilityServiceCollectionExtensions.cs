using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LearningNavigator.Observability;

public static class ObservabilityServiceCollectionExtensions
{
    /// <summary>The product's instruments. Hosts with metrics (the web app) hand in their meter factory.</summary>
    public static IServiceCollection AddNavigatorTelemetry(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new NavigatorMetrics(sp.GetService<IMeterFactory>()));
        return services;
    }
}
