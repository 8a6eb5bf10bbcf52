using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Analytics;

public static class AnalyticsServiceCollectionExtensions
{
    /// <summary>The dashboard's query service and its options. Escalation counts come from whichever
    /// <see cref="Escalations.IEscalationStatistics"/> the host registers; without one the card reads "unknown".</summary>
    public static IServiceCollection AddAnalytics(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AnalyticsOptions>()
            .Bind(configuration.GetSection(AnalyticsOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AnalyticsOptions>, AnalyticsOptionsValidator>());
        services.TryAddSingleton<AnalyticsService>();
        return services;
    }
}
