using System.CommandLine;
using System.Text;
using LearningNavigator.Conversations;
using LearningNavigator.Conversations.Transfer;
using Microsoft.Extensions.DependencyInjection;

namespace LearningNavigator.Cli.Commands;

/// <summary>
/// `export` and `import`: JSON lines from and into the configured store, so data moves between SQLite and
/// DynamoDB by running one with --Storage:Provider=Sqlite and the other with --Storage:Provider=DynamoDb.
/// </summary>
public static class TransferCommands
{
    public static Command Export(IReadOnlyDictionary<string, string?> settings)
    {
        var output = new Option<FileInfo?>("--out") { Description = "File to write (JSON lines); standard output when left out." };
        var command = new Command("export", "Write every user, conversation, message and feedback of the configured store as JSON lines.") { output };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = CliHost.Build(settings);
            var store = services.GetRequiredService<IConversationStore>();
            var file = parse.GetValue(output);
            TransferCounts counts;
            if (file is null)
            {
                counts = await ConversationTransfer.ExportAsync(store, Console.Out, cancellationToken);
            }
            else
            {
                await using var writer = new StreamWriter(file.FullName, append: false, new UTF8Encoding(false));
                counts = await ConversationTransfer.ExportAsync(store, writer, cancellationToken);
            }

            Console.Error.WriteLine($"Exported {counts}.");
            return 0;
        });
        return command;
    }

    public static Command Import(IReadOnlyDictionary<string, string?> settings)
    {
        var input = new Argument<FileInfo>("file") { Description = "A file written by export." };
        var command = new Command("import", "Read an export into the configured store. The whole file is checked first; a bad file changes nothing.") { input };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var file = parse.GetValue(input)!;
            if (!file.Exists)
            {
                Console.Error.WriteLine($"{file.FullName} does not exist.");
                return 2;
            }

            await using var services = CliHost.Build(settings);
            var store = services.GetRequiredService<IConversationStore>();
            using var reader = new StreamReader(file.FullName, Encoding.UTF8);
            try
            {
                Console.Error.WriteLine($"Imported {await ConversationTransfer.ImportAsync(store, reader, cancellationToken)}.");
                return 0;
            }
            catch (InvalidDataException ex)
            {
                Console.Error.WriteLine($"{file.Name}: {ex.Message} Nothing was imported.");
                return 2;
            }
        });
        return command;
    }
}
