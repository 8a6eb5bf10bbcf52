using System.Diagnostics;
using LearningNavigator.Aws;
using LearningNavigator.Cli;
using LearningNavigator.Cli.Commands;
using LearningNavigator.Tests.Fakes;
using LearningNavigator.Tests.TestSupport;
using Microsoft.Extensions.Configuration;

namespace LearningNavigator.Tests.Cli;

/// <summary>
/// `ask` against the loopback Bedrock fakes, run as the CLI really runs: its own process, with settings from
/// --Section:Key=value arguments and LearningNavigator__Section__Key environment variables, and AWS credentials
/// from the environment (the standard chain). `ask --live` is checked only up to its refusal: tests never reach AWS.
/// </summary>
public sealed class AskCommandTests : IAsyncLifetime, IAsyncDisposable
{
    private const string Question = "How do I listen to someone in distress?";
    private readonly BedrockTestHost host = BedrockTestHost.Start();
    private readonly TempDirectory data = new("ln-cli-ask");

    public AskCommandTests()
    {
        // Words no extractive answer over the sample library would produce: only the fake says this.
        host.Runtime.DefaultStream = new ScriptedStream { Pieces = ["Claude ", "on ", "the ", "loopback ", "runtime ", "says ", "listen [1]."] };
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        data.Dispose();
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    [Fact]
    public async Task Ask_takes_the_bedrock_runtime_url_from_the_command_line()
    {
        var run = await RunCliAsync([.. Settings(runtimeUrlAsArgument: true), "ask", Question], TestCredentials());

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("Claude on the loopback runtime says listen [1].", run.Output, StringComparison.Ordinal);
        Assert.Contains("[1] algee · p. 3 (s3://kb-bucket/documents/algee.pdf)", run.Output, StringComparison.Ordinal);
        Assert.Equal([BedrockTestHost.FastModel], host.Runtime.ModelIds);
        Assert.All(host.Runtime.SignatureChecks.Concat(host.AgentRuntime.SignatureChecks), check => Assert.Equal("ok", check));
    }

    [Fact]
    public async Task Ask_takes_the_bedrock_runtime_url_from_the_environment()
    {
        var environment = TestCredentials();
        environment["LearningNavigator__Aws__BedrockRuntimeUrl"] = host.Runtime.BaseUrl.ToString();

        var run = await RunCliAsync([.. Settings(runtimeUrlAsArgument: false), "ask", Question], environment);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("Claude on the loopback runtime says listen [1].", run.Output, StringComparison.Ordinal);
        Assert.Single(host.Runtime.Requests);
    }

    [Fact]
    public async Task Ask_live_refuses_naming_what_is_missing_and_sends_nothing()
    {
        // Endpoint overrides from both places are there to be ignored; neither credentials nor the ids are.
        var environment = NoCredentials();
        environment["LearningNavigator__Aws__BedrockAgentRuntimeUrl"] = host.AgentRuntime.BaseUrl.ToString();

        var run = await RunCliAsync(
            [$"--Aws:BedrockRuntimeUrl={host.Runtime.BaseUrl}", $"--Storage:Sqlite:DatabasePath={data.Combine("navigator.db")}", "ask", "--live", Question],
            environment);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(
            "--live needs Aws:Region, Bedrock:FastModelId, Bedrock:StrongModelId, KnowledgeBase:Id, KnowledgeBase:DataSourceId, KnowledgeBase:Bucket, "
            + "AWS credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE or a role). "
            + "Give the keys as --Section:Key=value or LearningNavigator__Section__Key. Nothing was sent.",
            run.Error.Trim());
        Assert.Empty(run.Output);
        Assert.Empty(host.Runtime.SignatureChecks);
        Assert.Empty(host.AgentRuntime.SignatureChecks);
    }

    [Fact]
    public async Task A_repeated_ask_runs_past_the_per_user_question_limit_and_reports_warm_percentiles()
    {
        // The benchmark in docs/benchmarks.md: 25 answers, more than the 20 a person may ask per minute.
        var run = await RunCliAsync(
            [
                $"--Storage:Sqlite:DatabasePath={data.Combine("navigator.db")}",
                $"--Retrieval:Local:IndexPath={data.Combine("index")}",
                $"--Library:StoragePath={data.Combine("library")}",
                "--Generation:Extractive:WordDelay=00:00:00",
                "ask", "What are the steps of the ALGEE action plan?", "--repeat", "25",
            ],
            []);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("warm time to first token over 24 answers: p50", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Ask_live_sets_both_providers_to_aws_and_drops_every_endpoint_override()
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Generation:Provider"] = "Extractive",
            ["Retrieval:Provider"] = "Local",
            ["Aws:Region"] = "eu-west-1",
            ["Aws:BedrockRuntimeUrl"] = "http://127.0.0.1:9/",
            ["Aws:BedrockAgentRuntimeUrl"] = "http://127.0.0.1:9/",
            ["Aws:BedrockAgentUrl"] = "http://127.0.0.1:9/",
            ["Aws:S3Url"] = "http://127.0.0.1:9/",
            ["KnowledgeBase:Id"] = "KB12345678",
        };

        var configuration = CliHost.BuildConfiguration(AskCommand.LiveSettings(settings));

        Assert.Equal("Bedrock", configuration["Generation:Provider"]);
        Assert.Equal("BedrockKnowledgeBase", configuration["Retrieval:Provider"]);
        var aws = configuration.GetSection(AwsOptions.SectionName).Get<AwsOptions>()!;
        Assert.Equal((null, null, null, null), (aws.BedrockRuntimeUrl, aws.BedrockAgentRuntimeUrl, aws.BedrockAgentUrl, aws.S3Url));
        Assert.Equal(new Uri("https://bedrock-runtime.eu-west-1.amazonaws.com"), aws.BedrockRuntimeEndpoint);
        Assert.Equal(new Uri("https://bedrock-agent-runtime.eu-west-1.amazonaws.com"), aws.BedrockAgentRuntimeEndpoint);
        Assert.Equal(
            ["Bedrock:FastModelId", "Bedrock:StrongModelId", "KnowledgeBase:DataSourceId", "KnowledgeBase:Bucket", AskCommand.CredentialsHint],
            AskCommand.MissingForLive(configuration, credentialsAvailable: false));
        Assert.Equal("eu-west-1", configuration["Aws:Region"]);
    }

    /// <summary>Everything a Bedrock run needs, pointed at the fakes; the data in the test's own folder.</summary>
    private List<string> Settings(bool runtimeUrlAsArgument)
    {
        List<string> settings =
        [
            "--Generation:Provider=Bedrock",
            "--Retrieval:Provider=BedrockKnowledgeBase",
            $"--Aws:Region={SigV4Verifier.Region}",
            $"--Aws:BedrockAgentRuntimeUrl={host.AgentRuntime.BaseUrl}",
            $"--Aws:BedrockAgentUrl={host.Agent.BaseUrl}",
            $"--Aws:S3Url={host.S3.BaseUrl}",
            $"--Bedrock:FastModelId={BedrockTestHost.FastModel}",
            $"--Bedrock:StrongModelId={BedrockTestHost.StrongModel}",
            $"--KnowledgeBase:Id={FakeAgentRuntime.KnowledgeBaseId}",
            $"--KnowledgeBase:DataSourceId={FakeBedrockAgent.DataSourceId}",
            $"--KnowledgeBase:Bucket={FakeS3.Bucket}",
            $"--Storage:Sqlite:DatabasePath={data.Combine("navigator.db")}",
            $"--Retrieval:Local:IndexPath={data.Combine("index")}",
            $"--Library:StoragePath={data.Combine("library")}",
        ];
        if (runtimeUrlAsArgument)
        {
            settings.Add($"--Aws:BedrockRuntimeUrl={host.Runtime.BaseUrl}");
        }

        return settings;
    }

    /// <summary>The fakes' credentials, where the standard chain looks first.</summary>
    private Dictionary<string, string?> TestCredentials()
    {
        var environment = NoCredentials();
        environment["AWS_ACCESS_KEY_ID"] = SigV4Verifier.AccessKey;
        environment["AWS_SECRET_ACCESS_KEY"] = SigV4Verifier.SecretKey;
        return environment;
    }

    /// <summary>
    /// Nothing the standard chain could find: no keys, no profile files, no container or instance metadata (the
    /// chain would otherwise ask the instance metadata service over the network).
    /// </summary>
    private Dictionary<string, string?> NoCredentials() => new()
    {
        ["AWS_ACCESS_KEY_ID"] = null,
        ["AWS_SECRET_ACCESS_KEY"] = null,
        ["AWS_SESSION_TOKEN"] = null,
        ["AWS_PROFILE"] = null,
        ["AWS_DEFAULT_PROFILE"] = null,
        ["AWS_WEB_IDENTITY_TOKEN_FILE"] = null,
        ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = null,
        ["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = null,
        ["AWS_SHARED_CREDENTIALS_FILE"] = data.Combine("no-credentials"),
        ["AWS_CONFIG_FILE"] = data.Combine("no-config"),
        ["AWS_EC2_METADATA_DISABLED"] = "true",
    };

    private sealed record CliRun(int ExitCode, string Output, string Error);

    /// <summary>The CLI the build copied next to the tests, in a process of its own.</summary>
    private static async Task<CliRun> RunCliAsync(IReadOnlyList<string> arguments, Dictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "learning-navigator.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Nothing of the test process's own LearningNavigator__ settings may leak into the run.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("LearningNavigator__", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The CLI did not finish within 2 minutes. {await error}");
        }

        return new CliRun(process.ExitCode, await output, await error);
    }
}
