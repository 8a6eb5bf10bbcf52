using LearningNavigator.Conversations;
using LearningNavigator.Conversations.DynamoDb;
using LearningNavigator.Conversations.Sqlite;
using LearningNavigator.Conversations.Transfer;
using LearningNavigator.Tests.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Tests.Domain.Conversations;

/// <summary>Export from one store, import into the other: the same data, and the same usage counters.</summary>
[Collection(DynamoDbCollection.Name)]
public sealed class ConversationTransferTests(DynamoDbLocalFixture dynamo) : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2025, 9, 1, 8, 0, 0, TimeSpan.Zero);
    private static CancellationToken Ct => CancellationToken.None;

    private readonly TempDirectory directory = new("ln-transfer");
    private readonly List<SqliteConversationStore> sqliteStores = [];

    private SqliteConversationStore NewSqlite()
    {
        var store = new SqliteConversationStore(Options.Create(new SqliteStorageOptions { DatabasePath = Path.Combine(directory.Path, $"{Guid.NewGuid():N}.db") }));
        sqliteStores.Add(store);
        return store;
    }

    private async Task<DynamoDbConversationStore> NewDynamoAsync()
    {
        var table = $"ln-transfer-{Guid.NewGuid():N}";
        await dynamo.CreateTableAsync(table);
        return new DynamoDbConversationStore(
            dynamo.Client,
            Options.Create(new DynamoDbStorageOptions { TableName = table }),
            Options.Create(new StorageOptions { Provider = StorageOptions.DynamoDb }));
    }

    private static async Task FillAsync(IConversationStore store)
    {
        var ana = new UserProfile { Id = "user-ana", Email = "ana@example.org", DisplayName = "Ana", Role = AppRoles.Instructor, PreferredLanguage = "es" };
        var ben = new UserProfile { Id = "user-ben", Email = "ben@example.org", DisplayName = "Ben", Role = AppRoles.Staff };
        await store.UpsertUserAsync(ana, Ct);
        await store.UpsertUserAsync(ben, Ct);
        var first = new Conversation { Id = "conv-1", UserId = ana.Id, Title = "Facturas", CreatedAt = T0, UpdatedAt = T0 };
        var second = new Conversation { Id = "conv-2", UserId = ben.Id, Title = "Refunds", CreatedAt = T0.AddDays(1), UpdatedAt = T0.AddDays(1) };
        await store.CreateConversationAsync(first, Ct);
        await store.CreateConversationAsync(second, Ct);
        // Same instant, ids against write order: only the stored order can keep them right.
        await store.SaveMessageAsync(new StoredMessage { Id = "m-9", ConversationId = first.Id, Author = MessageAuthor.User, Text = "¿Cuándo vence la factura?", CreatedAt = T0.AddSeconds(1), Language = "es", Role = AppRoles.Instructor }, Ct);
        await store.SaveMessageAsync(new StoredMessage
        {
            Id = "m-1",
            ConversationId = first.Id,
            Author = MessageAuthor.Assistant,
            Text = "En 30 días [1].",
            CreatedAt = T0.AddSeconds(1),
            Language = "es",
            Role = AppRoles.Instructor,
            Citations = [new Citation { Number = 1, ChunkId = "c1", DocumentId = "invoicing", Title = "Facturación", Location = "p. 2", PassageText = "Pague en 30 días.", Quote = "30 días", StartOffset = 5, EndOffset = 12 }],
            Model = "extractive-v1",
            InputTokens = 120,
            OutputTokens = 9,
            CacheReadTokens = 64,
            CacheWriteTokens = 0,
            EstimatedCostUsd = 0.0123m,
            LatencyMs = 340,
            TimeToFirstTokenMs = 45,
        }, Ct);
        await store.SaveMessageAsync(new StoredMessage { Id = "m-5", ConversationId = second.Id, Author = MessageAuthor.User, Text = "Refund?", CreatedAt = T0.AddDays(1), Role = AppRoles.Staff }, Ct);
        await store.SaveMessageAsync(new StoredMessage { Id = "m-6", ConversationId = second.Id, Author = MessageAuthor.Assistant, Text = "I don't know.", CreatedAt = T0.AddDays(1).AddSeconds(2), Role = AppRoles.Staff, LowConfidence = true, Interrupted = true }, Ct);
        await store.SaveFeedbackAsync(new MessageFeedback { MessageId = "m-1", UserId = ana.Id, Rating = FeedbackRating.Up, Comment = "¡Claro!", CreatedAt = T0.AddMinutes(1) }, Ct);
        await store.SaveFeedbackAsync(new MessageFeedback { MessageId = "m-6", UserId = ben.Id, Rating = FeedbackRating.Down, CreatedAt = T0.AddDays(1).AddMinutes(1) }, Ct);
    }

    private static async Task<string> ExportAsync(IConversationStore store)
    {
        await using var writer = new StringWriter();
        await ConversationTransfer.ExportAsync(store, writer, Ct);
        return writer.ToString();
    }

    private static async Task<TransferCounts> ImportAsync(IConversationStore store, string export) =>
        await ConversationTransfer.ImportAsync(store, new StringReader(export), Ct);

    /// <summary>Scan order differs between stores; the content of the lines must not.</summary>
    private static List<string> SortedLines(string export) =>
        [.. export.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal)];

    private static async Task<List<DailyUsage>> UsageAsync(IConversationStore store) =>
        [.. (await store.GetDailyUsageAsync(T0.AddDays(-1).ToDateOnly(), T0.AddDays(3).ToDateOnly(), Ct))];

    [Fact]
    public async Task Sqlite_to_DynamoDb_and_back_keeps_every_record_the_message_order_and_the_usage()
    {
        var sqlite = NewSqlite();
        await FillAsync(sqlite);
        var fromSqlite = await ExportAsync(sqlite);

        var dynamoStore = await NewDynamoAsync();
        var counts = await ImportAsync(dynamoStore, fromSqlite);
        var fromDynamo = await ExportAsync(dynamoStore);
        var backInSqlite = NewSqlite();
        await ImportAsync(backInSqlite, fromDynamo);

        Assert.Equal(new TransferCounts { Users = 2, Conversations = 2, Messages = 4, Feedback = 2 }, counts);
        Assert.Equal(SortedLines(fromSqlite), SortedLines(fromDynamo));
        Assert.Equal(SortedLines(fromSqlite), SortedLines(await ExportAsync(backInSqlite)));
        Assert.Equal(["m-9", "m-1"], (await dynamoStore.GetMessagesAsync("conv-1", Ct)).Select(m => m.Id));
        Assert.Equal(["m-9", "m-1"], (await backInSqlite.GetMessagesAsync("conv-1", Ct)).Select(m => m.Id));
        var usage = await UsageAsync(sqlite);
        Assert.Equal(2, usage.Count);   // day one: instructor/es; day two: staff/en
        Assert.Equal(usage, await UsageAsync(dynamoStore));
        Assert.Equal(usage, await UsageAsync(backInSqlite));
    }

    [Fact]
    public async Task DynamoDb_to_Sqlite_twice_over_gives_the_same_data_as_once()
    {
        var source = await NewDynamoAsync();
        await FillAsync(source);
        var export = await ExportAsync(source);
        var target = NewSqlite();

        await ImportAsync(target, export);
        await ImportAsync(target, export);

        Assert.Equal(SortedLines(export), SortedLines(await ExportAsync(target)));
        Assert.Equal(await UsageAsync(source), await UsageAsync(target));
    }

    [Fact]
    public async Task A_bad_line_is_named_and_nothing_is_imported()
    {
        var source = NewSqlite();
        await FillAsync(source);
        var lines = (await ExportAsync(source)).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        var messageLine = lines.FindIndex(l => l.Contains("\"type\":\"message\"", StringComparison.Ordinal));
        lines[messageLine] = "{\"type\":\"message\",\"message\":{\"id\":\"x\"}}";
        var target = NewSqlite();

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ImportAsync(target, string.Join('\n', lines)));

        Assert.StartsWith($"Line {messageLine + 1}:", error.Message, StringComparison.Ordinal);
        Assert.Empty(await target.ReadAllUsersAsync(Ct).ToListAsync(Ct));
        var notAnExport = await Assert.ThrowsAsync<InvalidDataException>(() => ImportAsync(target, "{\"hello\":1}"));
        Assert.StartsWith("Line 1:", notAnExport.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        foreach (var store in sqliteStores)
        {
            store.Dispose();
        }

        SqliteConnection.ClearAllPools();
        directory.Dispose();
    }
}

internal static class DateTimeOffsetExtensions
{
    public static DateOnly ToDateOnly(this DateTimeOffset value) => DateOnly.FromDateTime(value.UtcDateTime);
}
