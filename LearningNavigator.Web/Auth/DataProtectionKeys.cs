using LearningNavigator.Configuration;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Web.Auth;

public static class DataProtectionKeys
{
    public const string KeysPathKey = "DataProtection:KeysPath";

    /// <summary>
    /// Keys live in <c>DataProtection:KeysPath</c> (in AWS: a mounted volume shared by every task) or, by
    /// default, in "keys" next to the accounts database, so sign-in cookies and circuits survive a restart.
    /// The folder is resolved when the options are first read, so configuration added late (tests) counts.
    /// </summary>
    public static IDataProtectionBuilder PersistKeysToConfiguredFolder(this IDataProtectionBuilder builder, string contentRoot)
    {
        builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(options =>
            options.XmlRepository = new FileSystemXmlRepository(
                new DirectoryInfo(ResolveFolder(sp.GetRequiredService<IConfiguration>(), contentRoot)),
                sp.GetRequiredService<ILoggerFactory>())));
        return builder;
    }

    public static string ResolveFolder(IConfiguration configuration, string contentRoot)
    {
        var configured = configuration[KeysPathKey];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return DataPaths.Resolve(contentRoot, configured);
        }

        var accounts = DataPaths.Resolve(contentRoot, configuration[$"{AccountsOptions.SectionName}:DatabasePath"] ?? new AccountsOptions().DatabasePath);
        return Path.Combine(Path.GetDirectoryName(accounts)!, "keys");
    }
}
