using System.Collections.Concurrent;
using LearningNavigator.Chat;
using LearningNavigator.Knowledge;
using LearningNavigator.Tests.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LearningNavigator.Tests.Domain.Configuration;

/// <summary>The pipeline wired as the app wires it, its logs captured by a provider of the test's own.</summary>
public sealed class UserTextRedactionTests : IDisposable
{
    private readonly TempDirectory data = new("ln-redaction");
    private readonly CapturingLoggerProvider logs = new();
    private readonly ServiceProvider services;

    public UserTextRedactionTests()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Sqlite:DatabasePath"] = data.Combine("navigator.db"),
            ["Retrieval:Local:IndexPath"] = data.Combine("index"),
            ["Generation:Extractive:WordDelay"] = "00:00:00",
        }).Build();
        var collection = new ServiceCollection();
        collection.AddLogging(logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        collection.AddLearningNavigator(configuration, data.Path);
        collection.AddSingleton<IKnowledgeRetriever, NothingRetriever>();
        services = collection.BuildServiceProvider();
    }

    [Fact]
    public async Task A_logged_question_says_where_it_was_asked_but_not_what_was_asked()
    {
        const string Question = "Jane Doe at jane.doe@example.org asked how the refund for invoice 4471 works";
        var conversationId = Guid.NewGuid().ToString("N");

        await foreach (var _ in services.GetRequiredService<AnswerPipeline>().AskAsync(
            new AskRequest { UserId = "user-1", Role = AppRoles.Staff, ConversationId = conversationId, Text = Question }, CancellationToken.None))
        {
        }

        var asked = Assert.Single(logs.Entries, e => e.Message.StartsWith($"Question in conversation {conversationId}", StringComparison.Ordinal));
        Assert.Equal($"Question in conversation {conversationId} (staff): ", asked.Message);
        Assert.Equal(string.Empty, asked.State["Question"]);
        Assert.Equal(conversationId, asked.State["ConversationId"]);
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains("jane.doe", StringComparison.Ordinal) || e.State.Values.Any(v => v?.Contains("jane.doe", StringComparison.Ordinal) == true));
    }

    public void Dispose()
    {
        services.Dispose();
        SqliteConnection.ClearAllPools();
        data.Dispose();
    }

    private sealed class NothingRetriever : IKnowledgeRetriever
    {
        public Task<IReadOnlyList<RetrievedPassage>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<RetrievedPassage>>([]);
    }
}

/// <summary>Keeps every log entry: its formatted message and its named values, as a structured provider would see them.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(string Category, string Message, IReadOnlyDictionary<string, string?> State)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.ToDictionary(p => p.Key, p => p.Value?.ToString(), StringComparer.Ordinal)
                : [];
            owner.Entries.Enqueue((category, formatter(state, exception), values));
        }
    }
}
