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

    [Theory]
    [InlineData("/srv/app", "App_Data/index", "/srv/app/App_Data/index")]
    [InlineData("/srv/app", "/var/lib/index", "/var/lib/index")]
    public void Relative_data_paths_resolve_against_the_content_root(string root, string path, string expected) =>
        Assert.Equal(expected, DataPaths.Resolve(root, path));
}
