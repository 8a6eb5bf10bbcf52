using System.CommandLine;
using System.Diagnostics;
using Amazon.DynamoDBv2;
using LearningNavigator.Conversations;
using LearningNavigator.Conversations.DynamoDb;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Cli.Commands;

/// <summary>`db create` makes the DynamoDB table; `db bench` measures the configured store.</summary>
public static class DbCommand
{
    /// <param name="configureServices">See <see cref="CliHost.Build"/>: none from the program, emulator credentials from tests.</param>
    public static Command Create(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? configureServices = null) =>
        new("db", "Conversation storage: create the DynamoDB table, measure a store.")
        {
            CreateTable(settings, configureServices),
            Bench(settings),
        };

    private static Command CreateTable(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? configureServices)
    {
        var command = new Command("create", "Create the DynamoDB table (on-demand, GSI1, TTL on ExpiresAt) if it does not exist. Needs Storage:Provider=DynamoDb.");
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = CliHost.Build(settings, configureServices: configureServices);
            var provider = services.GetRequiredService<IOptions<StorageOptions>>().Value.Provider;
            if (!string.Equals(provider, StorageOptions.DynamoDb, StringComparison.OrdinalIgnoreCase))
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"Storage:Provider is '{provider}'; db create makes the DynamoDB table. Add --Storage:Provider=DynamoDb.");
                return 2;
            }

            services.GetRequiredService<IConversationStore>();   // validates the DynamoDB keys first
            var table = services.GetRequiredService<DynamoDbTable>();
            if (await table.CreateIfMissingAsync(cancellationToken))
            {
                await parse.InvocationConfiguration.Output.WriteLineAsync($"Created table {table.Name}: on-demand capacity, index GSI1, TTL on ExpiresAt.");
                return 0;
            }

            var ttl = await table.EnsureTimeToLiveAsync(cancellationToken);
            switch (ttl.Outcome)
            {
                case TimeToLiveOutcome.AlreadyOn:
                    await parse.InvocationConfiguration.Output.WriteLineAsync($"Table {table.Name} already exists; left as it is.");
                    return 0;
                case TimeToLiveOutcome.TurnedOn:
                    await parse.InvocationConfiguration.Output.WriteLineAsync($"Table {table.Name} already exists; its TTL was off and is now on ExpiresAt, so Storage:RetentionDays takes effect.");
                    return 0;
                case TimeToLiveOutcome.Settling:
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"Table {table.Name} already exists and its TTL on {ttl.AttributeName} is being turned off; run db create again in an hour to turn it on for ExpiresAt.");
                    return 1;
                default:
                    await parse.InvocationConfiguration.Error.WriteLineAsync(
                        $"Table {table.Name} already exists with TTL on '{ttl.AttributeName}', but the app writes ExpiresAt: nothing would expire. " +
                        "Turn that TTL off (aws dynamodb update-time-to-live), wait for it to settle, and run db create again.");
                    return 1;
            }
        });
        return command;
    }

    private static Command Bench(IReadOnlyDictionary<string, string?> settings)
    {
        var conversations = new Option<int>("--conversations") { Description = "Conversations of 50 messages to write.", DefaultValueFactory = _ => 10 };
        var reads = new Option<int>("--reads") { Description = "Reads of a 50-message conversation to time.", DefaultValueFactory = _ => 200 };
        var command = new Command("bench", "Write 50-message conversations to a scratch copy of the configured store and time it: writes/s and read p50/p95. Never touches real data.")
        {
            conversations, reads,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var scratch = new Dictionary<string, string?>(settings, StringComparer.OrdinalIgnoreCase);
            var folder = Path.Combine(Path.GetTempPath(), $"ln-bench-{Guid.NewGuid():N}");
            scratch["Storage:Sqlite:DatabasePath"] = Path.Combine(folder, "bench.db");
            var baseName = settings.TryGetValue("Storage:DynamoDb:TableName", out var configured) && !string.IsNullOrEmpty(configured) ? configured : "LearningNavigator";
            scratch["Storage:DynamoDb:TableName"] = $"{baseName}-bench-{Guid.NewGuid().ToString("N")[..8]}";

            await using var services = CliHost.Build(scratch);
            var provider = services.GetRequiredService<IOptions<StorageOptions>>().Value.Provider;
            var store = services.GetRequiredService<IConversationStore>();
            var dynamo = store is DynamoDbConversationStore;
            if (dynamo)
            {
                await services.GetRequiredService<DynamoDbTable>().CreateIfMissingAsync(cancellationToken);
            }

            try
            {
                var result = await StoreBenchmark.RunAsync(store, parse.GetValue(conversations), parse.GetValue(reads), cancellationToken);
                Console.WriteLine($"store {provider}: {result.Writes} message writes in {result.WriteSeconds:F2} s = {result.WritesPerSecond:F0} writes/s (one writer)");
                Console.WriteLine($"read of a 50-message conversation over {result.ReadMilliseconds.Count} reads: p50 {result.Percentile(0.50):F2} ms, p95 {result.Percentile(0.95):F2} ms");
            }
            finally
            {
                if (dynamo)
                {
                    await services.GetRequiredService<IAmazonDynamoDB>().DeleteTableAsync(scratch["Storage:DynamoDb:TableName"], CancellationToken.None);
                }
                else if (store is IDisposable disposable)
                {
                    disposable.Dispose();
                    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                    Directory.Delete(folder, recursive: true);
                }
            }

            return 0;
        });
        return command;
    }
}

