using System.Runtime.CompilerServices;
using Dapper;
using LearningNavigator.Conversations.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Escalations.Sqlite;

/// <summary>
/// <see cref="IEscalationStore"/> in the conversation store's SQLite file (<c>Storage:Sqlite:DatabasePath</c>), table
/// <c>escalations</c>: the record as JSON plus the columns the queue, the per-user list and the open count filter on.
/// </summary>
public sealed class SqliteEscalationStore(IOptions<SqliteStorageOptions> options) : IEscalationStore, IDisposable
{
    private const string Schema =
        """
        CREATE TABLE IF NOT EXISTS escalations (
            id          TEXT PRIMARY KEY,
            user_id     TEXT NOT NULL,
            status      TEXT NOT NULL,
            role        TEXT NOT NULL,
            language    TEXT NOT NULL,
            assignee_id TEXT,
            created_at  TEXT NOT NULL,
            version     INTEGER NOT NULL,
            body        TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS escalations_queue ON escalations (status, created_at);
        CREATE INDEX IF NOT EXISTS escalations_user ON escalations (user_id, created_at);
        -- The open count is answered from this index alone, never by reading the rows.
        CREATE INDEX IF NOT EXISTS escalations_open ON escalations (status, role, language);
        """;

    private readonly string connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = options.Value.DatabasePath,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = 10,
    }.ToString();

    private readonly SemaphoreSlim initializeGate = new(1, 1);
    private volatile bool initialized;

    public async Task<bool> CreateAsync(Escalation escalation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(escalation);
        await using var connection = await OpenAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO escalations (id, user_id, status, role, language, assignee_id, created_at, version, body)
            VALUES (@Id, @UserId, @Status, @Role, @Language, @AssigneeId, @CreatedAt, @Version, @Body)
            ON CONFLICT (id) DO NOTHING;
            """,
            Row(escalation), cancellationToken: cancellationToken));
        return inserted == 1;
    }

    public async Task<Escalation?> GetAsync(string escalationId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var body = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT body FROM escalations WHERE id = @escalationId;", new { escalationId }, cancellationToken: cancellationToken));
        return body is null ? null : EscalationJson.Deserialize(body);
    }

    public async Task<bool> UpdateAsync(Escalation updated, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updated);
        await using var connection = await OpenAsync(cancellationToken);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE escalations SET status = @Status, assignee_id = @AssigneeId, version = @Version, body = @Body
            WHERE id = @Id AND version = @Version - 1;
            """,
            Row(updated), cancellationToken: cancellationToken));
        return changed == 1;
    }

    public async Task<IReadOnlyList<Escalation>> ListAsync(EscalationQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await OpenAsync(cancellationToken);
        var bodies = await connection.QueryAsync<string>(new CommandDefinition(
            """
            SELECT body FROM escalations
            WHERE (@status IS NULL OR status = @status) AND (@assignee IS NULL OR assignee_id = @assignee)
            ORDER BY created_at DESC, id DESC LIMIT @limit;
            """,
            new { status = query.Status is { } s ? EscalationJson.Name(s) : null, assignee = query.AssigneeId, limit = query.Limit },
            cancellationToken: cancellationToken));
        return [.. bodies.Select(EscalationJson.Deserialize)];
    }

    public async Task<IReadOnlyList<Escalation>> ListForUserAsync(string userId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var bodies = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT body FROM escalations WHERE user_id = @userId ORDER BY created_at DESC, id DESC;", new { userId }, cancellationToken: cancellationToken));
        return [.. bodies.Select(EscalationJson.Deserialize)];
    }

    public async IAsyncEnumerable<Escalation> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var bodies = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT body FROM escalations ORDER BY id;", cancellationToken: cancellationToken));
        foreach (var body in bodies)
        {
            yield return EscalationJson.Deserialize(body);
        }
    }

    public async Task<int> CountOpenAsync(string? role, string? language, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            """
            SELECT COUNT(*) FROM escalations
            WHERE status IN ('new', 'in-progress') AND (@role IS NULL OR role = @role) AND (@language IS NULL OR language = @language);
            """,
            new { role, language }, cancellationToken: cancellationToken));
    }

    private static object Row(Escalation e) => new
    {
        e.Id,
        e.UserId,
        Status = EscalationJson.Name(e.Status),
        e.Role,
        e.Language,
        e.AssigneeId,
        CreatedAt = e.CreatedAt.UtcDateTime.ToString(SqliteConversationStore.TimeFormat, System.Globalization.CultureInfo.InvariantCulture),
        e.Version,
        Body = EscalationJson.Serialize(e),
    };

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!initialized)
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(options.Value.DatabasePath));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }
        }

        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        if (!initialized)
        {
            await initializeGate.WaitAsync(cancellationToken);
            try
            {
                if (!initialized)
                {
                    await connection.ExecuteAsync(new CommandDefinition(Schema, cancellationToken: cancellationToken));
                    initialized = true;
                }
            }
            finally
            {
                initializeGate.Release();
            }
        }

        return connection;
    }

    public void Dispose() => initializeGate.Dispose();
}
