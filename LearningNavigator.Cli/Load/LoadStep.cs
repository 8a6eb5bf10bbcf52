using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace LearningNavigator.Cli.Load;

/// <summary>One load level: N users connected first, then asking back to back for the duration.</summary>
public static class LoadStep
{
    public static IReadOnlyList<string> Questions { get; } =
    [
        "How do I schedule a Mental Health First Aid course?",
        "What should I do if a participant becomes distressed during training?",
        "How are instructor invoices submitted and paid?",
        "Which teaching materials do I need for the adult course?",
        "How many participants can attend one course?",
        "What is the ALGEE action plan?",
        "How do I report a course as completed?",
        "What are the requirements to keep my instructor certification?",
        "How do I cancel or reschedule a course?",
        "What does the youth course cover?",
        "How should I respond when someone mentions suicide?",
        "Where do I order participant manuals?",
    ];

    private static int rounds;

    public static async Task<LoadResult> RunAsync(ILoadDriver driver, int users, TimeSpan duration, TimeSpan ramp, Process server, TextWriter log, CancellationToken cancellationToken)
    {
        var connected = new ILoadUser[users];
        var connectClock = Stopwatch.StartNew();
        // Sign-in hashes a password per user: a few at a time keeps the machine responsive for the ones already in.
        await Parallel.ForAsync(0, users, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (i, ct) =>
            connected[i] = await driver.ConnectAsync(i + 1, ct));
        log.WriteLine($"  {users} users connected through '{driver.Name}' in {connectClock.Elapsed.TotalSeconds:F1} s");

        // Every question of every step is new text, as real questions are: none is answered from a memo of an
        // earlier step (the query embedding keeps one per distinct text).
        var round = Interlocked.Increment(ref rounds);
        var answers = new ConcurrentBag<AnswerTiming>();
        // Answers still streaming at the deadline may finish (they are part of the load), but not forever.
        using var hardStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        hardStop.CancelAfter(ramp + duration + TimeSpan.FromSeconds(30));
        var clock = Stopwatch.StartNew();
        var end = ramp + duration;
        try
        {
            // People do not all press send in the same millisecond: user i joins at i/N of the ramp. What is asked
            // during the ramp warms the circuits and is not counted; the step measures the steady state after it.
            var loops = connected.Select((user, i) => Task.Run(async () =>
            {
                await Task.Delay(ramp * i / users, hardStop.Token);
                for (var n = 0; clock.Elapsed < end; n++)
                {
                    var timing = new AnswerTiming();
                    var counted = clock.Elapsed >= ramp;
                    await user.AskAsync($"{Questions[(i + n) % Questions.Count]} ({round}.{i}.{n})", timing, hardStop.Token);
                    if (counted)
                    {
                        answers.Add(timing);
                    }
                }
            }, hardStop.Token)).ToList();
            await Task.Delay(ramp, hardStop.Token);
            var measured = Stopwatch.StartNew();
            await using var sampler = new ResourceSampler(server);
            // The simulated users' own cost, shown beside the server's when the server is another process.
            await using var client = server.Id == Environment.ProcessId ? null : new ResourceSampler(Process.GetCurrentProcess());
            await Task.WhenAll(loops);
            var elapsed = measured.Elapsed;
            await sampler.DisposeAsync();
            if (client is not null)
            {
                await client.DisposeAsync();
            }

            return LoadResult.From(driver.Name, users, elapsed, [.. answers], sampler.CoresUsed, sampler.PeakWorkingSetMb, client?.CoresUsed);
        }
        finally
        {
            foreach (var user in connected)
            {
                await user.DisposeAsync();
            }
        }
    }
}

public sealed record LoadResult(
    string Driver,
    int Users,
    double Seconds,
    int Answers,
    int Failed,
    double AnswersPerSecond,
    double FirstTokenP50,
    double FirstTokenP95,
    double GapP50,
    double GapP95,
    double GapMax,
    double TokensPerSecond,
    double RetrievalP95,
    double AppAddedP50,
    double AppAddedP95,
    double ServerAppAddedP95,
    double CoresUsed,
    double PeakWorkingSetMb,
    double? ClientCoresUsed,
    IReadOnlyList<string> Errors)
{
    public static LoadResult From(string driver, int users, TimeSpan elapsed, IReadOnlyList<AnswerTiming> answers, double cores, double memoryMb, double? clientCores = null)
    {
        var done = answers.Where(a => a.Completed).ToList();
        var firstTokens = Sorted(done.Select(a => a.FirstTokenMs));
        var gaps = done.SelectMany(a => a.GapsMs).Order().ToList();
        var retrievals = Sorted(done.Select(a => a.RetrievalMs));
        var appAdded = Sorted(done.Select(a => a.AppAddedMs));
        var serverAppAdded = Sorted(done.Select(a => a.ServerAppAddedMs));
        var errors = answers.Where(a => a.Error is not null).GroupBy(a => a.Error!).Select(g => $"{g.Key} x{g.Count()}").ToList();
        var seconds = elapsed.TotalSeconds;
        return new LoadResult(
            driver, users, seconds, done.Count, answers.Count - done.Count, done.Count / seconds,
            Percentile(firstTokens, 0.5), Percentile(firstTokens, 0.95),
            Percentile(gaps, 0.5), Percentile(gaps, 0.95), gaps.Count == 0 ? double.NaN : gaps[^1],
            done.Sum(a => a.Tokens) / seconds,
            Percentile(retrievals, 0.95), Percentile(appAdded, 0.5), Percentile(appAdded, 0.95),
            Percentile(serverAppAdded, 0.95), cores, memoryMb, clientCores, errors);
    }

    public static string Header =>
        "| driver | users | answers | failed | answers/s | TTFT p50 ms | TTFT p95 ms | retrieval p95 ms | app-added p50 ms | app-added p95 ms | server-measured app-added p95 ms | gap p50 ms | gap p95 ms | gap max ms | tokens/s | CPU cores | peak WS MB | client CPU cores |\n"
        + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|";

    public string Row =>
        $"| {Driver} | {Users} | {Answers} | {Failed} | {AnswersPerSecond:F1} | {FirstTokenP50:F1} | {FirstTokenP95:F1} | {RetrievalP95:F1} | {AppAddedP50:F1} | {AppAddedP95:F1} | {(double.IsNaN(ServerAppAddedP95) ? "—" : ServerAppAddedP95.ToString("F1", CultureInfo.InvariantCulture))} | {GapP50:F1} | {GapP95:F1} | {GapMax:F0} | {TokensPerSecond:F0} | {CoresUsed:F2} | {PeakWorkingSetMb:F0} | {(ClientCoresUsed is { } client ? client.ToString("F2", CultureInfo.InvariantCulture) : "same process")} |";

    /// <summary>The measured values in order; answers that lack the measure are left out.</summary>
    private static List<double> Sorted(IEnumerable<double?> values) => [.. values.OfType<double>().Order()];

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
