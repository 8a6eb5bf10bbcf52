using System.CommandLine;
using System.Diagnostics;
using LearningNavigator.Aws;
using LearningNavigator.Chat;
using Microsoft.Extensions.DependencyInjection;

namespace LearningNavigator.Cli.Commands;

/// <summary>`ask "question"`: the web app's answer pipeline from a terminal, streamed, with its sources.</summary>
public static class AskCommand
{
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
            Description = "Manual smoke test against real AWS (Generation:Provider=Bedrock, Retrieval:Provider=BedrockKnowledgeBase); refuses to run without AWS credentials.",
        };

        var command = new Command("ask", "Answer a question from the library and print the answer with its citations.")
        {
            question, role, language, repeat, live,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(live) && !await DefaultAwsCredentialSource.AreAvailableAsync())
            {
                Console.Error.WriteLine("--live needs AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) first. Nothing was sent.");
                return 2;
            }

            await using var services = CliHost.Build(settings);
            await services.GetRequiredService<LibraryStartup>().StartAsync(cancellationToken);
            var pipeline = services.GetRequiredService<AnswerPipeline>();
            var times = new List<double>();
            for (var i = 0; i < Math.Max(1, parse.GetValue(repeat)); i++)
            {
                var (firstToken, total) = await AskOnceAsync(pipeline, parse.GetValue(question)!, parse.GetValue(role)!, parse.GetValue(language)!, print: i == 0, cancellationToken);
                times.Add(firstToken);
                if (i == 0)
                {
                    Console.Error.WriteLine($"time to first token {firstToken:F1} ms, whole answer {total:F1} ms (first answer of this process)");
                }
            }

            if (times.Count > 2)
            {
                var warm = times.Skip(1).Order().ToList();
                Console.Error.WriteLine($"warm time to first token over {warm.Count} answers: p50 {Percentile(warm, 0.5):F2} ms, p95 {Percentile(warm, 0.95):F2} ms");
            }

            return 0;
        });
        return command;
    }

    private static async Task<(double FirstToken, double Total)> AskOnceAsync(
        AnswerPipeline pipeline, string question, string role, string language, bool print, CancellationToken cancellationToken)
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
                    if (print)
                    {
                        Console.Write(delta.Text);
                    }

                    break;
                case AnswerCompleted completed when print:
                    Console.WriteLine();
                    Console.WriteLine();
                    foreach (var citation in completed.AssistantMessage.Citations)
                    {
                        Console.WriteLine($"[{citation.Number}] {citation.Title}{(citation.Location.Length > 0 ? " · " + citation.Location : string.Empty)} ({citation.DocumentId})");
                    }

                    if (completed.AssistantMessage.LowConfidence)
                    {
                        Console.WriteLine("(low confidence: no passage answered this well)");
                    }

                    break;
            }
        }

        return (firstToken ?? double.NaN, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
