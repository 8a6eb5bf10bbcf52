using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Dapper;
using Microsoft.Data.Sqlite;

namespace LearningNavigator.Conversations.Sqlite;

/// <summary>The aggregates (hourly usage, citations, active users) and the analytics reads.</summary>
public sealed partial class SqliteConversationStore
{
    private static readonly string[] ScalarColumns = [.. UsageCounters.ScalarNames.Select(SnakeCase)];
    private static readonly string[] LatencyColumns = [.. Enumerable.Range(0, UsageHistogram.BucketCount).Select(i => $"l{i}")];
    private static readonly string[] TtftColumns = [.. Enumerable.Range(0, UsageHistogram.BucketCount).Select(i => $"t{i}")];
    private static readonly string[] CounterColumns = [.. ScalarColumns, .. LatencyColumns, .. TtftColumns];

    private static readonly string UpsertUsageSql =
        $"""
        INSERT INTO usage_hourly (day, hour, role, language, {string.Join(", ", CounterColumns)})
        VALUES (@day, @hour, @role, @language, {string.Join(", ", CounterColumns.Select(c => "@" + c))})
        ON CONFLICT (day, hour, role, language) DO UPDATE SET
            {string.Join(",\n    ", CounterColumns.Select(c => $"{c} = {c} + excluded.{c}"))};
        """;

    private static readonly string UpsertDayUsageSql =
        $"""
        INSERT INTO usage_daily (day, role, language, {string.Join(", ", CounterColumns)})
        VALUES (@day, @role, @language, {string.Join(", ", CounterColumns.Select(c => "@" + c))})
        ON CONFLICT (day, role, language) DO UPDATE SET
            {string.Join(",\n    ", CounterColumns.Select(c => $"{c} = {c} + excluded.{c}"))};
        """;

    private static readonly string SelectUsageSql =
        $"SELECT day, hour, role, language, {string.Join(", ", CounterColumns)} FROM usage_hourly WHERE day >= @from AND day <= @to ORDER BY day, hour, role, language;";

    private static readonly string SelectOneUsageSql =
        $"SELECT day, hour, role, language, {string.Join(", ", CounterColumns)} FROM usage_hourly WHERE day = @day AND hour = @hour AND role = @role AND language = @language;";

    private static readonly string SelectDayTotalsSql =
        $"SELECT day, 0, role, language, {string.Join(", ", CounterColumns)} FROM usage_daily WHERE day >= @from AND day <= @to ORDER BY day, role, language;";

    private static readonly string[] WordColumns = [.. Enumerable.Range(0, ActiveDays.Words).Select(i => $"w{i}")];

    // OR-ing the words makes a repeated marker change nothing, so the write is idempotent like INSERT OR IGNORE.
    private static readonly string UpsertActiveDaysSql =
        $"""
        INSERT INTO usage_active_days (year, role, language, user_id, {string.Join(", ", WordColumns)})
        SELECT @year, @role, @language, USER_SQL, {string.Join(", ", WordColumns.Select(c => "@" + c))} FROM_SQL
        ON CONFLICT (year, role, language, user_id) DO UPDATE SET {string.Join(", ", WordColumns.Select(c => $"{c} = {c} | excluded.{c}"))};
        """;

