using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;

namespace LearningNavigator.Configuration;

public static class ConfigurationBuilderExtensions
{
    public const string EnvironmentPrefix = "LearningNavigator__";

    /// <summary>
    /// Environment variables named LearningNavigator__Section__Key override Section:Key for the web app and the
    /// CLI alike. They beat appsettings files; command-line arguments, when present, still beat them.
    /// </summary>
    public static IConfigurationBuilder AddLearningNavigatorEnvironment(this IConfigurationBuilder builder)
    {
        var source = new EnvironmentVariablesConfigurationSource { Prefix = EnvironmentPrefix };
        // The last one: WebApplication.CreateBuilder also puts the command line first (for host settings such as
        // --environment), before appsettings.json, and inserting there would let the files win.
        var commandLine = builder.Sources.ToList().FindLastIndex(s => s.GetType().Name == "CommandLineConfigurationSource");
        if (commandLine < 0)
        {
            builder.Sources.Add(source);
        }
        else
        {
            builder.Sources.Insert(commandLine, source);
        }

        return builder;
    }
}
