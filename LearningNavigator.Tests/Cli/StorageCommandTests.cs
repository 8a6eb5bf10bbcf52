using LearningNavigator.Aws;
using System.CommandLine;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using LearningNavigator.Cli;
using LearningNavigator.Cli.Commands;
using LearningNavigator.Conversations;
using LearningNavigator.Conversations.DynamoDb;
using LearningNavigator.Conversations.Transfer;
using LearningNavigator.Escalations;
using LearningNavigator.Tests.Domain.Conversations;
using LearningNavigator.Tests.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Tests.Cli;

/// <summary>
/// `db create`, `export` and `import` as the program runs them (same commands, settings and service wiring), against
/// temporary SQLite files and DynamoDB Local. Only the DynamoDB client's credentials are the test's.
/// </summary>
[Collection(DynamoDbCollection.Name)]
public sealed class StorageCommandTests(DynamoDbLocalFixture dynamo) : IDisposable
{
    private readonly TempDirectory root = new("ln-cli-storage");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        root.Dispose();
    }

    private Dictionary<string, string?> SqliteSettings(string name) => new(StringComparer.OrdinalIgnoreCase)
    {
        ["Storage:Provider"] = "Sqlite",
        ["Storage:Sqlite:DatabasePath"] = root.Combine(name, "navigator.db"),
        ["Accounts:DatabasePath"] = root.Combine(name, "accounts.db"),
        ["Library:StoragePath"] = root.Combine(name, "library"),
        ["Retrieval:Local:IndexPath"] = root.Combine(name, "index"),
    };

    private Dictionary<string, string?> DynamoSettings(string table)
    {
        var settings = SqliteSettings("dynamo-side");
        settings["Storage:Provider"] = "DynamoDb";
        settings["Storage:DynamoDb:TableName"] = table;
        settings["Aws:Region"] = "eu-west-2";
        settings["Aws:DynamoDbUrl"] = dynamo.ServiceUrl;
        return settings;
    }

    /// <summary>The app builds its client from the settings above; only the credentials are fixed dummies, not the AWS chain.</summary>
    private static void EmulatorCredentials(IServiceCollection services)
    {
        services.RemoveAll<IAmazonDynamoDB>();
        services.AddSingleton<IAmazonDynamoDB>(sp => DynamoDbClientFactory.Create(
            sp.GetRequiredService<IOptions<AwsOptions>>().Value,
            sp.GetRequiredService<IOptions<DynamoDbStorageOptions>>().Value,
            DynamoDbLocalFixture.Credentials));
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(Dictionary<string, string?> settings, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var command = new RootCommand
        {
            DbCommand.Create(settings, EmulatorCredentials),
            TransferCommands.Export(settings, EmulatorCredentials),
            TransferCommands.Import(settings, EmulatorCredentials),
        };
        var exitCode = await command.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        return (exitCode, output.ToString(), error.ToString());
    }

    private static async Task<List<string>> DerivedAsync(Dictionary<string, string?> settings)
    {
        await using var services = CliHost.Build(settings, configureServices: EmulatorCredentials);
        return await TransferSample.DerivedAsync(new TransferStores(
            services.GetRequiredService<IConversationStore>(), services.GetRequiredService<IUsageStore>(), services.GetRequiredService<IEscalationStore>()));
    }

    [Fact]
    public async Task Db_create_makes_the_table_with_GSI1_and_TTL_on_ExpiresAt_and_a_second_run_changes_nothing()
    {
        var table = $"ln-cli-{Guid.NewGuid():N}";

        var first = await RunAsync(DynamoSettings(table), "db", "create");
        var described = (await dynamo.Client.DescribeTableAsync(table)).Table;
        var ttl = (await dynamo.Client.DescribeTimeToLiveAsync(new DescribeTimeToLiveRequest { TableName = table })).TimeToLiveDescription;
        var second = await RunAsync(DynamoSettings(table), "db", "create");
        var again = (await dynamo.Client.DescribeTableAsync(table)).Table;
        var ttlAgain = (await dynamo.Client.DescribeTimeToLiveAsync(new DescribeTimeToLiveRequest { TableName = table })).TimeToLiveDescription;

        Assert.Equal((0, $"Created table {table}: on-demand capacity, index GSI1, TTL on ExpiresAt.\n", ""), (first.ExitCode, first.Output.ReplaceLineEndings("\n"), first.Error));
        Assert.Equal(TableStatus.ACTIVE, described.TableStatus);
        Assert.Equal("PAY_PER_REQUEST", described.BillingModeSummary?.BillingMode?.Value);
        Assert.Equal(["PK:HASH", "SK:RANGE"], described.KeySchema.Select(k => $"{k.AttributeName}:{k.KeyType}"));
        var gsi = Assert.Single(described.GlobalSecondaryIndexes);
        Assert.Equal(("GSI1", "ALL"), (gsi.IndexName, gsi.Projection.ProjectionType.Value));
        Assert.Equal(["GSI1PK:HASH", "GSI1SK:RANGE"], gsi.KeySchema.Select(k => $"{k.AttributeName}:{k.KeyType}"));
        Assert.Equal((TimeToLiveStatus.ENABLED, "ExpiresAt"), (ttl.TimeToLiveStatus, ttl.AttributeName));

        Assert.Equal((0, $"Table {table} already exists; left as it is.\n"), (second.ExitCode, second.Output.ReplaceLineEndings("\n")));
        Assert.Equal(described.CreationDateTime, again.CreationDateTime);
        Assert.Equal(described.KeySchema.Count, again.KeySchema.Count);
        Assert.Equal(gsi.IndexName, Assert.Single(again.GlobalSecondaryIndexes).IndexName);
        Assert.Equal((ttl.TimeToLiveStatus, ttl.AttributeName), (ttlAgain.TimeToLiveStatus, ttlAgain.AttributeName));
    }

    [Fact]
    public async Task Db_create_on_a_table_without_ttl_turns_it_on_and_on_one_with_ttl_elsewhere_says_nothing_would_expire()
    {
        var bare = $"ln-cli-{Guid.NewGuid():N}";
        var elsewhere = $"ln-cli-{Guid.NewGuid():N}";
        // Made by hand, as an operator might have: keys only, no TTL.
        foreach (var name in new[] { bare, elsewhere })
        {
            await dynamo.Client.CreateTableAsync(new CreateTableRequest
            {
                TableName = name,
                BillingMode = BillingMode.PAY_PER_REQUEST,
                AttributeDefinitions = [new("PK", ScalarAttributeType.S), new("SK", ScalarAttributeType.S)],
                KeySchema = [new("PK", KeyType.HASH), new("SK", KeyType.RANGE)],
            });
        }

        await dynamo.Client.UpdateTimeToLiveAsync(new UpdateTimeToLiveRequest
        {
            TableName = elsewhere,
            TimeToLiveSpecification = new TimeToLiveSpecification { AttributeName = "ttl", Enabled = true },
        });

        var turnedOn = await RunAsync(DynamoSettings(bare), "db", "create");
        var refused = await RunAsync(DynamoSettings(elsewhere), "db", "create");

        Assert.Equal(0, turnedOn.ExitCode);
        Assert.Contains("TTL was off and is now on ExpiresAt", turnedOn.Output, StringComparison.Ordinal);
        var ttl = (await dynamo.Client.DescribeTimeToLiveAsync(new DescribeTimeToLiveRequest { TableName = bare })).TimeToLiveDescription;
        Assert.Equal((TimeToLiveStatus.ENABLED, "ExpiresAt"), (ttl.TimeToLiveStatus, ttl.AttributeName));
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("TTL on 'ttl', but the app writes ExpiresAt", refused.Error, StringComparison.Ordinal);
        var unchanged = (await dynamo.Client.DescribeTimeToLiveAsync(new DescribeTimeToLiveRequest { TableName = elsewhere })).TimeToLiveDescription;
        Assert.Equal("ttl", unchanged.AttributeName);
    }

    [Fact]
    public async Task Db_create_on_the_sqlite_provider_says_how_to_choose_DynamoDB()
    {
        var (exitCode, output, error) = await RunAsync(SqliteSettings("sqlite-create"), "db", "create");

        Assert.Equal((2, ""), (exitCode, output));
        Assert.Contains("Add --Storage:Provider=DynamoDb.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_from_Sqlite_import_into_DynamoDB_and_back_moves_everything_and_a_rerun_changes_nothing()
    {
        var source = SqliteSettings("source");
        await using (var services = CliHost.Build(source))
        {
            await TransferSample.FillAsync(new TransferStores(
                services.GetRequiredService<IConversationStore>(), services.GetRequiredService<IUsageStore>(), services.GetRequiredService<IEscalationStore>()));
        }

        var table = $"ln-cli-{Guid.NewGuid():N}";
        var target = DynamoSettings(table);
        var file = root.Combine("source.jsonl");

        var exported = await RunAsync(source, "export", "--out", file);
        var created = await RunAsync(target, "db", "create");
        var imported = await RunAsync(target, "import", file);
        var reimported = await RunAsync(target, "import", file);
        var fromDynamo = await RunAsync(target, "export");
        var back = SqliteSettings("back");
        var dynamoFile = root.Combine("dynamo.jsonl");
        await File.WriteAllTextAsync(dynamoFile, fromDynamo.Output);
        var importedBack = await RunAsync(back, "import", dynamoFile);
        var fromBack = await RunAsync(back, "export");

        const string Counts = "2 users, 2 conversations, 4 messages, 2 feedback, 2 escalations, 3 usage rows, 2 citation counts, 3 active-user markers.";
        Assert.Equal((0, $"Exported {Counts}"), (exported.ExitCode, exported.Error.Trim()));
        Assert.Equal(0, created.ExitCode);
        Assert.Equal((0, $"Imported {Counts}"), (imported.ExitCode, imported.Error.Trim()));
        Assert.Equal((0, $"Imported {Counts}"), (reimported.ExitCode, reimported.Error.Trim()));
        Assert.Equal((0, $"Exported {Counts}"), (fromDynamo.ExitCode, fromDynamo.Error.Trim()));
        Assert.Equal(0, importedBack.ExitCode);
        var lines = TransferSample.SortedLines(await File.ReadAllTextAsync(file));
        Assert.Equal(lines, TransferSample.SortedLines(fromDynamo.Output));
        Assert.Equal(lines, TransferSample.SortedLines(fromBack.Output));
        var derived = await DerivedAsync(source);
        Assert.Equal(derived, await DerivedAsync(target));
        Assert.Equal(derived, await DerivedAsync(back));
    }

    [Fact]
    public async Task Import_of_a_bad_file_names_the_line_exits_2_and_writes_nothing()
    {
        var target = SqliteSettings("bad-target");
        var file = root.Combine("bad.jsonl");
        await File.WriteAllLinesAsync(file,
        [
            "{\"type\":\"header\",\"format\":\"learning-navigator-conversations\",\"version\":2}",
            "{\"type\":\"user\",\"user\":{\"id\":\"u1\",\"email\":\"a@b.c\",\"displayName\":\"A\",\"role\":\"staff\"}}",
            "{\"type\":\"usage\",\"day\":\"2025-09-01\",\"hour\":30,\"role\":\"staff\",\"language\":\"en\",\"counters\":{\"questions\":1}}",
        ]);

        var (exitCode, _, error) = await RunAsync(target, "import", file);
        var after = await RunAsync(target, "export");

        Assert.Equal(2, exitCode);
        Assert.Equal("bad.jsonl: Line 3: hour 30 is not 0 to 23. Nothing was imported.", error.Trim());
        Assert.Single(after.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));   // the header alone
    }
}
