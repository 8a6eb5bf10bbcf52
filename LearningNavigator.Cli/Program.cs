using System.CommandLine;
using LearningNavigator.Chat;
using LearningNavigator.Cli;
using LearningNavigator.Cli.Commands;
using Microsoft.Extensions.Options;

var (commandArgs, settings) = CliHost.SplitSettings(args);
var root = new RootCommand("Learning Navigator from the command line: the same library, settings and data as the web app.")
{
    AskCommand.Create(settings),
    DbCommand.Create(settings),
    TransferCommands.Export(settings),
    TransferCommands.Import(settings),
    IngestCommand.Create(settings),
    EvalCommand.Create(settings),
    BenchCommand.Create(),
    LearningNavigator.Cli.Load.LoadCommand.Create(settings),
    LearningNavigator.Cli.Load.StreamCostCommand.Create(settings),
    AnalyticsCommands.Seed(settings),
    AnalyticsCommands.Bench(settings),
};

try
{
    // Our own handlers below print configuration and input errors as one line, not a stack trace. Ctrl+C cancels
    // the running command; the load command then needs more than the default 2 s to stop the app it started and
    // delete its temporary data folder.
    return await root.Parse(commandArgs).InvokeAsync(new InvocationConfiguration
    {
        EnableDefaultExceptionHandler = false,
        ProcessTerminationTimeout = TimeSpan.FromSeconds(30),
    });
}
catch (OptionsValidationException ex)
{
    Console.Error.WriteLine($"Configuration error: {string.Join(" ", ex.Failures)}");
    return 2;
}
catch (System.ComponentModel.DataAnnotations.ValidationException ex)
{
    Console.Error.WriteLine($"Configuration error: {ex.Message}");
    return 2;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("Stopped.");
    return 130;
}
catch (InvalidQuestionException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}
catch (Exception ex) when (LearningNavigator.Generation.Bedrock.BedrockChatClient.AwsExceptionOf(ex) is { } aws)
{
    Console.Error.WriteLine($"AWS error: {aws.Message} ({aws.ErrorType ?? "no error code"}: {aws.AwsMessage})");
    return 3;
}

/// <summary>Kept internal: the test project also sees the web app's public Program.</summary>
internal partial class Program;
