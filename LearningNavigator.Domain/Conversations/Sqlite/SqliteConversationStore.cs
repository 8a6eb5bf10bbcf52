using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Conversations.Sqlite;

/// <summary>
/// <see cref="IConversationStore"/> over one SQLite file. A connection is opened per operation (the
/// provider pools them), so any number of Blazor circuits can share this singleton.
/// </summary>
/// <remarks>
/// Times are stored as fixed-width ISO-8601 UTC text (<see cref="TimeFormat"/>): it keeps full precision,
/// reads well in a SQL shell, and sorts as text in time order, so ORDER BY and MAX work on it directly.
/// Messages carry an insertion sequence (the rowid) that breaks ties between equal timestamps.
/// </remarks>
public sealed partial class SqliteConversationStore : IConversationStore, IUsageStore, IDisposable
{
    internal const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";
    private const int SchemaVersion = 4;
    // Writers queue behind each other instead of failing with SQLITE_BUSY; a chat write takes milliseconds.
    private const int BusyTimeoutMilliseconds = 10_000;

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private readonly string connectionString;
    private readonly SemaphoreSlim initializeGate = new(1, 1);
    private readonly SqliteWriteQueue writes = new("SQLite writer");
    private readonly string connectionPragmas;
    private volatile bool initialized;

