using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;

namespace LearningNavigator.Documents.Local;

/// <summary>
/// The durable list of documents and their ingestion state, in its own SQLite file next to the stored files,
/// so a restart knows what is ready and what was still queued. A connection per operation (pooled).
/// </summary>
internal sealed class LibraryCatalog : IDisposable
{
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";
    private const string Columns =
        """
        id AS Id, title AS Title, title_given AS TitleGiven, file_name AS FileName, stored_file AS StoredFile,
        language AS Language, requested_language AS RequestedLanguage, roles AS Roles, status AS Status,
        progress AS Progress, page_count AS PageCount, chunk_count AS ChunkCount, size_bytes AS SizeBytes,
        content_hash AS ContentHash, error AS Error, failure AS Failure, job AS Job, updated_at AS UpdatedAt
        """;

    private const string Schema =
        """
        CREATE TABLE IF NOT EXISTS documents (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            title_given INTEGER NOT NULL,
            file_name TEXT NOT NULL,
            stored_file TEXT NULL,
            language TEXT NOT NULL,
            requested_language TEXT NULL,
            roles TEXT NOT NULL,
            status TEXT NOT NULL,
            progress REAL NOT NULL,
            page_count INTEGER NULL,
            chunk_count INTEGER NULL,
            size_bytes INTEGER NOT NULL,
            content_hash TEXT NULL,
            error TEXT NULL,
            failure TEXT NULL,
            job INTEGER NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS documents_hash ON documents (content_hash);
        CREATE TABLE IF NOT EXISTS seeded (
            id TEXT PRIMARY KEY,
            content_hash TEXT NOT NULL
        );
        """;

    private readonly string _connectionString;
    private readonly SemaphoreSlim _initializeGate = new(1, 1);
    private volatile bool _initialized;

