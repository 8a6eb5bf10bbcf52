using System.CommandLine;
using System.Text;
using LearningNavigator.Conversations;
using LearningNavigator.Conversations.Transfer;
using LearningNavigator.Escalations;
using Microsoft.Extensions.DependencyInjection;

namespace LearningNavigator.Cli.Commands;

/// <summary>
/// `export` and `import`: JSON lines from and into the configured store, so data moves between SQLite and
/// DynamoDB by running one with --Storage:Provider=Sqlite and the other with --Storage:Provider=DynamoDb.
/// </summary>
/// <remarks>
/// Messages go to the invocation's error writer, so an export to standard output stays a clean file.
/// <c>configureServices</c> is <see cref="CliHost.Build"/>'s: none from the program, emulator credentials from tests.
/// </remarks>
public static class TransferCommands
{
    public static Command Export(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? configureServices = null)
    {
        var output = new Option<FileInfo?>("--out") { Description = "File to write (JSON lines); standard output when left out." };
        var command = new Command(
            "export",
            "Write every user, conversation, message, feedback and escalation of the configured store, and its usage aggregates, as JSON lines.")
        {
            output,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = CliHost.Build(settings, configureServices: configureServices);
            var stores = StoresOf(services);
            var file = parse.GetValue(output);
            TransferCounts counts;
            if (file is null)
            {
                counts = await ConversationTransfer.ExportAsync(stores, parse.InvocationConfiguration.Output, cancellationToken);
            }
            else
            {
                await using var writer = new StreamWriter(file.FullName, append: false, new UTF8Encoding(false));
                counts = await ConversationTransfer.ExportAsync(stores, writer, cancellationToken);
            }

            await parse.InvocationConfiguration.Error.WriteLineAsync($"Exported {counts}.");
            return 0;
        });
        return command;
    }

    public static Command Import(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? configureServices = null)
    {
        var input = new Argument<FileInfo>("file") { Description = "A file written by export." };
        var command = new Command(
            "import",
            "Read an export into the configured store, which must hold nothing the file does not. The whole file and the store are checked first; a refusal changes nothing.")
        {
            input,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var file = parse.GetValue(input)!;
            if (!file.Exists)
            {
                await error.WriteLineAsync($"{file.FullName} does not exist.");
                return 2;
            }

            await using var services = CliHost.Build(settings, configureServices: configureServices);
            using var reader = new StreamReader(file.FullName, Encoding.UTF8);
            try
            {
                await error.WriteLineAsync($"Imported {await ConversationTransfer.ImportAsync(StoresOf(services), reader, cancellationToken)}.");
                return 0;
            }
            catch (InvalidDataException ex)
            {
                await error.WriteLineAsync($"{file.Name}: {ex.Message} Nothing was imported.");
                return 2;
            }
            catch (ImportConflictException ex)
            {
                await error.WriteLineAsync($"{file.Name}: {ex.Message}");
                return 2;
            }
        });
        return command;
    }

    private static TransferStores StoresOf(IServiceProvider services) => new(
        services.GetRequiredService<IConversationStore>(),
        services.GetRequiredService<IUsageStore>(),
        services.GetRequiredService<IEscalationStore>());
}
