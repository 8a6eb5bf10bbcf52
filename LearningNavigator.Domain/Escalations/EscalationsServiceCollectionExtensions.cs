using LearningNavigator.Conversations;
using LearningNavigator.Escalations.DynamoDb;
using LearningNavigator.Escalations.Notifications;
using LearningNavigator.Escalations.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Escalations;

public static class EscalationsServiceCollectionExtensions
{
    /// <summary>
    /// The escalation store (in the same storage as conversations, by <c>Storage:Provider</c>), the service, the
    /// publisher and the notifiers; e-mail and Zendesk stay off until configured.
    /// </summary>
    public static IServiceCollection AddEscalations(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton<SqliteEscalationStore>();
        services.TryAddSingleton<DynamoDbEscalationStore>();
        services.TryAddSingleton<IEscalationStore>(sp =>
            string.Equals(sp.GetRequiredService<IOptions<StorageOptions>>().Value.Provider, StorageOptions.DynamoDb, StringComparison.OrdinalIgnoreCase)
                ? sp.GetRequiredService<DynamoDbEscalationStore>()
                : sp.GetRequiredService<SqliteEscalationStore>());
        services.TryAddSingleton<IEscalationStatistics>(sp => sp.GetRequiredService<IEscalationStore>());

        services.AddOptions<SmtpOptions>().Bind(configuration.GetSection(SmtpOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SmtpOptions>, SmtpOptionsValidator>());
        services.AddOptions<ZendeskOptions>().Bind(configuration.GetSection(ZendeskOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ZendeskOptions>, ZendeskOptionsValidator>());
        services.AddHttpClient<ZendeskEscalationNotifier>(client => client.Timeout = TimeSpan.FromSeconds(30));
        services.AddSingleton<IEscalationNotifier, SmtpEscalationNotifier>();
        services.AddSingleton<IEscalationNotifier>(sp => sp.GetRequiredService<ZendeskEscalationNotifier>());

        services.TryAddSingleton<EscalationService>();
        services.TryAddSingleton<EscalationPublisher>();
        return services;
    }
}
