using System.CommandLine;
using System.Diagnostics;
using LearningNavigator.Analytics;
using LearningNavigator.Conversations;
using LearningNavigator.Documents;
using Microsoft.Extensions.DependencyInjection;

namespace LearningNavigator.Cli.Commands;

/// <summary>
/// `seed-analytics`: a synthetic history through the store's bulk path. `bench-analytics`: the dashboard's server
/// time (the analytics query service) for a preset range, timed over several runs.
/// </summary>
public static class AnalyticsCommands
{
    public static Command Seed(IReadOnlyDictionary<string, string?> settings)
    {
        var messages = new Option<int>("--messages") { Description = "How many messages to write (questions and answers).", DefaultValueFactory = _ => 100_000 };
        var days = new Option<int>("--days") { Description = "Spread over this many days, ending now.", DefaultValueFactory = _ => 90 };
        var users = new Option<int>("--users") { Description = "How many distinct people ask.", DefaultValueFactory = _ => 2000 };
        var seed = new Option<int>("--seed") { Description = "Random seed: the same seed writes the same data.", DefaultValueFactory = _ => 42 };
        var command = new Command("seed-analytics", "Write a synthetic chat history for the analytics dashboard.") { messages, days, users, seed };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(messages) < 2 || parse.GetValue(days) < 1 || parse.GetValue(users) < 1)
            {
                Console.Error.WriteLine("--messages must be at least 2, --days and --users at least 1. Nothing was written.");
                return 2;
            }

            await using var services = CliHost.Build(settings);
            var documents = (await services.GetRequiredService<IDocumentLibrary>().ListAsync(cancellationToken)).Select(d => d.Id).ToList();
            var seeder = new UsageSeeder(services.GetRequiredService<IUsageStore>(), TimeProvider.System);
            var started = Stopwatch.GetTimestamp();
            var progress = new Progress<int>(n => Console.Error.Write($"\r{n:N0} messages"));
            var result = await seeder.SeedAsync(parse.GetValue(messages), parse.GetValue(days), parse.GetValue(users), documents, parse.GetValue(seed), progress, cancellationToken);
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            Console.Error.WriteLine();
            Console.WriteLine($"wrote {result.Messages:N0} messages in {result.Conversations:N0} conversations with {result.Ratings:N0} ratings over {parse.GetValue(days)} days in {seconds:F1} s ({result.Messages / seconds:N0} messages/s)");
            return 0;
        });
        return command;
    }

    public static Command Bench(IReadOnlyDictionary<string, string?> settings)
    {
        var runs = new Option<int>("--runs") { Description = "Timed runs after one warm-up.", DefaultValueFactory = _ => 10 };
        var period = new Option<AnalyticsPeriod>("--range") { Description = "Preset range.", DefaultValueFactory = _ => AnalyticsPeriod.Last90Days };
        var command = new Command("bench-analytics", "Time the dashboard's server work (the analytics query service) over the stored data.") { runs, period };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = CliHost.Build(settings);
            var analytics = services.GetRequiredService<AnalyticsService>();
            var range = analytics.RangeFor(parse.GetValue(period));
            var warm = await analytics.GetReportAsync(range, AnalyticsFilter.All, cancellationToken);
            var times = new List<double>();
            var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            for (var i = 0; i < Math.Max(1, parse.GetValue(runs)); i++)
            {
                var started = Stopwatch.GetTimestamp();
                await analytics.GetReportAsync(range, AnalyticsFilter.All, cancellationToken);
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            process.Refresh();
            // CPU per report says what the work costs when the machine is shared and wall time queues for a core.
            var cpuPerRun = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / times.Count;

            times.Sort();
            Console.WriteLine($"range {range.From:yyyy-MM-dd}..{range.To:yyyy-MM-dd}: {warm.Cards.Messages:N0} messages, {warm.Cards.Conversations:N0} conversations, {warm.Cards.ActiveUsers:N0} active users, {warm.Tables.QuestionsScanned:N0} questions grouped; {Environment.ProcessorCount} cores");
            Console.WriteLine($"dashboard server time over {times.Count} runs: min {times[0]:F1} ms, median {times[times.Count / 2]:F1} ms, max {times[^1]:F1} ms; CPU {cpuPerRun:F1} ms per report");
            return 0;
        });
        return command;
    }
}
