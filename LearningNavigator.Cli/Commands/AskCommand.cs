using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using LearningNavigator.Aws;
using LearningNavigator.Chat;
using LearningNavigator.Generation;
using LearningNavigator.Knowledge.Local;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LearningNavigator.Cli.Commands;

/// <summary>`ask "question"`: the web app's answer pipeline from a terminal, streamed, with its sources.</summary>
public static class AskCommand
{
    /// <summary>What a live run needs besides credentials: every key the Bedrock and Knowledge Base options require.</summary>
    public static readonly IReadOnlyList<string> LiveKeys =
        ["Aws:Region", "Bedrock:FastModelId", "Bedrock:StrongModelId", "KnowledgeBase:Id", "KnowledgeBase:DataSourceId", "KnowledgeBase:Bucket"];

    /// <summary>The endpoint overrides a live run drops, so it reaches AWS itself and never a fake left in the environment.</summary>
    public static readonly IReadOnlyList<string> EndpointOverrides = ["Aws:BedrockRuntimeUrl", "Aws:BedrockAgentRuntimeUrl", "Aws:BedrockAgentUrl", "Aws:S3Url"];

    private const string QuestionLimitKey = "RateLimiting:Questions:PermitLimit";

    public const string CredentialsHint = "AWS credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE or a role)";

    public static Command Create(IReadOnlyDictionary<string, string?> settings)
    {
        var question = new Argument<string>("question") { Description = "The question, 1-2000 characters." };
        var role = new Option<string>("--role") { Description = "Ask as this role.", DefaultValueFactory = _ => AppRoles.Instructor };
        role.AcceptOnlyFromAmong([.. AppRoles.All]);
        var language = new Option<string>("--lang") { Description = "Interface language.", DefaultValueFactory = _ => "en" };
        language.AcceptOnlyFromAmong("en", "es");
        var repeat = new Option<int>("--repeat") { Description = "Ask this many times and print time-to-first-token percentiles.", DefaultValueFactory = _ => 1 };

        var live = new Option<bool>("--live")
        {
            Description = "Manual smoke test against real AWS: sets Generation:Provider=Bedrock and Retrieval:Provider=BedrockKnowledgeBase, "
                + "ignores the Aws:*Url endpoint overrides, and refuses to run without AWS credentials, Aws:Region, the Bedrock model ids and the KnowledgeBase:* ids.",
        };

        var command = new Command("ask", "Answer a question from the library and print the answer with its citations.")
        {
            question, role, language, repeat, live,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (output, error) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            var effective = settings;
            if (parse.GetValue(live))
            {
                effective = LiveSettings(settings);
                var configuration = CliHost.BuildConfiguration(effective);
                var missing = MissingForLive(configuration, await DefaultAwsCredentialSource.AreAvailableAsync());
                if (missing.Count > 0)
                {
                    await error.WriteLineAsync(
                        $"--live needs {string.Join(", ", missing)}. Give the keys as --Section:Key=value or LearningNavigator__Section__Key. Nothing was sent.");
                    return 2;
                }

                await error.WriteLineAsync(
                    $"live: Amazon Bedrock and knowledge base {configuration["KnowledgeBase:Id"]} in {configuration["Aws:Region"]}; endpoint overrides ignored.");
            }

            var times = Math.Max(1, parse.GetValue(repeat));
            if (times > 1 && !effective.ContainsKey(QuestionLimitKey))
            {
                // A repeated ask is the operator timing the pipeline; the per-user limit guards the service from
                // people, and would end the run after 20 answers. A limit given on the command line still applies.
                effective = new Dictionary<string, string?>(effective, StringComparer.OrdinalIgnoreCase) { [QuestionLimitKey] = times.ToString(CultureInfo.InvariantCulture) };
            }

            await using var services = CliHost.Build(effective);
            await services.GetRequiredService<LibraryStartup>().StartAsync(cancellationToken);
            var pipeline = services.GetRequiredService<AnswerPipeline>();
            var firstTokens = new List<double>();
            for (var i = 0; i < times; i++)
            {
                var (firstToken, total) = await AskOnceAsync(
                    pipeline, parse.GetValue(question)!, parse.GetValue(role)!, parse.GetValue(language)!, i == 0 ? output : null, cancellationToken);
                firstTokens.Add(firstToken);
                if (i == 0)
                {
                    await error.WriteLineAsync($"time to first token {firstToken:F1} ms, whole answer {total:F1} ms (first answer of this process)");
                }
            }

            if (firstTokens.Count > 2)
            {
                var warm = firstTokens.Skip(1).Order().ToList();
                await error.WriteLineAsync($"warm time to first token over {warm.Count} answers: p50 {Percentile(warm, 0.5):F2} ms, p95 {Percentile(warm, 0.95):F2} ms");
            }

            return 0;
        });
        return command;
    }

    /// <summary>
    /// The settings of a live run: both providers on AWS, and every endpoint override set to null. The command
    /// line's settings are the last configuration layer, so a null here also hides an override that appsettings or a
    /// LearningNavigator__Aws__…Url environment variable still holds.
    /// </summary>
    public static Dictionary<string, string?> LiveSettings(IReadOnlyDictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var live = new Dictionary<string, string?>(settings, StringComparer.OrdinalIgnoreCase)
        {
            ["Generation:Provider"] = GenerationOptions.BedrockProvider,
            ["Retrieval:Provider"] = RetrievalOptions.BedrockKnowledgeBaseProvider,
        };
        foreach (var key in EndpointOverrides)
        {
            live[key] = null;
        }

        return live;
    }

    /// <summary>What a live run lacks, in the order an operator would set it up; empty when it can go.</summary>
    public static IReadOnlyList<string> MissingForLive(IConfiguration configuration, bool credentialsAvailable)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        List<string> missing = [.. LiveKeys.Where(key => string.IsNullOrWhiteSpace(configuration[key]))];
        if (!credentialsAvailable)
        {
            missing.Add(CredentialsHint);
        }

        return missing;
    }

    /// <param name="output">Where the answer and its sources go; null to ask without printing.</param>
    private static async Task<(double FirstToken, double Total)> AskOnceAsync(
        AnswerPipeline pipeline, string question, string role, string language, TextWriter? output, CancellationToken cancellationToken)
    {
        var request = new AskRequest
        {
            UserId = "cli",
            Role = role,
            ConversationId = Guid.CreateVersion7().ToString("N"),
            Text = question,
            Language = language,
        };
        var started = Stopwatch.GetTimestamp();
        double? firstToken = null;
        await foreach (var update in pipeline.AskAsync(request, cancellationToken))
        {
            switch (update)
            {
                case AnswerDelta delta:
                    firstToken ??= Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    if (output is not null)
                    {
                        await output.WriteAsync(delta.Text);
                        await output.FlushAsync(cancellationToken);
                    }

                    break;
                case AnswerCompleted completed when output is not null:
                    await output.WriteLineAsync();
                    await output.WriteLineAsync();
                    foreach (var citation in completed.AssistantMessage.Citations)
                    {
                        await output.WriteLineAsync(
                            $"[{citation.Number}] {citation.Title}{(citation.Location.Length > 0 ? " · " + citation.Location : string.Empty)} ({citation.DocumentId})");
                    }

                    if (completed.AssistantMessage.LowConfidence)
                    {
                        await output.WriteLineAsync("(low confidence: no passage answered this well)");
                    }

                    break;
            }
        }

        return (firstToken ?? double.NaN, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
