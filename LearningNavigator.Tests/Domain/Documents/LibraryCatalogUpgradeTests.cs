using Dapper;
using LearningNavigator.Documents;
using LearningNavigator.Documents.Local;
using Microsoft.Data.Sqlite;

namespace LearningNavigator.Tests.Domain.Documents;

public sealed class LibraryCatalogUpgradeTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "ln-catalog-" + Guid.NewGuid().ToString("N") + ".db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_path);
    }

    [Fact]
    public async Task A_catalog_from_before_failure_kinds_gains_the_column_and_keeps_its_rows()
    {
        await using (var connection = new SqliteConnection($"Data Source={_path}"))
        {
            await connection.ExecuteAsync(
                """
                CREATE TABLE documents (id TEXT PRIMARY KEY, title TEXT NOT NULL, title_given INTEGER NOT NULL, file_name TEXT NOT NULL,
                    stored_file TEXT NULL, language TEXT NOT NULL, requested_language TEXT NULL, roles TEXT NOT NULL, status TEXT NOT NULL,
                    progress REAL NOT NULL, page_count INTEGER NULL, chunk_count INTEGER NULL, size_bytes INTEGER NOT NULL,
                    content_hash TEXT NULL, error TEXT NULL, job INTEGER NOT NULL, updated_at TEXT NOT NULL);
                INSERT INTO documents VALUES ('old', 'Old', 1, 'old.pdf', NULL, 'en', NULL, 'instructor,admin', 'Failed', 0, NULL, NULL,
                    10, NULL, 'The PDF is encrypted.', 1, '2026-01-01T00:00:00.0000000Z');
                """);
        }

        using var catalog = new LibraryCatalog(_path);
        var old = Assert.Single(await catalog.ListAsync(CancellationToken.None));
        Assert.Equal("The PDF is encrypted.", old.Error);
        Assert.Null(old.Failure);

        await catalog.UpsertAsync(old with { Failure = DocumentExtractionFailure.Encrypted }, CancellationToken.None);
        Assert.Equal(DocumentExtractionFailure.Encrypted, (await catalog.GetAsync("old", CancellationToken.None))!.Failure);
    }
}
