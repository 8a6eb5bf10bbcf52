using LearningNavigator.Conversations;
using LearningNavigator.Tests.Integration;
using LearningNavigator.Tests.TestSupport;
using LearningNavigator.Web.Auth;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Tests.Web.Auth;

public sealed class DataProtectionOptionsTests : IDisposable
{
    private readonly TempDirectory contentRoot = new("ln-dp-options");

    private ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddConversationStore(configuration);
        services.AddDataProtection().PersistKeysToConfiguredStore(configuration, contentRoot.Path);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void An_unknown_store_fails_naming_DataProtection_Store()
    {
        using var services = Build(new() { ["DataProtection:Store"] = "Redis" });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<DataProtectionKeyOptions>>().Value);

        Assert.Contains("DataProtection:Store", error.Message, StringComparison.Ordinal);
        Assert.Contains("Redis", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_dynamodb_store_without_a_table_name_fails_naming_Storage_DynamoDb_TableName()
    {
        // The conversations stay in SQLite: the table's settings must be checked for the keys' sake alone.
        using var services = Build(new() { ["DataProtection:Store"] = "DynamoDb", ["Storage:DynamoDb:TableName"] = "" });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<DataProtectionKeyOptions>>().Value);

        Assert.Contains("Storage:DynamoDb:TableName", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_store_is_the_keys_folder_next_to_the_accounts_database()
    {
        using var services = Build(new() { ["Accounts:DatabasePath"] = Path.Combine(contentRoot.Path, "data", "accounts.db") });

        var repository = services.GetRequiredService<IOptions<KeyManagementOptions>>().Value.XmlRepository;

        var folder = Assert.IsType<FileSystemXmlRepository>(repository).Directory;
        Assert.Equal(Path.Combine(contentRoot.Path, "data", "keys"), folder.FullName);
    }

    [Fact]
    public void The_app_does_not_start_with_an_unknown_store()
    {
        using var factory = new NavigatorAppFactory();
        factory.ExtraSettings["DataProtection:Store"] = "Redis";

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("DataProtection:Store", error.ToString(), StringComparison.Ordinal);
    }

    public void Dispose() => contentRoot.Dispose();
}
