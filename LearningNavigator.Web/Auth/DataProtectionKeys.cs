using LearningNavigator.Aws;
using Amazon.DynamoDBv2;
using LearningNavigator.Configuration;
using LearningNavigator.Conversations.DynamoDb;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Web.Auth;

/// <summary>Where the data-protection keys (sign-in cookies, circuits, antiforgery) are kept. Bound from <c>DataProtection</c>.</summary>
public sealed class DataProtectionKeyOptions
{
    public const string SectionName = "DataProtection";
    public const string FileSystem = "FileSystem";
    public const string DynamoDb = "DynamoDb";

    public static IReadOnlyList<string> SupportedStores { get; } = [FileSystem, DynamoDb];

    /// <summary>
    /// <c>FileSystem</c>: a folder, right for one instance with a lasting disk. <c>DynamoDb</c>: the app's table
    /// (<c>Storage:DynamoDb:TableName</c>), right for several instances or disks that do not outlive them.
    /// </summary>
    public string Store { get; set; } = FileSystem;

    /// <summary>The folder for <c>FileSystem</c>; empty: "keys" next to the accounts database.</summary>
    public string? KeysPath { get; set; }

    public bool UsesDynamoDb => string.Equals(Store, DynamoDb, StringComparison.OrdinalIgnoreCase);
}

/// <summary>Names the offending key: an unknown store, or a DynamoDB store whose table settings are unusable.</summary>
internal sealed class DataProtectionKeyOptionsValidator(IOptions<DynamoDbStorageOptions> table, IOptions<AwsOptions> aws)
    : IValidateOptions<DataProtectionKeyOptions>
{
    public ValidateOptionsResult Validate(string? name, DataProtectionKeyOptions options)
    {
        if (!DataProtectionKeyOptions.SupportedStores.Contains(options.Store, StringComparer.OrdinalIgnoreCase))
        {
            return ValidateOptionsResult.Fail(
                $"{DataProtectionKeys.StoreKey} is '{options.Store}', which is not supported. " +
                $"Supported values: {string.Join(", ", DataProtectionKeyOptions.SupportedStores)}.");
        }

        if (!options.UsesDynamoDb)
        {
            return ValidateOptionsResult.Success;
        }

        // The table's own validator speaks only when it holds the conversations; the keys need it whatever Storage:Provider says.
        var failures = DynamoDbSettingsRules.Check(table.Value, aws.Value)
            .Select(failure => $"{failure} ({DataProtectionKeys.StoreKey} is {DataProtectionKeyOptions.DynamoDb}.)")
            .ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

public static class DataProtectionKeys
{
    public const string StoreKey = "DataProtection:Store";

    /// <summary>
    /// Keys persist where <c>DataProtection:Store</c> says, so sign-in cookies and circuits survive a restart:
    /// a folder (<c>DataProtection:KeysPath</c>, or "keys" next to the accounts database) that only outlives the
    /// process if its disk does, or the DynamoDB table, which every task of a service shares. The store is chosen
    /// when the options are first read, so configuration added late (tests) counts. The DynamoDB client and the
    /// table's options are the conversation store's (AddLearningNavigator registers them).
    /// </summary>
    public static IDataProtectionBuilder PersistKeysToConfiguredStore(this IDataProtectionBuilder builder, IConfiguration configuration, string contentRoot)
    {
        builder.Services.AddOptions<DataProtectionKeyOptions>()
            .Bind(configuration.GetSection(DataProtectionKeyOptions.SectionName))
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DataProtectionKeyOptions>, DataProtectionKeyOptionsValidator>());
        builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(options =>
            options.XmlRepository = CreateRepository(sp, contentRoot)));
        return builder;
    }

    private static IXmlRepository CreateRepository(IServiceProvider services, string contentRoot)
    {
        var options = services.GetRequiredService<IOptions<DataProtectionKeyOptions>>().Value;
        return options.UsesDynamoDb
            ? new DynamoDbXmlRepository(services.GetRequiredService<IAmazonDynamoDB>(), services.GetRequiredService<IOptions<DynamoDbStorageOptions>>().Value.TableName)
            : new FileSystemXmlRepository(
                new DirectoryInfo(ResolveFolder(options.KeysPath, services.GetRequiredService<IConfiguration>(), contentRoot)),
                services.GetRequiredService<ILoggerFactory>());
    }

    /// <summary>The configured folder, or "keys" next to the accounts database.</summary>
    private static string ResolveFolder(string? keysPath, IConfiguration configuration, string contentRoot)
    {
        if (!string.IsNullOrWhiteSpace(keysPath))
        {
            return DataPaths.Resolve(contentRoot, keysPath);
        }

        var accounts = DataPaths.Resolve(contentRoot, configuration[$"{AccountsOptions.SectionName}:DatabasePath"] ?? new AccountsOptions().DatabasePath);
        return Path.Combine(Path.GetDirectoryName(accounts)!, "keys");
    }
}