    public SqliteConversationStore(IOptions<SqliteStorageOptions> options)
    {
        var databasePath = options.Value.DatabasePath;
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        DatabasePath = databasePath;
        connectionPragmas = $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}; PRAGMA synchronous = {(int)options.Value.Synchronous};";
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            ForeignKeys = true,
            DefaultTimeout = BusyTimeoutMilliseconds / 1000,
        }.ToString();
    }

    public string DatabasePath { get; }

    /// <summary>
    /// Creates the folder, the file and the schema if missing. Safe to call more than once and from several
    /// threads; every operation calls it, so a host only calls it at start to fail early on a bad path.
    /// </summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (initialized)
        {
            return;
        }

        await initializeGate.WaitAsync(cancellationToken);
        try
        {
            if (initialized)
            {
                return;
            }

            var directory = Path.GetDirectoryName(Path.GetFullPath(DatabasePath));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            await using var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await ExecuteAsync(connection, $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds};", cancellationToken);
            // WAL lets readers carry on while one writer commits; the mode is stored in the file itself.
            await ExecuteAsync(connection, "PRAGMA journal_mode = WAL;", cancellationToken);

            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(Schema, transaction: transaction, cancellationToken: cancellationToken));
            var version = await connection.ExecuteScalarAsync<long>(
                new CommandDefinition("PRAGMA user_version;", transaction: transaction, cancellationToken: cancellationToken));
            if (version < SchemaVersion)
            {
                await MigrateAsync(connection, transaction, version, cancellationToken);
                await connection.ExecuteAsync(new CommandDefinition(
                    $"PRAGMA user_version = {SchemaVersion};", transaction: transaction, cancellationToken: cancellationToken));
            }

            await transaction.CommitAsync(cancellationToken);
            initialized = true;
        }
        finally
        {
            initializeGate.Release();
        }
    }

    /// <summary>
    /// Version 1 files have no role column; version 2 counted per day in <c>daily_usage</c>. Add what is missing
    /// (old messages count under the unknown role) and recount every existing row once into the hourly
    /// aggregates, so the counters match the rows from the start. Version 3 has the hourly aggregates but not the
    /// day rollups (version 4), which are summed from them; a recount writes the rollups as it goes.
    /// </summary>
    private static async Task MigrateAsync(SqliteConnection connection, DbTransaction transaction, long version, CancellationToken cancellationToken)
    {
        if (version == 3)
        {
            await BackfillRollupsAsync(connection, transaction, cancellationToken);
            return;
        }

        var columns = (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT name FROM pragma_table_info('messages');", transaction: transaction, cancellationToken: cancellationToken))).ToList();
        // The usage columns came within version 1 (files from its first days lack them), role and safety with version 2.
        foreach (var (column, definition) in new[]
        {
            ("cache_read_tokens", "INTEGER"), ("cache_write_tokens", "INTEGER"), ("estimated_cost_usd", "REAL"),
            ("role", "TEXT"), ("safety", "INTEGER NOT NULL DEFAULT 0"),
        })
        {
            if (!columns.Contains(column))
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    $"ALTER TABLE messages ADD COLUMN {column} {definition};", transaction: transaction, cancellationToken: cancellationToken));
            }
        }

        await connection.ExecuteAsync(new CommandDefinition(
            """
            DROP TABLE IF EXISTS daily_usage; DELETE FROM usage_hourly; DELETE FROM usage_citations; DELETE FROM usage_active_users;
            DELETE FROM usage_daily; DELETE FROM usage_citations_daily; DELETE FROM usage_active_days;
            """,
            transaction: transaction, cancellationToken: cancellationToken));
        await RecountAsync(connection, transaction, cancellationToken);
    }

    public async Task UpsertUserAsync(UserProfile user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        await WriteAsync(
            async connection =>
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO users (id, email, display_name, role, preferred_language)
                    VALUES (@Id, @Email, @DisplayName, @Role, @PreferredLanguage)
                    ON CONFLICT (id) DO UPDATE SET
                        email = excluded.email,
                        display_name = excluded.display_name,
                        role = excluded.role,
                        preferred_language = excluded.preferred_language;
                    """,
                    new { user.Id, user.Email, user.DisplayName, user.Role, user.PreferredLanguage },
                    cancellationToken: cancellationToken));
            },
            cancellationToken);
    }

    public async Task<UserProfile?> GetUserAsync(string userId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(
            """
            SELECT id AS Id, email AS Email, display_name AS DisplayName, role AS Role,
                   preferred_language AS PreferredLanguage
            FROM users WHERE id = @userId;
            """,
            new { userId },
            cancellationToken: cancellationToken));
        return row is null
            ? null
            : new UserProfile
            {
                Id = row.Id,
                Email = row.Email,
                DisplayName = row.DisplayName,
                Role = row.Role,
                PreferredLanguage = row.PreferredLanguage,
            };
    }

    /// <remarks>
    /// The stored message count starts at zero whatever the record says: the store owns it, counting the
    /// messages it actually saved.
    /// </remarks>
    public async Task CreateConversationAsync(Conversation conversation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        await WriteAsync(connection => InsertConversationAsync(connection, conversation, transaction: null, cancellationToken), cancellationToken);
    }

    private static Task<int> InsertConversationAsync(SqliteConnection connection, Conversation conversation, DbTransaction? transaction, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO conversations (id, user_id, title, created_at, updated_at, message_count)
            VALUES (@Id, @UserId, @Title, @CreatedAt, @UpdatedAt, 0)
            ON CONFLICT (id) DO NOTHING;
            """,
            new
            {
                conversation.Id,
                conversation.UserId,
                conversation.Title,
                CreatedAt = FormatTime(conversation.CreatedAt),
                UpdatedAt = FormatTime(conversation.UpdatedAt),
            },
            transaction,
            cancellationToken: cancellationToken));

    public async Task<Conversation?> GetConversationAsync(string conversationId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ConversationRow>(new CommandDefinition(
            $"{SelectConversation} WHERE id = @conversationId;",
            new { conversationId },
            cancellationToken: cancellationToken));
        return row?.ToRecord();
    }

    public async Task<Conversation?> GetConversationAsync(string userId, string conversationId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ConversationRow>(new CommandDefinition(
            $"{SelectConversation} WHERE id = @conversationId AND user_id = @userId;",
            new { userId, conversationId },
            cancellationToken: cancellationToken));
        return row?.ToRecord();
    }

    public async Task<IReadOnlyList<Conversation>> ListConversationsStartedOnAsync(DateOnly day, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        // Times are fixed-width UTC text, so a day is a half-open text range and the index-free scan stays simple.
        var rows = await connection.QueryAsync<ConversationRow>(new CommandDefinition(
            $"""
            {SelectConversation}
            WHERE created_at >= @start AND created_at < @end
            ORDER BY created_at, id;
            """,
            new { start = FormatDay(day), end = FormatDay(day.AddDays(1)) },
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToRecord())];
    }

    public async Task<IReadOnlyList<Conversation>> ListConversationsAsync(string userId, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<ConversationRow>(new CommandDefinition(
            $"""
            {SelectConversation}
            WHERE user_id = @userId
            ORDER BY updated_at DESC, created_at DESC, id DESC
            LIMIT @limit;
            """,
            new { userId, limit },
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToRecord())];
    }

    /// <remarks>
    /// A re-save replaces every field but the conversation id (a message never moves) and keeps the row's
    /// insertion sequence, so a partial answer finalised later stays where it was in the conversation.
    /// The conversation must exist: the foreign key rejects a message for an unknown one.
    /// </remarks>
    public async Task SaveMessageAsync(StoredMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        await WriteWithUsageAsync(
            (connection, transaction, delta) => SaveMessageCoreAsync(connection, transaction, message, delta, cancellationToken),
            cancellationToken);
    }

    /// <summary>One transaction: the change, then what it adds to the usage aggregates.</summary>
    private Task WriteWithUsageAsync(Func<SqliteConnection, DbTransaction, UsageDelta, Task> change, CancellationToken cancellationToken) =>
        WriteAsync(
            async connection =>
            {
                // BEGIN IMMEDIATE (the provider's default): taking the write lock up front means the busy timeout
                // applies, rather than a read lock failing to upgrade mid-transaction.
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                var delta = new UsageDelta();
                await change(connection, transaction, delta);
                await ApplyUsageAsync(connection, transaction, delta, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            },
            cancellationToken);

    /// <summary>Writes the message and its conversation's counters; what it changes in the aggregates goes into <paramref name="delta"/>.</summary>
    /// <param name="owners">Conversation owners already known to the caller (a batch); markers for them are left to the caller in <paramref name="markers"/>.</param>
    private static async Task SaveMessageCoreAsync(
        SqliteConnection connection,
        DbTransaction transaction,
        StoredMessage message,
        UsageDelta delta,
        CancellationToken cancellationToken,
        Dictionary<string, string>? owners = null,
        HashSet<ActiveUserKey>? markers = null)
    {
        var parameters = new
        {
            message.Id,
            message.ConversationId,
            Author = FormatAuthor(message.Author),
            message.Text,
            CreatedAt = FormatTime(message.CreatedAt),
            message.Language,
            message.Role,
            Citations = JsonSerializer.Serialize(message.Citations, JsonOptions),
            message.Model,
            message.InputTokens,
            message.OutputTokens,
            message.CacheReadTokens,
            message.CacheWriteTokens,
            EstimatedCostUsd = message.EstimatedCostUsd is { } cost ? (double?)cost : null,
            message.LatencyMs,
            message.TimeToFirstTokenMs,
            message.LowConfidence,
            message.Interrupted,
            Safety = (int)message.Safety,
        };

        // Insert first: a new message (nearly every write) then needs no read; a re-save reads the row untouched.
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO messages (id, conversation_id, author, text, created_at, language, role, citations, model,
                                  input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,
                                  estimated_cost_usd, latency_ms, time_to_first_token_ms,
                                  low_confidence, interrupted, safety)
            VALUES (@Id, @ConversationId, @Author, @Text, @CreatedAt, @Language, @Role, @Citations, @Model,
                    @InputTokens, @OutputTokens, @CacheReadTokens, @CacheWriteTokens,
                    @EstimatedCostUsd, @LatencyMs, @TimeToFirstTokenMs,
                    @LowConfidence, @Interrupted, @Safety)
            ON CONFLICT (id) DO NOTHING;
            """,
            parameters,
            transaction,
            cancellationToken: cancellationToken));

        bool startsConversation;
        StoredMessage? before = null;
        if (inserted == 1)
        {
            // The first message written in a conversation is the one that counts it as started.
            var countBefore = await connection.QuerySingleAsync<long>(new CommandDefinition(
                """
                UPDATE conversations
                SET message_count = message_count + 1,
                    updated_at = MAX(updated_at, @CreatedAt)
                WHERE id = @ConversationId
                RETURNING message_count - 1;
                """,
                parameters,
                transaction,
                cancellationToken: cancellationToken));
            startsConversation = countBefore == 0;
        }
        else
        {
            before = (await connection.QuerySingleAsync<MessageRow>(new CommandDefinition(
                $"{SelectMessage} WHERE id = @Id;", parameters, transaction, cancellationToken: cancellationToken))).ToRecord();
            await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE messages SET
                    author = @Author, text = @Text, created_at = @CreatedAt, language = @Language, role = @Role,
                    citations = @Citations, model = @Model, input_tokens = @InputTokens,
                    output_tokens = @OutputTokens, cache_read_tokens = @CacheReadTokens,
                    cache_write_tokens = @CacheWriteTokens, estimated_cost_usd = @EstimatedCostUsd,
                    latency_ms = @LatencyMs,
                    time_to_first_token_ms = @TimeToFirstTokenMs, low_confidence = @LowConfidence,
                    interrupted = @Interrupted, safety = @Safety
                WHERE id = @Id;
                """,
                parameters,
                transaction,
                cancellationToken: cancellationToken));
            startsConversation = await connection.QuerySingleAsync<long>(new CommandDefinition(
                """
                SELECT (SELECT seq FROM messages WHERE id = @Id) =
                       (SELECT MIN(seq) FROM messages WHERE conversation_id = (SELECT conversation_id FROM messages WHERE id = @Id));
                """,
                parameters,
                transaction,
                cancellationToken: cancellationToken)) == 1;
        }

        var feedbackOnMessage = default(UsageCounters);
        if (before is not null && DailyUsageKey.For(before) != DailyUsageKey.For(message))
        {
            // The message moved to another usage row: its ratings move with it.
            var ratings = await connection.QueryAsync<long>(new CommandDefinition(
                "SELECT rating FROM feedback WHERE message_id = @Id;", parameters, transaction, cancellationToken: cancellationToken));
            foreach (var rating in ratings)
            {
                feedbackOnMessage += UsageCounters.Of((FeedbackRating)rating);
            }
        }

        var stored = before is null ? message : message with { ConversationId = before.ConversationId };
        var change = UsageDelta.ForMessage(before, stored, feedbackOnMessage, startsConversation);
        foreach (var (key, counters) in change.Changes)
        {
            delta.Add(key, counters);
        }

        foreach (var citation in change.CitationChanges)
        {
            delta.AddCitation(citation);
        }

        if (stored.Author == MessageAuthor.User && owners is not null && markers is not null && owners.TryGetValue(stored.ConversationId, out var owner))
        {
            markers.Add(new ActiveUserKey(DailyUsageKey.For(stored), owner));
        }
        else if (stored.Author == MessageAuthor.User)
        {
            // Markers are never taken away: whoever asked was active, whatever happens to the message later.
            var key = DailyUsageKey.For(stored);
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT OR IGNORE INTO usage_active_users (day, hour, role, language, user_id)
                SELECT @Day, @Hour, @Role, @Language, user_id FROM conversations WHERE id = @ConversationId;
                """,
                new { Day = FormatDayKey(key.Day), key.Hour, key.Role, key.Language, stored.ConversationId },
                transaction,
                cancellationToken: cancellationToken));
            await MarkActiveDayAsync(
                connection, transaction, key, "user_id", "FROM conversations WHERE id = @conversationId", new { conversationId = stored.ConversationId }, cancellationToken);
        }
    }

    public async Task<MessagePage> GetMessagePageAsync(string userId, string conversationId, int pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSize);
        var after = continuationToken is null ? null : PageToken.Decode(continuationToken, conversationId);
        var (afterTime, afterSeq) = after is null ? (string.Empty, 0L) : ParseCursor(after);
        await using var connection = await OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<PagedMessageRow>(new CommandDefinition(
            $"""
            SELECT m.seq AS Seq, m.id AS Id, m.conversation_id AS ConversationId, m.author AS Author, m.text AS Text,
                   m.created_at AS CreatedAt, m.language AS Language, m.role AS Role, m.citations AS Citations,
                   m.model AS Model, m.input_tokens AS InputTokens, m.output_tokens AS OutputTokens,
                   m.cache_read_tokens AS CacheReadTokens, m.cache_write_tokens AS CacheWriteTokens,
                   m.estimated_cost_usd AS EstimatedCostUsd, m.latency_ms AS LatencyMs,
                   m.time_to_first_token_ms AS TimeToFirstTokenMs, m.low_confidence AS LowConfidence,
                   m.interrupted AS Interrupted, m.safety AS Safety
            FROM messages m JOIN conversations c ON c.id = m.conversation_id
            WHERE m.conversation_id = @conversationId AND c.user_id = @userId
              AND (m.created_at, m.seq) > (@afterTime, @afterSeq)
            ORDER BY m.created_at, m.seq
            LIMIT @limit;
            """,
            new { conversationId, userId, afterTime, afterSeq, limit = pageSize + 1 },
            cancellationToken: cancellationToken))).ToList();
        var page = rows.Take(pageSize).ToList();
        var token = rows.Count > pageSize
            ? PageToken.Encode(conversationId, $"{page[^1].CreatedAt}|{page[^1].Seq.ToString(CultureInfo.InvariantCulture)}")
            : null;
        return new MessagePage([.. page.Select(r => r.ToRecord())], token);
    }

    private static (string Time, long Seq) ParseCursor(string cursor)
    {
        var bar = cursor.LastIndexOf('|');
        return bar > 0 && long.TryParse(cursor.AsSpan(bar + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
            ? (cursor[..bar], seq)
            : throw PageToken.Invalid();
    }

    public async Task<IReadOnlyList<StoredMessage>> GetMessagesAsync(string conversationId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<MessageRow>(new CommandDefinition(
            $"""
            {SelectMessage}
            WHERE conversation_id = @conversationId
            ORDER BY created_at, seq;
            """,
            new { conversationId },
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToRecord())];
    }

    public async Task<StoredMessage?> GetMessageAsync(string messageId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<MessageRow>(new CommandDefinition(
            $"{SelectMessage} WHERE id = @messageId;",
            new { messageId },
            cancellationToken: cancellationToken));
        return row?.ToRecord();
    }

    /// <remarks>The message must exist: the foreign key rejects feedback on an unknown one.</remarks>
    public async Task SaveFeedbackAsync(MessageFeedback feedback, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        await WriteWithUsageAsync(
            (connection, transaction, delta) => SaveFeedbackCoreAsync(connection, transaction, feedback, delta, cancellationToken),
            cancellationToken);
    }

    private static async Task SaveFeedbackCoreAsync(SqliteConnection connection, DbTransaction transaction, MessageFeedback feedback, UsageDelta delta, CancellationToken cancellationToken)
    {
        var rated = (await connection.QuerySingleOrDefaultAsync<MessageRow>(new CommandDefinition(
            $"{SelectMessage} WHERE id = @MessageId;", new { feedback.MessageId }, transaction, cancellationToken: cancellationToken)))?.ToRecord();
        var before = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
            "SELECT rating FROM feedback WHERE message_id = @MessageId AND user_id = @UserId;",
            new { feedback.MessageId, feedback.UserId }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO feedback (message_id, user_id, rating, comment, created_at)
            VALUES (@MessageId, @UserId, @Rating, @Comment, @CreatedAt)
            ON CONFLICT (message_id, user_id) DO UPDATE SET
                rating = excluded.rating,
                comment = excluded.comment,
                created_at = excluded.created_at;
            """,
            new
            {
                feedback.MessageId,
                feedback.UserId,
                Rating = (int)feedback.Rating,
                feedback.Comment,
                CreatedAt = FormatTime(feedback.CreatedAt),
            },
            transaction,
            cancellationToken: cancellationToken));

        // An unknown message never gets here: the foreign key rejected the insert above.
        foreach (var (key, counters) in UsageDelta.ForFeedback(rated!, (FeedbackRating?)before, feedback.Rating).Changes)
        {
            delta.Add(key, counters);
        }
    }

    public async IAsyncEnumerable<UserProfile> ReadAllUsersAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<UserRow>(new CommandDefinition(
            """
            SELECT id AS Id, email AS Email, display_name AS DisplayName, role AS Role,
                   preferred_language AS PreferredLanguage
            FROM users ORDER BY id;
            """,
            cancellationToken: cancellationToken));
        foreach (var row in rows)
        {
            yield return new UserProfile
            {
                Id = row.Id,
                Email = row.Email,
                DisplayName = row.DisplayName,
                Role = row.Role,
                PreferredLanguage = row.PreferredLanguage,
            };
        }
    }

    public async IAsyncEnumerable<Conversation> ReadAllConversationsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<ConversationRow>(new CommandDefinition(
            $"{SelectConversation} ORDER BY id;", cancellationToken: cancellationToken));
        foreach (var row in rows)
        {
            yield return row.ToRecord();
        }
    }

    public async IAsyncEnumerable<MessageFeedback> ReadAllFeedbackAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<FeedbackRow>(new CommandDefinition(
            """
            SELECT message_id AS MessageId, user_id AS UserId, rating AS Rating, comment AS Comment,
                   created_at AS CreatedAt
            FROM feedback ORDER BY message_id, user_id;
            """,
            cancellationToken: cancellationToken));
        foreach (var row in rows)
        {
            yield return row.ToRecord();
        }
    }

    public async Task<MessageFeedback?> GetFeedbackAsync(string messageId, string userId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<FeedbackRow>(new CommandDefinition(
            """
            SELECT message_id AS MessageId, user_id AS UserId, rating AS Rating, comment AS Comment,
                   created_at AS CreatedAt
            FROM feedback WHERE message_id = @messageId AND user_id = @userId;
            """,
            new { messageId, userId },
            cancellationToken: cancellationToken));
        return row?.ToRecord();
    }

    public async Task<bool> RenameConversationAsync(string userId, string conversationId, string title, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        return await WriteAsync(
            async connection =>
            {
                var changed = await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE conversations SET title = @title WHERE id = @conversationId AND user_id = @userId;",
                    new { title = title.Trim(), conversationId, userId },
                    cancellationToken: cancellationToken));
                return changed == 1;
            },
            cancellationToken);
    }

    /// <remarks>Messages and feedback go with the conversation through the foreign keys' ON DELETE CASCADE.</remarks>
    public async Task<bool> DeleteConversationAsync(string userId, string conversationId, CancellationToken cancellationToken)
    {
        return await WriteAsync(
            async connection =>
            {
                var deleted = await connection.ExecuteAsync(new CommandDefinition(
                    "DELETE FROM conversations WHERE id = @conversationId AND user_id = @userId;",
                    new { conversationId, userId },
                    cancellationToken: cancellationToken));
                return deleted == 1;
            },
            cancellationToken);
    }

    /// <summary>Closes the pooled connections to the file, so it can be moved or deleted.</summary>
    public void Dispose()
    {
        using (var connection = new SqliteConnection(connectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        initializeGate.Dispose();
    }

    internal static string FormatTime(DateTimeOffset value) =>
        value.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    private static string FormatDay(DateOnly day) =>
        FormatTime(new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));

    internal static DateTimeOffset ParseTime(string value) =>
        DateTimeOffset.ParseExact(value, TimeFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private static string FormatAuthor(MessageAuthor author) => author switch
    {
        MessageAuthor.User => "user",
        MessageAuthor.Assistant => "assistant",
        _ => throw new ArgumentOutOfRangeException(nameof(author), author, "Unknown message author."),
    };

    private static MessageAuthor ParseAuthor(string author) => author switch
    {
        "user" => MessageAuthor.User,
        "assistant" => MessageAuthor.Assistant,
        _ => throw new InvalidDataException($"Unknown message author '{author}' in the database."),
    };

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        return OpenConnection();
    }

    /// <remarks>The provider opens and runs commands synchronously whichever method is called, so this is as fast.</remarks>
    private SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            // Both settings belong to the connection, not the file; setting them again on a pooled one is cheap.
            using var pragmas = connection.CreateCommand();
            pragmas.CommandText = connectionPragmas;
            pragmas.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="write"/> with a connection of its own when it is its turn (<see cref="SqliteWriteQueue"/>):
    /// at once on this thread if no other write is running, otherwise on the writer thread.
    /// </summary>
    private async Task<T> WriteAsync<T>(Func<SqliteConnection, Task<T>> write, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken);
        return await writes.RunAsync(
            () =>
            {
                using var connection = OpenConnection();
                // The provider's async methods complete synchronously, so waiting here blocks nothing but this writer.
                return write(connection).GetAwaiter().GetResult();
            },
            cancellationToken);
    }

    private async Task WriteAsync(Func<SqliteConnection, Task> write, CancellationToken cancellationToken) =>
        await WriteAsync(
            async connection =>
            {
                await write(connection);
                return true;
            },
            cancellationToken);

    private static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private const string SelectConversation =
        """
        SELECT id AS Id, user_id AS UserId, title AS Title, created_at AS CreatedAt, updated_at AS UpdatedAt,
               message_count AS MessageCount
        FROM conversations
        """;

    private const string SelectMessage =
        """
        SELECT id AS Id, conversation_id AS ConversationId, author AS Author, text AS Text,
               created_at AS CreatedAt, language AS Language, role AS Role, citations AS Citations, model AS Model,
               input_tokens AS InputTokens, output_tokens AS OutputTokens,
               cache_read_tokens AS CacheReadTokens, cache_write_tokens AS CacheWriteTokens,
               estimated_cost_usd AS EstimatedCostUsd, latency_ms AS LatencyMs,
               time_to_first_token_ms AS TimeToFirstTokenMs, low_confidence AS LowConfidence,
               interrupted AS Interrupted, safety AS Safety
        FROM messages
        """;

    // users has no foreign key from conversations on purpose: sign-in and chat are wired by different
    // parts of the host, and a missing profile row must not stop someone from asking a question.
    private const string Schema =
        """
        CREATE TABLE IF NOT EXISTS users (
            id                 TEXT NOT NULL PRIMARY KEY,
            email              TEXT NOT NULL,
            display_name       TEXT NOT NULL,
            role               TEXT NOT NULL,
            preferred_language TEXT NOT NULL
        );

        CREATE TABLE IF NOT EXISTS conversations (
            id            TEXT NOT NULL PRIMARY KEY,
            user_id       TEXT NOT NULL,
            title         TEXT NOT NULL,
            created_at    TEXT NOT NULL,
            updated_at    TEXT NOT NULL,
            message_count INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX IF NOT EXISTS ix_conversations_user_updated
            ON conversations (user_id, updated_at DESC);

        CREATE TABLE IF NOT EXISTS messages (
            seq                    INTEGER PRIMARY KEY,
            id                     TEXT NOT NULL UNIQUE,
            conversation_id        TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
            author                 TEXT NOT NULL,
            text                   TEXT NOT NULL,
            created_at             TEXT NOT NULL,
            language               TEXT NOT NULL,
            role                   TEXT,
            citations              TEXT NOT NULL DEFAULT '[]',
            model                  TEXT,
            input_tokens           INTEGER,
            output_tokens          INTEGER,
            cache_read_tokens      INTEGER,
            cache_write_tokens     INTEGER,
            estimated_cost_usd     REAL,
            latency_ms             INTEGER,
            time_to_first_token_ms INTEGER,
            low_confidence         INTEGER NOT NULL DEFAULT 0,
            interrupted            INTEGER NOT NULL DEFAULT 0,
            safety                 INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX IF NOT EXISTS ix_messages_conversation_created
            ON messages (conversation_id, created_at, seq);

        CREATE TABLE IF NOT EXISTS feedback (
            message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
            user_id    TEXT NOT NULL,
            rating     INTEGER NOT NULL,
            comment    TEXT,
            created_at TEXT NOT NULL,
            PRIMARY KEY (message_id, user_id)
        );

        CREATE INDEX IF NOT EXISTS ix_messages_created ON messages (created_at);
        """ + UsageSchema;


    // Dapper maps columns onto these by name; SQLite hands back INTEGER as long.
    private sealed class UserRow
    {
        public string Id { get; set; } = "";
        public string Email { get; set; } = "";
        public string DisplayName { get; set; } = "";
        public string Role { get; set; } = "";
        public string PreferredLanguage { get; set; } = "";
    }

    private sealed class ConversationRow
    {
        public string Id { get; set; } = "";
        public string UserId { get; set; } = "";
        public string Title { get; set; } = "";
        public string CreatedAt { get; set; } = "";
        public string UpdatedAt { get; set; } = "";
        public long MessageCount { get; set; }

        public Conversation ToRecord() => new()
        {
            Id = Id,
            UserId = UserId,
            Title = Title,
            CreatedAt = ParseTime(CreatedAt),
            UpdatedAt = ParseTime(UpdatedAt),
            MessageCount = checked((int)MessageCount),
        };
    }

    private class MessageRow
    {
        public string Id { get; set; } = "";
        public string ConversationId { get; set; } = "";
        public string Author { get; set; } = "";
        public string Text { get; set; } = "";
        public string CreatedAt { get; set; } = "";
        public string Language { get; set; } = "";
        public string? Role { get; set; }
        public string Citations { get; set; } = "[]";
        public string? Model { get; set; }
        public long? InputTokens { get; set; }
        public long? OutputTokens { get; set; }
        public long? CacheReadTokens { get; set; }
        public long? CacheWriteTokens { get; set; }
        public double? EstimatedCostUsd { get; set; }
        public long? LatencyMs { get; set; }
        public long? TimeToFirstTokenMs { get; set; }
        public long LowConfidence { get; set; }
        public long Interrupted { get; set; }
        public long Safety { get; set; }

        public StoredMessage ToRecord() => new()
        {
            Id = Id,
            ConversationId = ConversationId,
            Author = ParseAuthor(Author),
            Text = Text,
            CreatedAt = ParseTime(CreatedAt),
            Language = Language,
            Role = Role,
            // Questions (half the rows) cite nothing: skip the parser for them.
            Citations = Citations == "[]" ? [] : JsonSerializer.Deserialize<List<Citation>>(Citations, JsonOptions) ?? [],
            Model = Model,
            InputTokens = ToInt(InputTokens),
            OutputTokens = ToInt(OutputTokens),
            CacheReadTokens = ToInt(CacheReadTokens),
            CacheWriteTokens = ToInt(CacheWriteTokens),
            EstimatedCostUsd = EstimatedCostUsd is { } cost ? Math.Round((decimal)cost, 6) : null,
            LatencyMs = ToInt(LatencyMs),
            TimeToFirstTokenMs = ToInt(TimeToFirstTokenMs),
            LowConfidence = LowConfidence != 0,
            Interrupted = Interrupted != 0,
            Safety = (SafetyFlags)Safety,
        };

        private static int? ToInt(long? value) => value is { } v ? checked((int)v) : null;
    }

    private sealed class FeedbackRow
    {
        public string MessageId { get; set; } = "";
        public string UserId { get; set; } = "";
        public long Rating { get; set; }
        public string? Comment { get; set; }
        public string CreatedAt { get; set; } = "";

        public MessageFeedback ToRecord() => new()
        {
            MessageId = MessageId,
            UserId = UserId,
            Rating = (FeedbackRating)Rating,
            Comment = Comment,
            CreatedAt = ParseTime(CreatedAt),
        };
    }

    private sealed class PagedMessageRow : MessageRow
    {
        public long Seq { get; set; }
    }

}
