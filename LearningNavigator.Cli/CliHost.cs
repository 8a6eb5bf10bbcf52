using LearningNavigator.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LearningNavigator.Cli;

/// <summary>
/// The domain wired exactly as the web app wires it: same appsettings.json, same keys, same data folders,
/// so the CLI reads and writes the library and conversations the web app uses.
/// </summary>
public static class CliHost
{
    /// <summary>Arguments shaped like --Section:Key=value are settings, not command options.</summary>
    public static (string[] CommandArgs, Dictionary<string, string?> Settings) SplitSettings(string[] args)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var rest = new List<string>();
        foreach (var arg in args)
        {
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && equals > 2 && arg.AsSpan(2, equals - 2).Contains(':'))
            {
                settings[arg[2..equals]] = arg[(equals + 1)..];
            }
            else
            {
                rest.Add(arg);
            }
        }

        return ([.. rest], settings);
    }

    /// <param name="configureServices">
    /// Applied after the app's registrations. The program passes none; tests use it to give the DynamoDB client
    /// fixed emulator credentials instead of the AWS chain, as the web app's tests do.
    /// </param>
    public static ServiceProvider Build(
        IReadOnlyDictionary<string, string?> settings, LogLevel logLevel = LogLevel.Warning, Action<IServiceCollection>? configureServices = null)
    {
        var contentRoot = FindWebContentRoot();
        var configuration = BuildConfiguration(settings, contentRoot);
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(logLevel));
        services.AddLearningNavigator(configuration, contentRoot);
        configureServices?.Invoke(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    /// <summary>
    /// The settings as the web app layers them: appsettings.json, then LearningNavigator__Section__Key environment
    /// variables, then the command line's --Section:Key=value arguments.
    /// </summary>
    public static IConfigurationRoot BuildConfiguration(IReadOnlyDictionary<string, string?> settings, string? contentRoot = null) =>
        new ConfigurationBuilder()
            .SetBasePath(contentRoot ?? FindWebContentRoot())
            .AddJsonFile("appsettings.json", optional: true)
            .AddLearningNavigatorEnvironment()
            .AddInMemoryCollection(settings)
            .Build();

    /// <summary>
    /// The web project's folder (its content root): from LearningNavigator__ContentRoot, or found by walking up
    /// from the working directory and from the CLI's own folder.
    /// </summary>
    public static string FindWebContentRoot()
    {
        if (Environment.GetEnvironmentVariable(ConfigurationBuilderExtensions.EnvironmentPrefix + "ContentRoot") is { Length: > 0 } configured)
        {
            return Path.GetFullPath(configured);
        }

        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "LearningNavigator.Web");
                if (File.Exists(Path.Combine(candidate, "appsettings.json")))
                {
                    return candidate;
                }
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
