using LearningNavigator.Aws;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using LearningNavigator.Conversations.DynamoDb;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Tests.Domain.Conversations;

/// <summary>
/// DynamoDB Local (installed by test.sh under .tools/) on a free loopback port, in memory, for every test in
/// the DynamoDB collection; one shared table is created at start, and the emulator is stopped at the end.
/// When it is not installed every test of the collection fails with the reason, rather than skipping.
/// </summary>
public sealed class DynamoDbLocalFixture : IAsyncLifetime
{
    public const string SharedTableName = "ln-tests";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private Process? process;

    public string ServiceUrl { get; private set; } = "";

    public AmazonDynamoDBClient Client { get; private set; } = null!;

    /// <summary>Fixed dummy credentials (letters only: DynamoDB Local refuses others); no AWS chain is consulted.</summary>
    public static AWSCredentials Credentials { get; } = new BasicAWSCredentials("dummyaccesskey", "dummysecretkey");

    public async Task InitializeAsync()
    {
        var directory = Environment.GetEnvironmentVariable("LN_DYNAMODB_LOCAL_DIR") ?? Path.Combine(RepositoryRoot(), ".tools", "dynamodb-local");
        var jar = Path.Combine(directory, "DynamoDBLocal.jar");
        if (!File.Exists(jar))
        {
            throw new InvalidOperationException(
                $"DynamoDB Local is not installed ({jar} is missing). Run ./test.sh, or tools/dynamodb-local/install.sh, first.");
        }

        var port = FreeLoopbackPort();
        ServiceUrl = $"http://127.0.0.1:{port}";
        var start = new ProcessStartInfo("java")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Both switches: the flag alone still leaves telemetry marked as on in the metadata file it writes.
        start.Environment["DDB_LOCAL_TELEMETRY"] = "0";
        foreach (var arg in new[] { "-Xmx512m", $"-Djava.library.path={Path.Combine(directory, "DynamoDBLocal_lib")}", "-jar", jar, "-inMemory", "-sharedDb", "-disableTelemetry", "-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("java did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("DynamoDB Local needs Java on PATH (test.sh installs openjdk-17-jre-headless).", ex);
        }

        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        Client = NewClient();
        await WaitUntilServingAsync(output);
        await CreateTableAsync(SharedTableName);
    }

    public AmazonDynamoDBClient NewClient() => DynamoDbClientFactory.Create(
        new AwsOptions { DynamoDbUrl = ServiceUrl, Region = "eu-west-2" },
        new DynamoDbStorageOptions { TableName = SharedTableName, MaxAttempts = 3 },
        Credentials);

    public async Task CreateTableAsync(string name)
    {
        var table = new DynamoDbTable(Client, Options.Create(new DynamoDbStorageOptions { TableName = name }));
        await table.CreateIfMissingAsync(CancellationToken.None);
    }

    private async Task WaitUntilServingAsync(System.Text.StringBuilder output)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process!.HasExited)
            {
                throw new InvalidOperationException($"DynamoDB Local exited with code {process.ExitCode}:\n{output}");
            }

            try
            {
                await Client.ListTablesAsync(new Amazon.DynamoDBv2.Model.ListTablesRequest());
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or AmazonServiceException or AmazonClientException && deadline.Elapsed < StartTimeout)
            {
                await Task.Delay(250);
            }
        }
    }

    public Task DisposeAsync()
    {
        Client?.Dispose();
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }

        process?.Dispose();
        return Task.CompletedTask;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LearningNavigator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No LearningNavigator.sln above {AppContext.BaseDirectory}.");
    }
}

[CollectionDefinition(Name)]
public sealed class DynamoDbCollection : ICollectionFixture<DynamoDbLocalFixture>
{
    public const string Name = "DynamoDB Local";
}
