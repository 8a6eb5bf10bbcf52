using LearningNavigator.Cli;

namespace LearningNavigator.Tests.Cli;

public sealed class CliHostTests
{
    [Fact]
    public void Section_key_arguments_become_settings_and_the_rest_stay_command_arguments()
    {
        var (rest, settings) = CliHost.SplitSettings(["ask", "What is ALGEE?", "--role", "staff", "--Aws:Region=eu-west-1", "--Generation:Extractive:WordDelay=00:00:00"]);

        Assert.Equal(["ask", "What is ALGEE?", "--role", "staff"], rest);
        Assert.Equal("eu-west-1", settings["Aws:Region"]);
        Assert.Equal("00:00:00", settings["Generation:Extractive:WordDelay"]);
    }

    [Fact]
    public void The_web_projects_settings_are_found_from_the_test_folder()
    {
        var root = CliHost.FindWebContentRoot();

        Assert.True(File.Exists(Path.Combine(root, "appsettings.json")), root);
        Assert.Equal("LearningNavigator.Web", Path.GetFileName(root));
    }
}