    // The counters of an hourly row and of a day's rollup: one list, so the two tables cannot drift apart.
    private const string CounterColumnDefinitions =
        """
        questions INTEGER NOT NULL DEFAULT 0, answers INTEGER NOT NULL DEFAULT 0,
        low_confidence_answers INTEGER NOT NULL DEFAULT 0, thumbs_up INTEGER NOT NULL DEFAULT 0,
        thumbs_down INTEGER NOT NULL DEFAULT 0, input_tokens INTEGER NOT NULL DEFAULT 0,
        output_tokens INTEGER NOT NULL DEFAULT 0, latency_ms_total INTEGER NOT NULL DEFAULT 0,
        latency_samples INTEGER NOT NULL DEFAULT 0, conversations INTEGER NOT NULL DEFAULT 0,
        cache_read_tokens INTEGER NOT NULL DEFAULT 0, cache_write_tokens INTEGER NOT NULL DEFAULT 0,
        cost_micro_usd INTEGER NOT NULL DEFAULT 0, crisis_events INTEGER NOT NULL DEFAULT 0,
        medical_refusals INTEGER NOT NULL DEFAULT 0, out_of_scope_refusals INTEGER NOT NULL DEFAULT 0,
        prompt_injections INTEGER NOT NULL DEFAULT 0,
        l0 INTEGER NOT NULL DEFAULT 0, l1 INTEGER NOT NULL DEFAULT 0, l2 INTEGER NOT NULL DEFAULT 0,
        l3 INTEGER NOT NULL DEFAULT 0, l4 INTEGER NOT NULL DEFAULT 0, l5 INTEGER NOT NULL DEFAULT 0,
        l6 INTEGER NOT NULL DEFAULT 0, l7 INTEGER NOT NULL DEFAULT 0, l8 INTEGER NOT NULL DEFAULT 0,
        l9 INTEGER NOT NULL DEFAULT 0, l10 INTEGER NOT NULL DEFAULT 0, l11 INTEGER NOT NULL DEFAULT 0,
        t0 INTEGER NOT NULL DEFAULT 0, t1 INTEGER NOT NULL DEFAULT 0, t2 INTEGER NOT NULL DEFAULT 0,
        t3 INTEGER NOT NULL DEFAULT 0, t4 INTEGER NOT NULL DEFAULT 0, t5 INTEGER NOT NULL DEFAULT 0,
        t6 INTEGER NOT NULL DEFAULT 0, t7 INTEGER NOT NULL DEFAULT 0, t8 INTEGER NOT NULL DEFAULT 0,
        t9 INTEGER NOT NULL DEFAULT 0, t10 INTEGER NOT NULL DEFAULT 0, t11 INTEGER NOT NULL DEFAULT 0
        """;

    // Kept constant so it can join the schema constant; the counter columns must match CounterColumns.
    private const string UsageSchema =
        $"""

        CREATE TABLE IF NOT EXISTS usage_hourly (
            day TEXT NOT NULL, hour INTEGER NOT NULL, role TEXT NOT NULL, language TEXT NOT NULL,
            {CounterColumnDefinitions},
            PRIMARY KEY (day, hour, role, language)
        );

        CREATE TABLE IF NOT EXISTS usage_citations (
            day TEXT NOT NULL, hour INTEGER NOT NULL, role TEXT NOT NULL, language TEXT NOT NULL,
            document_id TEXT NOT NULL, answers INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (day, hour, role, language, document_id)
        );

        CREATE TABLE IF NOT EXISTS usage_active_users (
            day TEXT NOT NULL, hour INTEGER NOT NULL, role TEXT NOT NULL, language TEXT NOT NULL, user_id TEXT NOT NULL,
            PRIMARY KEY (day, hour, role, language, user_id)
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS usage_daily (
            day TEXT NOT NULL, role TEXT NOT NULL, language TEXT NOT NULL,
            {CounterColumnDefinitions},
            PRIMARY KEY (day, role, language)
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS usage_citations_daily (
            day TEXT NOT NULL, role TEXT NOT NULL, language TEXT NOT NULL, document_id TEXT NOT NULL,
            answers INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (day, role, language, document_id)
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS usage_active_days (
            year INTEGER NOT NULL, role TEXT NOT NULL, language TEXT NOT NULL, user_id TEXT NOT NULL,
            w0 INTEGER NOT NULL DEFAULT 0, w1 INTEGER NOT NULL DEFAULT 0, w2 INTEGER NOT NULL DEFAULT 0,
            w3 INTEGER NOT NULL DEFAULT 0, w4 INTEGER NOT NULL DEFAULT 0, w5 INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (year, role, language, user_id)
        ) WITHOUT ROWID;
        """;

