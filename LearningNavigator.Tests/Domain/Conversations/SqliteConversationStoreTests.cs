using LearningNavigator.Conversations;
using LearningNavigator.Conversations.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Tests.Domain.Conversations;

public sealed class SqliteConversationStoreTests : ConversationStoreContractTests
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), $"ln-store-{Guid.NewGuid():N}");

    // A folder that does not exist yet: the store creates it.
    private string DatabasePath => Path.Combine(directory, "App_Data", "navigator.db");

    protected override Task<IConversationStore> CreateStoreAsync() =>
        Task.FromResult<IConversationStore>(NewSqliteStore());

    protected override Task DeleteStorageAsync()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        return Task.CompletedTask;
    }

    private SqliteConversationStore NewSqliteStore() =>
        new(Options.Create(new SqliteStorageOptions { DatabasePath = DatabasePath }));

    private async Task<T> QueryScalarAsync<T>(string sql)
    {
        // Unpooled, so this probe leaves no handle on the file behind.
        await using var connection = new SqliteConnection(
            new SqliteConnectionStringBuilder { DataSource = DatabasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task InitializeAsync_creates_the_folder_and_a_WAL_database_and_can_run_again()
    {
        var store = (SqliteConversationStore)Store;

        await store.InitializeAsync(Ct);
        await store.InitializeAsync(Ct);
        // A second instance on an existing file (an app restart) must not trip over the schema already there.
        var second = (SqliteConversationStore)await OpenStoreAsync();
        await second.InitializeAsync(Ct);

        Assert.True(File.Exists(DatabasePath));
        Assert.Equal("wal", await QueryScalarAsync<string>("PRAGMA journal_mode;"));
        Assert.Equal(4L, await QueryScalarAsync<long>("PRAGMA user_version;"));
        Assert.Equal(10L, await QueryScalarAsync<long>(
            """
            SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('users', 'conversations', 'messages', 'feedback', 'usage_hourly',
                'usage_citations', 'usage_active_users', 'usage_daily', 'usage_citations_daily', 'usage_active_days');
            """));
    }

    [Fact]
    public async Task Saving_a_message_twice_leaves_exactly_one_row()
    {
        var conversation = await CreateConversationAsync();
        var message = NewMessage(conversation.Id, DateTimeOffset.UnixEpoch);

        await Store.SaveMessageAsync(message, Ct);
        await Store.SaveMessageAsync(message with { Text = "final" }, Ct);

        Assert.Equal(1L, await QueryScalarAsync<long>($"SELECT COUNT(*) FROM messages WHERE id = '{message.Id}';"));
    }

    [Fact]
    public async Task Saving_feedback_twice_leaves_exactly_one_row()
    {
        var conversation = await CreateConversationAsync();
        var message = NewMessage(conversation.Id, DateTimeOffset.UnixEpoch);
        await Store.SaveMessageAsync(message, Ct);
        var feedback = new MessageFeedback { MessageId = message.Id, UserId = "u", Rating = FeedbackRating.Up, CreatedAt = DateTimeOffset.UnixEpoch };

        await Store.SaveFeedbackAsync(feedback, Ct);
        await Store.SaveFeedbackAsync(feedback with { Rating = FeedbackRating.Down }, Ct);

        Assert.Equal(1L, await QueryScalarAsync<long>($"SELECT COUNT(*) FROM feedback WHERE message_id = '{message.Id}';"));
    }

    [Fact]
    public async Task Foreign_keys_reject_a_message_for_an_unknown_conversation_and_nothing_is_counted()
    {
        var message = NewMessage(NewId("conv"), DateTimeOffset.UnixEpoch);

        var error = await Assert.ThrowsAsync<SqliteException>(() => Store.SaveMessageAsync(message, Ct));

        Assert.Equal(19, error.SqliteErrorCode); // SQLITE_CONSTRAINT
        Assert.Null(await Store.GetMessageAsync(message.Id, Ct));
    }

    [Fact]
    public async Task Times_are_stored_as_sortable_UTC_text()
    {
        var conversation = await CreateConversationAsync();
        var message = NewMessage(conversation.Id, new DateTimeOffset(2025, 1, 2, 3, 4, 5, 6, TimeSpan.FromHours(2)));

        await Store.SaveMessageAsync(message, Ct);

        Assert.Equal("2025-01-02T01:04:05.0060000Z",
            await QueryScalarAsync<string>($"SELECT created_at FROM messages WHERE id = '{message.Id}';"));
    }

    [Fact]
    public async Task Concurrent_writers_on_separate_store_instances_all_land()
    {
        // Two instances stand in for two app processes sharing the file: the busy timeout must serialise them.
        var other = await OpenStoreAsync();
        var conversation = await CreateConversationAsync();
        var messages = Enumerable.Range(0, 20)
            .Select(i => NewMessage(conversation.Id, DateTimeOffset.UnixEpoch.AddMilliseconds(i)))
            .ToList();

        await Task.WhenAll(messages.Select((m, i) => Task.Run(() => (i % 2 == 0 ? Store : other).SaveMessageAsync(m, Ct))));

        Assert.Equal(20, (await Store.GetConversationAsync(conversation.Id, Ct))!.MessageCount);
        Assert.Equal(20L, await QueryScalarAsync<long>($"SELECT COUNT(*) FROM messages WHERE conversation_id = '{conversation.Id}';"));
    }

    [Fact]
    public async Task An_early_version_1_file_without_the_usage_columns_opens_and_keeps_its_messages()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        await using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString()))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            // Version 1 before the cache-token and cost columns were added (the version number stayed 1).
            command.CommandText =
                """
                CREATE TABLE conversations (id TEXT NOT NULL PRIMARY KEY, user_id TEXT NOT NULL, title TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, message_count INTEGER NOT NULL DEFAULT 0);
                CREATE TABLE messages (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
                    author TEXT NOT NULL, text TEXT NOT NULL, created_at TEXT NOT NULL, language TEXT NOT NULL, citations TEXT NOT NULL DEFAULT '[]', model TEXT,
                    input_tokens INTEGER, output_tokens INTEGER, latency_ms INTEGER, time_to_first_token_ms INTEGER, low_confidence INTEGER NOT NULL DEFAULT 0,
                    interrupted INTEGER NOT NULL DEFAULT 0);
                INSERT INTO conversations VALUES ('c1', 'u1', 'Old', '2024-01-02T03:04:05.0000000Z', '2024-01-02T03:04:06.0000000Z', 2);
                INSERT INTO messages (id, conversation_id, author, text, created_at, language) VALUES ('m1', 'c1', 'user', 'Q', '2024-01-02T03:04:05.0000000Z', 'en');
                INSERT INTO messages (id, conversation_id, author, text, created_at, language, output_tokens, latency_ms)
                    VALUES ('m2', 'c1', 'assistant', 'A', '2024-01-02T03:04:06.0000000Z', 'en', 30, 400);
                PRAGMA user_version = 1;
                """;
            await command.ExecuteNonQueryAsync();
        }

        await ((SqliteConversationStore)Store).InitializeAsync(Ct);

        Assert.Equal(4L, await QueryScalarAsync<long>("PRAGMA user_version;"));
        var answer = (await Store.GetMessageAsync("m2", Ct))!;
        Assert.Equal(("A", 30, (int?)null), (answer.Text, answer.OutputTokens, answer.CacheReadTokens));
        Assert.Equal(30, Assert.Single(await Store.GetDailyUsageAsync(new DateOnly(2024, 1, 2), new DateOnly(2024, 1, 2), Ct)).OutputTokens);
    }

    [Fact]
    public async Task A_version_1_file_gains_the_role_column_and_its_rows_are_counted_once()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        await using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString()))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            // The version 1 schema as it shipped, with one question, one rated answer.
            command.CommandText =
                """
                CREATE TABLE users (id TEXT NOT NULL PRIMARY KEY, email TEXT NOT NULL, display_name TEXT NOT NULL, role TEXT NOT NULL, preferred_language TEXT NOT NULL);
                CREATE TABLE conversations (id TEXT NOT NULL PRIMARY KEY, user_id TEXT NOT NULL, title TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, message_count INTEGER NOT NULL DEFAULT 0);
                CREATE TABLE messages (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
                    author TEXT NOT NULL, text TEXT NOT NULL, created_at TEXT NOT NULL, language TEXT NOT NULL, citations TEXT NOT NULL DEFAULT '[]', model TEXT,
                    input_tokens INTEGER, output_tokens INTEGER, cache_read_tokens INTEGER, cache_write_tokens INTEGER, estimated_cost_usd REAL, latency_ms INTEGER,
                    time_to_first_token_ms INTEGER, low_confidence INTEGER NOT NULL DEFAULT 0, interrupted INTEGER NOT NULL DEFAULT 0);
                CREATE TABLE feedback (message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE, user_id TEXT NOT NULL, rating INTEGER NOT NULL, comment TEXT,
                    created_at TEXT NOT NULL, PRIMARY KEY (message_id, user_id));
                INSERT INTO conversations VALUES ('c1', 'u1', 'Old', '2024-01-02T03:04:05.0000000Z', '2024-01-02T03:04:06.0000000Z', 2);
                INSERT INTO messages (id, conversation_id, author, text, created_at, language) VALUES ('m1', 'c1', 'user', 'Q', '2024-01-02T03:04:05.0000000Z', 'en');
                INSERT INTO messages (id, conversation_id, author, text, created_at, language, output_tokens, latency_ms, low_confidence)
                    VALUES ('m2', 'c1', 'assistant', 'A', '2024-01-02T03:04:06.0000000Z', 'en', 30, 400, 1);
                INSERT INTO feedback VALUES ('m2', 'u1', -1, NULL, '2024-01-02T03:05:00.0000000Z');
                PRAGMA user_version = 1;
                """;
            await command.ExecuteNonQueryAsync();
        }

        var store = (SqliteConversationStore)Store;
        await store.InitializeAsync(Ct);
        await (await OpenStoreAsync() as SqliteConversationStore)!.InitializeAsync(Ct);

        Assert.Equal(4L, await QueryScalarAsync<long>("PRAGMA user_version;"));
        Assert.Null((await Store.GetMessageAsync("m1", Ct))!.Role);
        var row = Assert.Single(await Store.GetDailyUsageAsync(new DateOnly(2024, 1, 2), new DateOnly(2024, 1, 2), Ct));
        Assert.Equal(
            new UsageCounters(Questions: 1, Answers: 1, LowConfidenceAnswers: 1, ThumbsUp: 0, ThumbsDown: 1, InputTokens: 0, OutputTokens: 30, LatencyMsTotal: 400, LatencySamples: 1,
                    Conversations: 1, Latency: new UsageHistogram([0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]))
                .ToRow(new DailyUsageKey(new DateOnly(2024, 1, 2), 3, DailyUsage.UnknownRole, "en")),
            row);
        Assert.Equal(row with { Hour = 0 }, Assert.Single(await store.GetDayTotalsAsync(new DateOnly(2024, 1, 2), new DateOnly(2024, 1, 2), Ct)));
        Assert.Equal(["u1"], (await store.GetActiveDaysAsync(2024, Ct)).Where(a => a.DaysOfYear.SetEquals([1])).Select(a => a.UserId));
    }
}
