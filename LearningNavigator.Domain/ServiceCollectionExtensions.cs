using LearningNavigator.Analytics;
using LearningNavigator.Chat;
using LearningNavigator.Configuration;
using LearningNavigator.Conversations;
using LearningNavigator.Conversations.Sqlite;
using LearningNavigator.Documents;
using LearningNavigator.Escalations;
using LearningNavigator.Generation;
using LearningNavigator.Knowledge.Bedrock;
using LearningNavigator.Knowledge.Local;
using LearningNavigator.Observability;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LearningNavigator;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// The one place that wires the product. Which implementations run (embedded or AWS) is decided by
    /// configuration alone; every options class is validated at start so a wrong key fails loudly.
    /// </summary>
    public static IServiceCollection AddLearningNavigator(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddUserTextRedaction();
        services.AddConversationStore(configuration);
        services.AddDocumentIngestion(configuration);
        services.AddLocalKnowledgeIndex(configuration);
        services.AddLocalDocumentLibrary();
        services.AddGeneration(configuration);
        services.AddEscalations(configuration);

        services.AddOptions<ChatPipelineOptions>()
            .Bind(configuration.GetSection(ChatPipelineOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<QuestionRateLimitOptions>()
            .Bind(configuration.GetSection(QuestionRateLimitOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IQuestionRateLimiter, QuestionRateLimiter>();
        services.AddOptions<AnswerConfidenceOptions>()
            .Bind(configuration.GetSection(AnswerConfidenceOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<AnswerPipeline>();
        services.AddNavigatorTelemetry();
        services.AddAnswerExtras(configuration);
        services.TryAddSingleton<ISafetyEventCounter, SafetyEventCounter>();
        services.AddSingleton<Guardrails>();
        services.AddAnalytics(configuration);

        services.PostConfigure<SqliteStorageOptions>(o => o.DatabasePath = DataPaths.Resolve(contentRoot, o.DatabasePath));
        services.PostConfigure<LocalIndexOptions>(o => o.IndexPath = DataPaths.Resolve(contentRoot, o.IndexPath));
        services.PostConfigure<LibraryOptions>(o => o.Path = DataPaths.Resolve(contentRoot, o.Path));
        services.PostConfigure<LibraryOptions>(o => o.StoragePath = DataPaths.Resolve(contentRoot, o.StoragePath));

        services.AddSingleton<LibraryStartup>();
        services.AddHostedService(provider => provider.GetRequiredService<LibraryStartup>());

        // Last: it wraps the local retriever and document library and picks by Retrieval:Provider.
        services.AddBedrockKnowledgeBase(configuration);
        return services;
    }
}