    /// <summary>
    /// Builds the day rollups from the hourly rows (which every version since 3 keeps), for files written before
    /// the rollups existed (a recount of older files writes them as it goes). Day bits: bit (day of year - 1) % 64 of word (day of year - 1) / 64;
    /// the sum of distinct bits is their OR.
    /// </summary>
    private static readonly string BackfillRollupsSql =
        $"""
        DELETE FROM usage_daily; DELETE FROM usage_citations_daily; DELETE FROM usage_active_days;
        INSERT INTO usage_daily (day, role, language, {string.Join(", ", CounterColumns)})
        SELECT day, role, language, {string.Join(", ", CounterColumns.Select(c => $"SUM({c})"))}
        FROM usage_hourly GROUP BY day, role, language;
        INSERT INTO usage_citations_daily (day, role, language, document_id, answers)
        SELECT day, role, language, document_id, SUM(answers) FROM usage_citations GROUP BY day, role, language, document_id;
        INSERT INTO usage_active_days (year, role, language, user_id, {string.Join(", ", WordColumns)})
        SELECT CAST(substr(day, 1, 4) AS INTEGER), role, language, user_id,
               {string.Join(", ", Enumerable.Range(0, ActiveDays.Words).Select(w => $"SUM(CASE WHEN i / 64 = {w} THEN 1 << (i % 64) ELSE 0 END)"))}
        FROM (SELECT DISTINCT day, CAST(strftime('%j', day) AS INTEGER) - 1 AS i, role, language, user_id FROM usage_active_users)
        GROUP BY substr(day, 1, 4), role, language, user_id;
        """;

    private static string SnakeCase(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    private static string FormatDayKey(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly ParseDayKey(string day) => DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static async Task ApplyUsageAsync(SqliteConnection connection, DbTransaction transaction, UsageDelta delta, CancellationToken cancellationToken)
    {
        foreach (var (key, counters, sql) in delta.Changes.Select(c => (c.Key, c.Value, UpsertUsageSql))
                     .Concat(delta.DayChanges.Select(c => (c.Key, c.Value, UpsertDayUsageSql))))
        {
            await using var command = connection.CreateCommand();
            command.Transaction = (SqliteTransaction)transaction;
            command.CommandText = sql;
            command.Parameters.AddWithValue("@day", FormatDayKey(key.Day));
            if (sql == UpsertUsageSql)
            {
                command.Parameters.AddWithValue("@hour", key.Hour);
            }

            command.Parameters.AddWithValue("@role", key.Role);
            command.Parameters.AddWithValue("@language", key.Language);
            var values = counters.Scalars().Concat(counters.Latency.Counts).Concat(counters.TimeToFirstToken.Counts).ToArray();
            for (var i = 0; i < CounterColumns.Length; i++)
            {
                command.Parameters.AddWithValue("@" + CounterColumns[i], values[i]);
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var citation in delta.CitationChanges)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO usage_citations (day, hour, role, language, document_id, answers)
                VALUES (@Day, @Hour, @Role, @Language, @DocumentId, @Answers)
                ON CONFLICT (day, hour, role, language, document_id) DO UPDATE SET answers = answers + excluded.answers;
                """,
                new { Day = FormatDayKey(citation.Key.Day), citation.Key.Hour, citation.Key.Role, citation.Key.Language, citation.DocumentId, citation.Answers },
                transaction,
                cancellationToken: cancellationToken));
        }

        foreach (var citation in delta.DayCitationChanges)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO usage_citations_daily (day, role, language, document_id, answers)
                VALUES (@Day, @Role, @Language, @DocumentId, @Answers)
                ON CONFLICT (day, role, language, document_id) DO UPDATE SET answers = answers + excluded.answers;
                """,
                new { Day = FormatDayKey(citation.Key.Day), citation.Key.Role, citation.Key.Language, citation.DocumentId, citation.Answers },
                transaction,
                cancellationToken: cancellationToken));
        }
    }

