using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LearningNavigator.Chat;

public static class AnswerExtrasServiceCollectionExtensions
{
    /// <summary>Model routing, usage pricing and the response cache that the answer pipeline uses.</summary>
    public static IServiceCollection AddAnswerExtras(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ResponseCacheOptions>()
            .Bind(configuration.GetSection(ResponseCacheOptions.SectionName))
            .Validate(o => o.Ttl > TimeSpan.Zero, "Chat:ResponseCache:Ttl must be positive.")
            .ValidateOnStart();
        services.AddHybridCache();
        services.AddSingleton<ResponseCacheStatistics>();
        services.AddSingleton<ResponseCache>();
        services.AddSingleton<ModelRouter>();
        services.AddSingleton<UsageCosts>();
        return services;
    }
}
