using LearningNavigator.Chat;
using LearningNavigator.Conversations;
using LearningNavigator.Conversations.Sqlite;
using LearningNavigator.Generation;
using LearningNavigator.Knowledge;
using LearningNavigator.Tests.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Tests.Faults;

/// <summary>
/// The domain as the app wires it (SQLite store, answer pipeline, rate limiter, guardrails) with the faults
/// switched in by the test host: the store behind <see cref="FaultyConversationStore"/> and the paced fake model
/// behind <see cref="BreakingChatClient"/>. Retrieval returns one fixed passage so no index is built.
/// </summary>
public sealed class FaultHost : IDisposable
{
    private readonly TempDirectory data = new("ln-faults");
    private readonly ServiceProvider services;

    public FaultHost()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Sqlite:DatabasePath"] = data.Combine("navigator.db"),
            ["Retrieval:Local:IndexPath"] = data.Combine("index"),
            ["Library:StoragePath"] = data.Combine("library"),
            ["RateLimiting:Questions:PermitLimit"] = "100000",
            ["RateLimiting:Questions:ConcurrentModelCalls"] = "100",
            ["RateLimiting:Questions:QueueLimit"] = "1000",
            ["Chat:ResponseCache:Enabled"] = "false",
        }).Build();
        var collection = new ServiceCollection();
        collection.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        collection.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        collection.AddLearningNavigator(configuration, data.Path);
        collection.AddSingleton<IKnowledgeRetriever>(new FixedRetriever());
        collection.AddSingleton<IConversationStore>(sp => new FaultyConversationStore(sp.GetRequiredService<SqliteConversationStore>()));
        collection.AddSingleton<IChatClient>(new BreakingChatClient(
            new PacedChatClient(Options.Create(new PacedOptions { TokenDelay = TimeSpan.FromMilliseconds(2), Tokens = 20 }))));
        services = collection.BuildServiceProvider();
    }

    public AnswerPipeline Pipeline => services.GetRequiredService<AnswerPipeline>();

    public FaultyConversationStore Store => (FaultyConversationStore)services.GetRequiredService<IConversationStore>();

    public BreakingChatClient Model => (BreakingChatClient)services.GetRequiredService<IChatClient>();

    public Task InitializeAsync() => services.GetRequiredService<SqliteConversationStore>().InitializeAsync(CancellationToken.None);

    public void Dispose()
    {
        services.Dispose();
        SqliteConnection.ClearAllPools();
        data.Dispose();
    }

    private sealed class FixedRetriever : IKnowledgeRetriever
    {
        private static readonly RetrievedPassage Passage = new()
        {
            ChunkId = "scheduling#0",
            DocumentId = "scheduling",
            Title = "Course Formats and Scheduling",
            Text = "Schedule a course at least three weeks ahead and register it in the instructor portal so participants can enrol.",
            Language = "en",
            Score = 0.9,
        };

        public Task<IReadOnlyList<RetrievedPassage>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<RetrievedPassage>>([Passage]);
    }
}