    /// <summary>Sets the day's bit in the person's day markers; <paramref name="userSql"/> names the user (a parameter or a column of <paramref name="fromSql"/>).</summary>
    private static Task<int> MarkActiveDayAsync(
        SqliteConnection connection, DbTransaction transaction, DailyUsageKey key, string userSql, string fromSql, object extra, CancellationToken cancellationToken)
    {
        var parameters = new DynamicParameters(extra);
        parameters.Add("year", key.Day.Year);
        parameters.Add("role", key.Role);
        parameters.Add("language", key.Language);
        var (word, bit) = ActiveDays.WordOf(key.Day);
        for (var i = 0; i < ActiveDays.Words; i++)
        {
            parameters.Add(WordColumns[i], i == word ? bit : 0L);
        }

        return connection.ExecuteAsync(new CommandDefinition(
            UpsertActiveDaysSql.Replace("USER_SQL", userSql, StringComparison.Ordinal).Replace("FROM_SQL", fromSql, StringComparison.Ordinal), parameters, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>Counts every stored message and rating into the (empty) aggregates, as if each had just been written.</summary>
    private static async Task RecountAsync(SqliteConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var delta = new UsageDelta();
        var rows = await connection.QueryAsync<RecountRow>(new CommandDefinition(
            $"""
            SELECT m.id AS Id, m.conversation_id AS ConversationId, m.author AS Author, m.text AS Text,
                   m.created_at AS CreatedAt, m.language AS Language, m.role AS Role, m.citations AS Citations, m.model AS Model,
                   m.input_tokens AS InputTokens, m.output_tokens AS OutputTokens,
                   m.cache_read_tokens AS CacheReadTokens, m.cache_write_tokens AS CacheWriteTokens,
                   m.estimated_cost_usd AS EstimatedCostUsd, m.latency_ms AS LatencyMs,
                   m.time_to_first_token_ms AS TimeToFirstTokenMs, m.low_confidence AS LowConfidence,
                   m.interrupted AS Interrupted, m.safety AS Safety, c.user_id AS UserId,
                   m.seq = (SELECT MIN(seq) FROM messages f WHERE f.conversation_id = m.conversation_id) AS First
            FROM messages m JOIN conversations c ON c.id = m.conversation_id;
            """,
            transaction: transaction,
            cancellationToken: cancellationToken));
        var messages = new Dictionary<string, StoredMessage>();
        var markers = new HashSet<ActiveUserKey>();
        foreach (var row in rows)
        {
            var message = row.ToRecord();
            messages[message.Id] = message;
            foreach (var (key, counters) in UsageDelta.ForMessage(null, message, default, row.First != 0).Changes)
            {
                delta.Add(key, counters);
            }

            delta.AddCitations(message, +1);
            if (message.Author == MessageAuthor.User)
            {
                markers.Add(new ActiveUserKey(DailyUsageKey.For(message), row.UserId));
            }
        }

        var ratings = await connection.QueryAsync<(string MessageId, long Rating)>(new CommandDefinition(
            "SELECT message_id, rating FROM feedback;", transaction: transaction, cancellationToken: cancellationToken));
        foreach (var (messageId, rating) in ratings)
        {
            delta.Add(DailyUsageKey.For(messages[messageId]), UsageCounters.Of((FeedbackRating)rating));
        }

        await ApplyUsageAsync(connection, transaction, delta, cancellationToken);
        await InsertMarkersAsync(connection, transaction, markers, cancellationToken);
    }

    private static Task<int> BackfillRollupsAsync(SqliteConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(BackfillRollupsSql, transaction: transaction, cancellationToken: cancellationToken));

    private static async Task InsertMarkersAsync(SqliteConnection connection, DbTransaction transaction, IEnumerable<ActiveUserKey> markers, CancellationToken cancellationToken)
    {
        var days = new HashSet<ActiveUserKey>();
        foreach (var marker in markers)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT OR IGNORE INTO usage_active_users (day, hour, role, language, user_id) VALUES (@Day, @Hour, @Role, @Language, @UserId);",
                new { Day = FormatDayKey(marker.Usage.Day), marker.Usage.Hour, marker.Usage.Role, marker.Usage.Language, marker.UserId },
                transaction,
                cancellationToken: cancellationToken));
            if (days.Add(marker with { Usage = marker.Usage with { Hour = 0 } }))
            {
                await MarkActiveDayAsync(connection, transaction, marker.Usage, "@userId", "WHERE true", new { userId = marker.UserId }, cancellationToken);
            }
        }
    }

