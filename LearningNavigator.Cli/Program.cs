using System.CommandLine;
using LearningNavigator.Chat;
using LearningNavigator.Cli;
using LearningNavigator.Cli.Commands;
using Microsoft.Extensions.Options;

var (commandArgs, settings) = CliHost.SplitSettings(args);
var root = new RootCommand("Learning Navigator from the command line: the same library, settings and data as the web app.")
{
    AskCommand.Create(settings),
    EvalCommand.Create(settings),
    BenchCommand.Create(),
};

try
{
    return await root.Parse(commandArgs).InvokeAsync();
}
catch (OptionsValidationException ex)
{
    Console.Error.WriteLine($"Configuration error: {string.Join(" ", ex.Failures)}");
    return 2;
}
catch (InvalidQuestionException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}
