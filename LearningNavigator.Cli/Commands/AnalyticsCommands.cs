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
        var parts = new Option<bool>("--parts") { Description = "Also time each read the report makes, one at a time." };
        var command = new Command("bench-analytics", "Time the dashboard's server work (the analytics query service) over the stored data.") { runs, period, parts };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = CliHost.Build(settings);
            var analytics = services.GetRequiredService<AnalyticsService>();
            var range = analytics.RangeFor(parse.GetValue(period));
            var warm = await analytics.GetReportAsync(range, AnalyticsFilter.All, cancellationToken);
            if (parse.GetValue(parts))
            {
                await TimePartsAsync(services, analytics, range, cancellationToken);
            }
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

    /// <summary>The report's reads one by one (it runs them in parallel), so a slow part shows by name.</summary>
    private static async Task TimePartsAsync(IServiceProvider services, AnalyticsService analytics, AnalyticsRange range, CancellationToken cancellationToken)
    {
        var usage = services.GetRequiredService<IUsageStore>();
        var conversations = services.GetRequiredService<IConversationStore>();
        var (start, end) = range.ToUtc(analytics.Zone);
        var window = new UsageWindow(start, end);
        var now = DateTimeOffset.UtcNow;
        var lastHour = new DateTimeOffset(now.UtcDateTime.Date.AddHours(now.UtcDateTime.Hour), TimeSpan.Zero).AddHours(-1);
        var process = Process.GetCurrentProcess();
        const int Repeats = 5;
        async Task PartAsync(string name, Func<Task> work)
        {
            await work();
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var started = Stopwatch.GetTimestamp();
            for (var i = 0; i < Repeats; i++)
            {
                await work();
            }

            var wall = Stopwatch.GetElapsedTime(started).TotalMilliseconds / Repeats;
            process.Refresh();
            Console.WriteLine($"  {name}: CPU {(process.TotalProcessorTime - cpu).TotalMilliseconds / Repeats:F1} ms, wall {wall:F1} ms");
        }

        IReadOnlyList<AnalyticsMessage> questions = [];
        IReadOnlyList<AnalyticsMessage> weak = [];
        Console.WriteLine($"parts, each alone, mean of {Repeats}:");
        await PartAsync("range totals (day rollups + hourly ends)", () => usage.GetUsageAsync(window, cancellationToken));
        await PartAsync("last hour (hourly)", () => usage.GetUsageAsync(new UsageWindow(lastHour, lastHour.AddHours(2)), cancellationToken));
        await PartAsync("series: day rollups", () => usage.GetDayTotalsAsync(range.From, range.To, cancellationToken));
        await PartAsync("series: hours on another local day", () => usage.GetHourlyActivityAsync(range.From.AddDays(-1), range.To.AddDays(1), AnalyticsService.ShiftedHours(range, analytics.Zone), cancellationToken));
        await PartAsync("active users", () => usage.CountActiveUsersAsync(window, cancellationToken));
        await PartAsync("citations", () => usage.CountCitationsAsync(window, cancellationToken));
        await PartAsync("questions read", async () => questions = await usage.ListMessagesAsync(
            new MessageQuery { From = start, To = end, Author = MessageAuthor.User, Limit = analytics.MaxQuestionsScanned }, cancellationToken));
        await PartAsync("question grouping", () => Task.FromResult(QuestionGrouper.Group(
            questions.Select(q => new QuestionGrouper.Asked(q.Message.Text, q.Message.ConversationId, q.Message.CreatedAt)), analytics.TableRows)));
        await PartAsync("weak answers read", async () => weak = await usage.ListMessagesAsync(
            new MessageQuery { From = start, To = end, Author = MessageAuthor.Assistant, OnlyWeakAnswers = true, Limit = analytics.TableRows }, cancellationToken));
        await PartAsync("weak answers' questions (their transcripts)", async () =>
        {
            foreach (var answer in weak)
            {
                await conversations.GetMessagesAsync(answer.Message.ConversationId, cancellationToken);
            }
        });
    }
}