    public Task<IReadOnlyList<DailyUsage>> GetDailyUsageAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken) =>
        ReadUsageAsync(SelectUsageSql, from, to, cancellationToken);

    public Task<IReadOnlyList<DailyUsage>> GetDayTotalsAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken) =>
        ReadUsageAsync(SelectDayTotalsSql, from, to, cancellationToken);

    // Four columns, not forty-five: reading every counter of these rows cost ten times as much.
    public async Task<IReadOnlyList<HourlyActivity>> GetHourlyActivityAsync(DateOnly from, DateOnly to, IReadOnlyCollection<int> hours, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hours);
        if (hours.Count == 0)
        {
            return [];
        }

        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            """
            SELECT day, hour, role, language, questions + answers, thumbs_up, thumbs_down FROM usage_hourly
            WHERE day >= @from AND day <= @to AND hour IN (SELECT value FROM json_each(@hours));
            """;
        command.Parameters.AddWithValue("@from", FormatDayKey(from));
        command.Parameters.AddWithValue("@to", FormatDayKey(to));
        command.Parameters.AddWithValue("@hours", System.Text.Json.JsonSerializer.Serialize(hours));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<HourlyActivity>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new HourlyActivity(
                new DailyUsageKey(ParseDayKey(reader.GetString(0)), reader.GetInt32(1), reader.GetString(2), reader.GetString(3)),
                reader.GetInt64(4),
                reader.GetInt64(5),
                reader.GetInt64(6)));
        }

        return rows;
    }

    private async Task<IReadOnlyList<DailyUsage>> ReadUsageAsync(string sql, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("@from", FormatDayKey(from));
        command.Parameters.AddWithValue("@to", FormatDayKey(to));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<DailyUsage>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(ReadUsageRow(reader));
        }

        return rows;
    }

    /// <summary>A row of day, hour, role, language and then <see cref="CounterColumns"/>.</summary>
    private static DailyUsage ReadUsageRow(SqliteDataReader reader)
    {
        var key = new DailyUsageKey(ParseDayKey(reader.GetString(0)), reader.GetInt32(1), reader.GetString(2), reader.GetString(3));
        var scalars = new long[ScalarColumns.Length];
        var latency = new long[UsageHistogram.BucketCount];
        var ttft = new long[UsageHistogram.BucketCount];
        for (var i = 0; i < scalars.Length; i++)
        {
            scalars[i] = reader.GetInt64(4 + i);
        }

        for (var i = 0; i < UsageHistogram.BucketCount; i++)
        {
            latency[i] = reader.GetInt64(4 + scalars.Length + i);
            ttft[i] = reader.GetInt64(4 + scalars.Length + UsageHistogram.BucketCount + i);
        }

        return UsageCounters.FromScalars(scalars, new UsageHistogram(latency), new UsageHistogram(ttft)).ToRow(key);
    }

    public async IAsyncEnumerable<DailyUsage> ReadAllUsageAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var row in await GetDailyUsageAsync(DateOnly.MinValue, DateOnly.MaxValue, cancellationToken))
        {
            if (!row.Counters.IsZero)
            {
                yield return row;
            }
        }
    }

    public async IAsyncEnumerable<CitationUsage> ReadAllCitationUsageAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var citation in await GetCitationUsageAsync(DateOnly.MinValue, DateOnly.MaxValue, cancellationToken))
        {
            yield return citation;
        }
    }

    public async IAsyncEnumerable<ActiveUserKey> ReadAllActiveUsersAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var marker in await GetActiveUsersAsync(DateOnly.MinValue, DateOnly.MaxValue, cancellationToken))
        {
            yield return marker;
        }
    }

    /// <remarks>
    /// One transaction: each row is read and changed under the write lock, so the rows end up exactly as the
    /// snapshot says, and the rollups move by the same differences through <see cref="ApplyUsageAsync"/>.
    /// </remarks>
    public async Task RestoreUsageAsync(UsageSnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        snapshot.ThrowIfAmbiguous();
        await WriteWithUsageAsync(
            async (connection, transaction, delta) =>
            {
                foreach (var row in snapshot.Usage)
                {
                    await using var command = connection.CreateCommand();
                    command.Transaction = (SqliteTransaction)transaction;
                    command.CommandText = SelectOneUsageSql;
                    command.Parameters.AddWithValue("@day", FormatDayKey(row.Day));
                    command.Parameters.AddWithValue("@hour", row.Hour);
                    command.Parameters.AddWithValue("@role", row.Role);
                    command.Parameters.AddWithValue("@language", row.Language);
                    await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                    var stored = await reader.ReadAsync(cancellationToken) ? ReadUsageRow(reader).Counters : default;
                    delta.Add(row.Key, row.Counters - stored);
                }

                foreach (var citation in snapshot.Citations)
                {
                    var stored = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                        """
                        SELECT answers FROM usage_citations
                        WHERE day = @Day AND hour = @Hour AND role = @Role AND language = @Language AND document_id = @DocumentId;
                        """,
                        new { Day = FormatDayKey(citation.Key.Day), citation.Key.Hour, citation.Key.Role, citation.Key.Language, citation.DocumentId },
                        transaction,
                        cancellationToken: cancellationToken)) ?? 0;
                    delta.AddCitation(citation with { Answers = citation.Answers - stored });
                }

                await InsertMarkersAsync(connection, transaction, snapshot.ActiveUsers, cancellationToken);
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<CitationUsage>> GetCitationUsageAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Day, long Hour, string Role, string Language, string DocumentId, long Answers)>(new CommandDefinition(
            """
            SELECT day, hour, role, language, document_id, answers FROM usage_citations
            WHERE day >= @from AND day <= @to AND answers <> 0
            ORDER BY day, hour, role, language, document_id;
            """,
            new { from = FormatDayKey(from), to = FormatDayKey(to) },
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => new CitationUsage(new DailyUsageKey(ParseDayKey(r.Day), (int)r.Hour, r.Role, r.Language), r.DocumentId, r.Answers))];
    }

    public async Task<IReadOnlyList<ActiveUserKey>> GetActiveUsersAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Day, long Hour, string Role, string Language, string UserId)>(new CommandDefinition(
            "SELECT day, hour, role, language, user_id FROM usage_active_users WHERE day >= @from AND day <= @to;",
            new { from = FormatDayKey(from), to = FormatDayKey(to) },
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => new ActiveUserKey(new DailyUsageKey(ParseDayKey(r.Day), (int)r.Hour, r.Role, r.Language), r.UserId))];
    }

    public async Task<IReadOnlyList<CitationUsage>> GetDayCitationsAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Day, string Role, string Language, string DocumentId, long Answers)>(new CommandDefinition(
            """
            SELECT day, role, language, document_id, answers FROM usage_citations_daily
            WHERE day >= @from AND day <= @to AND answers <> 0
            ORDER BY day, role, language, document_id;
            """,
            new { from = FormatDayKey(from), to = FormatDayKey(to) },
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => new CitationUsage(new DailyUsageKey(ParseDayKey(r.Day), 0, r.Role, r.Language), r.DocumentId, r.Answers))];
    }

    public async Task<IReadOnlyList<ActiveDays>> GetActiveDaysAsync(int year, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Role, string Language, string UserId, long W0, long W1, long W2, long W3, long W4, long W5)>(new CommandDefinition(
            $"SELECT role, language, user_id, {string.Join(", ", WordColumns)} FROM usage_active_days WHERE year = @year ORDER BY role, language, user_id;",
            new { year },
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => new ActiveDays(year, r.Role, r.Language, r.UserId, ActiveDays.FromWords([r.W0, r.W1, r.W2, r.W3, r.W4, r.W5])))];
    }

    // Counted in SQL: the day markers of the whole UTC days (one row per person and year, tested against a mask of
    // the days), the hourly markers of the one or two days the window covers in part.
    public async Task<long> CountActiveUsersAsync(UsageWindow window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        var parameters = new DynamicParameters(WindowParameters(window));
        var parts = new List<string> { $"SELECT user_id FROM usage_active_users WHERE {PartialDaysSql} AND {WindowSql}" };
        if (window.WholeDays is { } whole)
        {
            for (var year = whole.First.Year; year <= whole.Last.Year; year++)
            {
                var from = year == whole.First.Year ? whole.First : new DateOnly(year, 1, 1);
                var to = year == whole.Last.Year ? whole.Last : new DateOnly(year, 12, 31);
                var mask = ActiveDays.Mask(from, to);
                parameters.Add($"y{year}", year);
                var tests = new List<string>();
                for (var i = 0; i < ActiveDays.Words; i++)
                {
                    if (mask[i] != 0)
                    {
                        parameters.Add($"m{year}_{i}", mask[i]);
                        tests.Add($"(w{i} & @m{year}_{i}) <> 0");
                    }
                }

                parts.Add($"SELECT user_id FROM usage_active_days WHERE year = @y{year} AND {FilterSql} AND ({string.Join(" OR ", tests)})");
            }
        }

        await using var connection = await OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT COUNT(DISTINCT user_id) FROM ({string.Join(" UNION ", parts)});", parameters, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyDictionary<string, long>> CountCitationsAsync(UsageWindow window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string DocumentId, long Answers)>(new CommandDefinition(
            $"""
            SELECT document_id, SUM(answers) FROM (
                SELECT document_id, answers FROM usage_citations_daily WHERE day >= @wholeFrom AND day <= @wholeTo AND {FilterSql}
                UNION ALL
                SELECT document_id, answers FROM usage_citations WHERE {PartialDaysSql} AND {WindowSql})
            GROUP BY document_id HAVING SUM(answers) > 0;
            """,
            WindowParameters(window),
            cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.DocumentId, r => r.Answers, StringComparer.Ordinal);
    }

    private const string FilterSql = "(@role IS NULL OR role = @role) AND (@language IS NULL OR language = @language)";

    private const string PartialDaysSql = "day IN (@partial0, @partial1)";

    private const string WindowSql =
        """
        day >= @fromDay AND day <= @toDay
          AND NOT (day = @fromDay AND hour < @fromHour) AND NOT (day = @toDay AND hour >= @toHour)
          AND (@role IS NULL OR role = @role) AND (@language IS NULL OR language = @language)
        """;

    private static Dictionary<string, object?> WindowParameters(UsageWindow window)
    {
        var partial = window.PartialDays;
        var whole = window.WholeDays;
        return new()
        {
            ["fromDay"] = FormatDayKey(DateOnly.FromDateTime(window.From.UtcDateTime)),
            // A window starting inside an hour (a half-hour zone) takes the hours that start in it, as Contains does.
            ["fromHour"] = window.From.UtcDateTime.Hour + (window.From.UtcDateTime.TimeOfDay.Ticks % TimeSpan.TicksPerHour == 0 ? 0 : 1),
            ["toDay"] = FormatDayKey(DateOnly.FromDateTime(window.To.UtcDateTime)),
            ["toHour"] = window.To.UtcDateTime.Hour + (window.To.UtcDateTime.TimeOfDay.Ticks % TimeSpan.TicksPerHour == 0 ? 0 : 1),
            ["role"] = window.Role,
            ["language"] = window.Language,
            // No whole day: a range no day key falls in.
            ["wholeFrom"] = whole is { } w ? FormatDayKey(w.First) : "~",
            ["wholeTo"] = whole is { } v ? FormatDayKey(v.Last) : "",
            ["partial0"] = partial.Count > 0 ? FormatDayKey(partial[0]) : "",
            ["partial1"] = partial.Count > 1 ? FormatDayKey(partial[1]) : "",
        };
    }

    public async Task<IReadOnlyList<AnalyticsMessage>> ListMessagesAsync(MessageQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        // Ratings are on answers: a question read needs no feedback join (2,000 fewer lookups for the question table).
        var rated = query.Author == MessageAuthor.Assistant;
        var sql = new StringBuilder(
            $"""
            SELECT m.id AS Id, m.conversation_id AS ConversationId, m.author AS Author, m.text AS Text,
                   m.created_at AS CreatedAt, m.language AS Language, m.role AS Role, m.citations AS Citations, m.model AS Model,
                   m.input_tokens AS InputTokens, m.output_tokens AS OutputTokens,
                   m.cache_read_tokens AS CacheReadTokens, m.cache_write_tokens AS CacheWriteTokens,
                   m.estimated_cost_usd AS EstimatedCostUsd, m.latency_ms AS LatencyMs,
                   m.time_to_first_token_ms AS TimeToFirstTokenMs, m.low_confidence AS LowConfidence,
                   m.interrupted AS Interrupted, m.safety AS Safety, c.user_id AS UserId, {(rated ? "f.rating" : "NULL")} AS Rating
            FROM messages m
            JOIN conversations c ON c.id = m.conversation_id
            {(rated ? "LEFT JOIN feedback f ON f.message_id = m.id AND f.user_id = c.user_id" : "")}
            WHERE m.created_at >= @from AND m.created_at < @to AND m.author = @author
            """);
        if (query.Role is not null)
        {
            sql.Append(" AND COALESCE(m.role, 'unknown') = @role");
        }

        if (query.Language is not null)
        {
            sql.Append(" AND m.language = @language");
        }

        if (query.OnlyWeakAnswers)
        {
            sql.Append(rated ? " AND (m.low_confidence = 1 OR f.rating = -1)" : " AND m.low_confidence = 1");
        }

        // Walking the created_at index backwards stops as soon as the limit is met.
        sql.Append(" ORDER BY m.created_at DESC, m.seq DESC LIMIT @limit;");
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<AnalyticsRow>(new CommandDefinition(
            sql.ToString(),
            new
            {
                from = FormatTime(query.From),
                to = FormatTime(query.To),
                author = FormatAuthor(query.Author),
                role = query.Role,
                language = query.Language,
                limit = query.Limit,
            },
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => new AnalyticsMessage(r.ToRecord(), r.UserId, r.Rating is { } rating ? (FeedbackRating)rating : null))];
    }

    /// <remarks>One transaction for the whole batch, with the aggregate changes summed and written once at the end.</remarks>
    public async Task SaveBatchAsync(ConversationBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await WriteWithUsageAsync(
            async (connection, transaction, delta) =>
            {
                foreach (var conversation in batch.Conversations)
                {
                    await InsertConversationAsync(connection, conversation, transaction, cancellationToken);
                }

                var owners = (await connection.QueryAsync<(string Id, string UserId)>(new CommandDefinition(
                        "SELECT id, user_id FROM conversations WHERE id IN (SELECT value FROM json_each(@ids));",
                        new { ids = System.Text.Json.JsonSerializer.Serialize(batch.Messages.Select(m => m.ConversationId).Distinct()) },
                        transaction,
                        cancellationToken: cancellationToken)))
                    .ToDictionary(o => o.Id, o => o.UserId, StringComparer.Ordinal);
                var markers = new HashSet<ActiveUserKey>();
                foreach (var message in batch.Messages)
                {
                    await SaveMessageCoreAsync(connection, transaction, message, delta, cancellationToken, owners, markers);
                }

                await InsertMarkersAsync(connection, transaction, markers, cancellationToken);

                foreach (var feedback in batch.Feedback)
                {
                    await SaveFeedbackCoreAsync(connection, transaction, feedback, delta, cancellationToken);
                }
            },
            cancellationToken);
    }

    private class RecountRow : MessageRow
    {
        public string UserId { get; set; } = "";
        public long First { get; set; }
    }

    private sealed class AnalyticsRow : RecountRow
    {
        public long? Rating { get; set; }
    }
}