    public LibraryCatalog(string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        DatabasePath = databasePath;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 10,
        }.ToString();
    }

    public string DatabasePath { get; }

    public async Task<IReadOnlyList<CatalogEntry>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM documents ORDER BY title COLLATE NOCASE, id;", cancellationToken: cancellationToken));
        return rows.Select(r => r.ToEntry()).ToList();
    }

    public async Task<CatalogEntry?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM documents WHERE id = @id;", new { id }, cancellationToken: cancellationToken));
        return row?.ToEntry();
    }

    /// <summary>A document (not failed) holding exactly these bytes, if any.</summary>
    public async Task<CatalogEntry?> FindByHashAsync(string contentHash, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var row = await connection.QueryFirstOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM documents WHERE content_hash = @contentHash AND status <> @failed ORDER BY id LIMIT 1;",
            new { contentHash, failed = nameof(DocumentStatus.Failed) }, cancellationToken: cancellationToken));
        return row?.ToEntry();
    }

    public async Task<IReadOnlyList<string>> PendingIdsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var ids = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT id FROM documents WHERE status IN ('Queued', 'Extracting', 'Chunking', 'Indexing') ORDER BY updated_at, id;",
            cancellationToken: cancellationToken));
        return ids.ToList();
    }

    public async Task UpsertAsync(CatalogEntry entry, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO documents (id, title, title_given, file_name, stored_file, language, requested_language, roles, status,
                                   progress, page_count, chunk_count, size_bytes, content_hash, error, failure, job, updated_at)
            VALUES (@Id, @Title, @TitleGiven, @FileName, @StoredFile, @Language, @RequestedLanguage, @Roles, @Status,
                    @Progress, @PageCount, @ChunkCount, @SizeBytes, @ContentHash, @Error, @Failure, @Job, @UpdatedAt)
            ON CONFLICT (id) DO UPDATE SET
                title = excluded.title, title_given = excluded.title_given, file_name = excluded.file_name,
                stored_file = excluded.stored_file, language = excluded.language,
                requested_language = excluded.requested_language, roles = excluded.roles, status = excluded.status,
                progress = excluded.progress, page_count = excluded.page_count, chunk_count = excluded.chunk_count,
                size_bytes = excluded.size_bytes, content_hash = excluded.content_hash, error = excluded.error,
                failure = excluded.failure, job = excluded.job, updated_at = excluded.updated_at;
            """,
            Row.From(entry), cancellationToken: cancellationToken));
    }

    /// <summary>Writes a pipeline step only if the document was not queued again (or deleted) meanwhile.</summary>
    public async Task<bool> UpdateIfJobAsync(CatalogEntry entry, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE documents SET title = @Title, language = @Language, status = @Status, progress = @Progress,
                page_count = @PageCount, chunk_count = @ChunkCount, error = @Error, failure = @Failure, updated_at = @UpdatedAt
            WHERE id = @Id AND job = @Job;
            """,
            Row.From(entry), cancellationToken: cancellationToken));
        return changed == 1;
    }

    public async Task DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM documents WHERE id = @id;", new { id }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyDictionary<string, string>> SeededAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Id, string Hash)>(new CommandDefinition(
            "SELECT id, content_hash FROM seeded;", cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Id, r => r.Hash, StringComparer.Ordinal);
    }

    public async Task MarkSeededAsync(string id, string? contentHash, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            contentHash is null
                ? "DELETE FROM seeded WHERE id = @id;"
                : "INSERT INTO seeded (id, content_hash) VALUES (@id, @contentHash) ON CONFLICT (id) DO UPDATE SET content_hash = excluded.content_hash;",
            new { id, contentHash }, cancellationToken: cancellationToken));
    }

    public void Dispose() => _initializeGate.Dispose();

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        if (!_initialized)
        {
            await InitializeAsync(connection, cancellationToken);
        }

        return connection;
    }

    private async Task InitializeAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await _initializeGate.WaitAsync(cancellationToken);
        try
        {
            if (!_initialized)
            {
                await connection.ExecuteAsync(new CommandDefinition("PRAGMA journal_mode = WAL;", cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition(Schema, cancellationToken: cancellationToken));
                // Catalogs created before the failure kind was kept get the column; their old rows keep only the text.
                var hasFailure = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                    "SELECT COUNT(*) FROM pragma_table_info('documents') WHERE name = 'failure';", cancellationToken: cancellationToken));
                if (hasFailure == 0)
                {
                    await connection.ExecuteAsync(new CommandDefinition("ALTER TABLE documents ADD COLUMN failure TEXT NULL;", cancellationToken: cancellationToken));
                }

                _initialized = true;
            }
        }
        finally
        {
            _initializeGate.Release();
        }
    }

    /// <summary>The shape Dapper reads and writes; enums and lists as text.</summary>
    private sealed class Row
    {
        public string Id { get; set; } = "";
        public string Title { get; set; } = "";
        public bool TitleGiven { get; set; }
        public string FileName { get; set; } = "";
        public string? StoredFile { get; set; }
        public string Language { get; set; } = "";
        public string? RequestedLanguage { get; set; }
        public string Roles { get; set; } = "";
        public string Status { get; set; } = "";
        public double Progress { get; set; }
        public long? PageCount { get; set; }
        public long? ChunkCount { get; set; }
        public long SizeBytes { get; set; }
        public string? ContentHash { get; set; }
        public string? Error { get; set; }
        public string? Failure { get; set; }
        public long Job { get; set; }
        public string UpdatedAt { get; set; } = "";

        public static Row From(CatalogEntry e) => new()
        {
            Id = e.Id, Title = e.Title, TitleGiven = e.TitleGiven, FileName = e.FileName, StoredFile = e.StoredFile,
            Language = e.Language, RequestedLanguage = e.RequestedLanguage, Roles = string.Join(',', e.Roles),
            Status = e.Status.ToString(), Progress = e.Progress, PageCount = e.PageCount, ChunkCount = e.ChunkCount,
            SizeBytes = e.SizeBytes, ContentHash = e.ContentHash, Error = e.Error, Failure = e.Failure?.ToString(), Job = e.Job,
            UpdatedAt = e.UpdatedAt.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture),
        };

        public CatalogEntry ToEntry() => new()
        {
            Id = Id, Title = Title, TitleGiven = TitleGiven, FileName = FileName, StoredFile = StoredFile,
            Language = Language, RequestedLanguage = RequestedLanguage,
            Roles = Roles.Split(',', StringSplitOptions.RemoveEmptyEntries),
            Status = Enum.Parse<DocumentStatus>(Status), Progress = Progress,
            PageCount = (int?)PageCount, ChunkCount = (int?)ChunkCount, SizeBytes = SizeBytes, ContentHash = ContentHash,
            Error = Error, Job = Job,
            Failure = Enum.TryParse<DocumentExtractionFailure>(Failure, out var failure) ? failure : null,
            UpdatedAt = DateTimeOffset.ParseExact(UpdatedAt, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
        };
    }
}