/// <summary>The measurement itself, apart from the command so a test can run it small.</summary>
public static class StoreBenchmark
{
    public const int MessagesPerConversation = 50;

    public sealed record Result(int Writes, double WriteSeconds, IReadOnlyList<double> ReadMilliseconds)
    {
        public double WritesPerSecond => Writes / WriteSeconds;

        public double Percentile(double p)
        {
            var sorted = ReadMilliseconds.Order().ToList();
            return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
        }
    }

    public static async Task<Result> RunAsync(IConversationStore store, int conversations, int reads, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(conversations);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(reads);
        var userId = $"bench-{Guid.NewGuid():N}";
        var start = DateTimeOffset.UtcNow;
        var ids = new List<string>();
        var watch = Stopwatch.StartNew();
        for (var c = 0; c < conversations; c++)
        {
            var id = Guid.CreateVersion7().ToString("N");
            ids.Add(id);
            await store.CreateConversationAsync(new Conversation { Id = id, UserId = userId, Title = "Benchmark", CreatedAt = start, UpdatedAt = start }, cancellationToken);
            for (var m = 0; m < MessagesPerConversation; m++)
            {
                var user = m % 2 == 0;
                await store.SaveMessageAsync(new StoredMessage
                {
                    Id = Guid.CreateVersion7().ToString("N"),
                    ConversationId = id,
                    Author = user ? MessageAuthor.User : MessageAuthor.Assistant,
                    // About the size of a real question and answer, so item sizes are realistic.
                    Text = user ? "How do I invoice a course I taught last month?" : string.Concat(Enumerable.Repeat("Invoices are due within 30 days of the course date [1]. ", 12)),
                    CreatedAt = start.AddMilliseconds(m),
                    Role = "instructor",
                    InputTokens = user ? null : 900,
                    OutputTokens = user ? null : 160,
                    LatencyMs = user ? null : 800,
                }, cancellationToken);
            }
        }

        var writeSeconds = watch.Elapsed.TotalSeconds;
        var times = new List<double>(reads);
        for (var r = 0; r < reads; r++)
        {
            var started = Stopwatch.GetTimestamp();
            var messages = await store.GetMessagesAsync(ids[r % ids.Count], cancellationToken);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (messages.Count != MessagesPerConversation)
            {
                throw new InvalidOperationException($"Read {messages.Count} messages, expected {MessagesPerConversation}.");
            }
        }

        return new Result(conversations * MessagesPerConversation, writeSeconds, times);
    }
}
