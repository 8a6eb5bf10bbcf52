using LearningNavigator.Aws;
using Amazon.DynamoDBv2;
using LearningNavigator.Conversations.DynamoDb;
using LearningNavigator.Conversations.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Conversations;

public static class ConversationsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the storage options and the <see cref="IConversationStore"/> chosen by <c>Storage:Provider</c>.
    /// </summary>
    public static IServiceCollection AddConversationStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());

        services.AddOptions<SqliteStorageOptions>()
            .Bind(configuration.GetSection(SqliteStorageOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddOptions<AwsOptions>().Bind(configuration.GetSection(AwsOptions.SectionName));
        services.AddOptions<DynamoDbStorageOptions>()
            .Bind(configuration.GetSection(DynamoDbStorageOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DynamoDbStorageOptions>, DynamoDbOptionsValidator>());
        // Built on first use only, so the embedded default never looks for AWS credentials.
        services.TryAddSingleton<IAmazonDynamoDB>(sp => DynamoDbClientFactory.Create(
            sp.GetRequiredService<IOptions<AwsOptions>>().Value, sp.GetRequiredService<IOptions<DynamoDbStorageOptions>>().Value));
        services.TryAddSingleton<DynamoDbTable>();
        services.TryAddSingleton<DynamoDbConversationStore>();

        services.TryAddSingleton<SqliteConversationStore>();
        services.TryAddSingleton<FeedbackRecorder>();
        // Chosen from the options rather than raw configuration so the choice sees the same validated value
        // as the rest of the app; an unsupported provider fails here with the validator's message.
        services.TryAddSingleton<IConversationStore>(sp =>
        {
            var provider = sp.GetRequiredService<IOptions<StorageOptions>>().Value.Provider;
            if (string.Equals(provider, StorageOptions.DynamoDb, StringComparison.OrdinalIgnoreCase))
            {
                // Validated here too, not only at host start, so the CLI fails on a bad key before any request.
                _ = sp.GetRequiredService<IOptions<DynamoDbStorageOptions>>().Value;
                return sp.GetRequiredService<DynamoDbConversationStore>();
            }

            return string.Equals(provider, StorageOptions.Sqlite, StringComparison.OrdinalIgnoreCase)
                ? sp.GetRequiredService<SqliteConversationStore>()
                : throw new InvalidOperationException(StorageOptions.UnsupportedProviderMessage(provider));
        });
        // Both stores keep the aggregates next to the rows they count.
        services.TryAddSingleton<IUsageStore>(sp => (IUsageStore)sp.GetRequiredService<IConversationStore>());

        return services;
    }
}
