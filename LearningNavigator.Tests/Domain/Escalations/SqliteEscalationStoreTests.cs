using LearningNavigator.Conversations.Sqlite;
using LearningNavigator.Escalations;
using LearningNavigator.Escalations.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Tests.Domain.Escalations;

public sealed class SqliteEscalationStoreTests : EscalationStoreContractTests
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), $"ln-esc-{Guid.NewGuid():N}");

    private string DatabasePath => Path.Combine(directory, "App_Data", "navigator.db");

    // In a folder that does not exist yet, as on a fresh machine.
    protected override Task<IEscalationStore> CreateStoreAsync() => Task.FromResult<IEscalationStore>(
        new SqliteEscalationStore(Options.Create(new SqliteStorageOptions { DatabasePath = DatabasePath })));

    protected override Task DeleteStorageAsync()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_open_count_is_answered_from_an_index_not_a_table_scan()
    {
        await Store.CreateAsync(NewEscalation(), Ct);
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN SELECT COUNT(*) FROM escalations WHERE status IN ('new', 'in-progress') AND (@role IS NULL OR role = @role) AND (@language IS NULL OR language = @language);";
        command.Parameters.AddWithValue("@role", "instructor");
        command.Parameters.AddWithValue("@language", "en");
        await using var reader = await command.ExecuteReaderAsync();
        var plan = new List<string>();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(3));
        }

        Assert.Contains(plan, step => step.Contains("COVERING INDEX escalations_open", StringComparison.Ordinal));
    }
}
