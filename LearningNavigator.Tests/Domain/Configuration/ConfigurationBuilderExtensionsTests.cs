using LearningNavigator.Configuration;
using Microsoft.Extensions.Configuration;

namespace LearningNavigator.Tests.Domain.Configuration;

public sealed class ConfigurationBuilderExtensionsTests
{
    [Fact]
    public void Prefixed_environment_variables_override_files_and_lose_to_the_command_line()
    {
        var key = "Probe" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable($"LearningNavigator__{key}__Value", "from-environment");
        try
        {
            var withoutCommandLine = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { [$"{key}:Value"] = "from-file" })
                .AddLearningNavigatorEnvironment()
                .Build();
            var withCommandLine = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { [$"{key}:Value"] = "from-file" })
                .AddCommandLine([$"--{key}:Value=from-command-line"])
                .AddLearningNavigatorEnvironment()
                .Build();

            Assert.Equal("from-environment", withoutCommandLine[$"{key}:Value"]);
            Assert.Equal("from-command-line", withCommandLine[$"{key}:Value"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable($"LearningNavigator__{key}__Value", null);
        }
    }

    [Fact]
    public void The_web_apps_configuration_manager_takes_them_even_when_the_command_line_has_arguments()
    {
        // WebApplication.CreateBuilder's ConfigurationManager with "--urls ..." on the command line: the case of
        // `dotnet run -- --urls ...` and of the first-run test, where the overrides were once silently lost.
        var key = "Probe" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable($"LearningNavigator__{key}__Value", "from-environment");
        Environment.SetEnvironmentVariable($"LearningNavigator__{key}__Other", "from-environment");
        try
        {
            string[] args = ["--urls", "http://127.0.0.1:0", $"--{key}:Other=from-command-line"];
            using var configuration = new ConfigurationManager();
            // The order WebApplication.CreateBuilder(args) uses: command line for host settings, files, command line.
            configuration.AddCommandLine(args);
            configuration.AddInMemoryCollection(new Dictionary<string, string?> { [$"{key}:Value"] = "from-file", [$"{key}:Other"] = "from-file" });
            configuration.AddCommandLine(args);
            configuration.AddLearningNavigatorEnvironment();

            Assert.Equal("from-environment", configuration[$"{key}:Value"]);
            Assert.Equal("from-command-line", configuration[$"{key}:Other"]);
            Assert.Equal("http://127.0.0.1:0", configuration["urls"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable($"LearningNavigator__{key}__Value", null);
            Environment.SetEnvironmentVariable($"LearningNavigator__{key}__Other", null);
        }
    }

    [Theory]
    [InlineData("/srv/app", "App_Data/index", "/srv/app/App_Data/index")]
    [InlineData("/srv/app", "/var/lib/index", "/var/lib/index")]
    public void Relative_data_paths_resolve_against_the_content_root(string root, string path, string expected) =>
        Assert.Equal(expected, DataPaths.Resolve(root, path));
}
