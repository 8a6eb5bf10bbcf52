using LearningNavigator.Conversations;
using Amazon.DynamoDBv2;
using LearningNavigator.Conversations.DynamoDb;
using LearningNavigator.Conversations.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Tests.Domain.Conversations;

public sealed class ConversationsServiceCollectionExtensionsTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddConversationStore(configuration).BuildServiceProvider();
    }

    [Fact]
    public void Sqlite_provider_resolves_one_sqlite_store_on_the_configured_path()
    {
        var path = Path.Combine(Path.GetTempPath(), $"ln-di-{Guid.NewGuid():N}", "navigator.db");
        using var services = Build(new()
        {
            ["Storage:Provider"] = "Sqlite",
            ["Storage:Sqlite:DatabasePath"] = path,
        });

        var store = Assert.IsType<SqliteConversationStore>(services.GetRequiredService<IConversationStore>());

        Assert.Equal(path, store.DatabasePath);
        Assert.Same(store, services.GetRequiredService<IConversationStore>());
        // Resolving must not touch the disk; the schema is created on first use.
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Defaults_to_sqlite_under_App_Data()
    {
        using var services = Build([]);

        Assert.Equal(StorageOptions.Sqlite, services.GetRequiredService<IOptions<StorageOptions>>().Value.Provider);
        Assert.Equal("App_Data/navigator.db", services.GetRequiredService<IOptions<SqliteStorageOptions>>().Value.DatabasePath);
    }

    [Fact]
    public void An_unsupported_provider_fails_naming_Storage_Provider()
    {
        using var services = Build(new() { ["Storage:Provider"] = "Cassandra" });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IConversationStore>());

        Assert.Contains("Storage:Provider", error.Message, StringComparison.Ordinal);
        Assert.Contains("Cassandra", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_database_path_fails_validation()
    {
        using var services = Build(new() { ["Storage:Sqlite:DatabasePath"] = "" });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<SqliteStorageOptions>>().Value);

        Assert.Contains(nameof(SqliteStorageOptions.DatabasePath), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DynamoDb_provider_resolves_the_dynamodb_store_on_the_configured_table_and_endpoint()
    {
        using var services = Build(new()
        {
            ["Storage:Provider"] = "DynamoDb",
            ["Storage:DynamoDb:TableName"] = "navigator-prod",
            ["Storage:DynamoDb:MaxAttempts"] = "7",
            ["Aws:Region"] = "eu-west-2",
            ["Aws:DynamoDbUrl"] = "http://127.0.0.1:8000",
        });

        var store = Assert.IsType<DynamoDbConversationStore>(services.GetRequiredService<IConversationStore>());
        var client = services.GetRequiredService<IAmazonDynamoDB>();

        Assert.Equal("navigator-prod", store.TableName);
        Assert.Equal("http://127.0.0.1:8000/", client.Config.ServiceURL);
        Assert.Equal("eu-west-2", client.Config.AuthenticationRegion);
        Assert.Equal(Amazon.Runtime.RequestRetryMode.Standard, client.Config.RetryMode);
        Assert.Equal(6, client.Config.MaxErrorRetry);
    }

    [Theory]
    [InlineData("Storage:DynamoDb:TableName", "a b", "Storage:DynamoDb:TableName")]
    [InlineData("Storage:DynamoDb:MaxAttempts", "0", "Storage:DynamoDb:MaxAttempts")]
    [InlineData("Aws:Region", "Europe", "Aws:Region")]
    [InlineData("Aws:DynamoDbUrl", "localhost:8000", "Aws:DynamoDbUrl")]
    [InlineData("Storage:RetentionDays", "0", "Storage:RetentionDays")]
    public void A_wrong_dynamodb_setting_fails_naming_the_key(string key, string value, string named)
    {
        using var services = Build(new() { ["Storage:Provider"] = "DynamoDb", [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IConversationStore>());

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_sqlite_default_ignores_aws_keys_it_does_not_use()
    {
        using var services = Build(new() { ["Aws:Region"] = "not a region" });

        Assert.IsType<SqliteConversationStore>(services.GetRequiredService<IConversationStore>());
    }
}
