using System.Diagnostics;

namespace LearningNavigator.Cli.Load;

/// <summary>What one `load` run does: the driver, the steps, and the app's settings.</summary>
public sealed record LoadPlan
{
    public required string Driver { get; init; }

    public required IReadOnlyList<int> Counts { get; init; }

    public required TimeSpan StepLength { get; init; }

    public required TimeSpan Ramp { get; init; }

    /// <summary>Unmeasured load before the first step (its user count), so steps see a server whose JIT has settled.</summary>
    public TimeSpan WarmUp { get; init; }

    /// <summary>Settings for the app, over <see cref="LoadHost.SettingsFor"/> (model, limits, the user's own).</summary>
    public required IReadOnlyDictionary<string, string?> Settings { get; init; }

    /// <summary>Keep the app's data here and reuse it next time; null: a temp folder, deleted afterwards.</summary>
    public string? DataFolder { get; init; }

    /// <summary>Host the app inside this tool (always so for the domain driver, which has no transport).</summary>
    public bool InProcess { get; init; }
}

/// <summary>The steps' figures, and the id of the server process when the app ran in one of its own.</summary>
public sealed record LoadReport(IReadOnlyList<LoadResult> Results, int? ServerProcessId);

/// <summary>Starts the app (its own process, or in-process), prepares the load accounts, warms up, runs the steps.</summary>
public static class LoadRunner
{
    public static async Task<LoadReport> RunAsync(LoadPlan plan, TextWriter log, CancellationToken cancellationToken)
    {
        var data = plan.DataFolder is null ? Directory.CreateTempSubdirectory("ln-load-") : Directory.CreateDirectory(plan.DataFolder);
        try
        {
            return plan.InProcess || plan.Driver == "domain"
                ? await RunInProcessAsync(plan, data.FullName, log, cancellationToken)
                : await RunAgainstServerProcessAsync(plan, data.FullName, log, cancellationToken);
        }
        finally
        {
            if (plan.DataFolder is null)
            {
                TryDelete(data);
            }
        }
    }

    private static async Task<LoadReport> RunAgainstServerProcessAsync(LoadPlan plan, string data, TextWriter log, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        // Accounts and keys are written through the app's own services, then the app is let go so the server
        // process is the only one holding the data folder.
        var keys = new Dictionary<int, string>();
        using (var host = new LoadHost(data, plan.Settings))
        {
            host.Start();
            await host.CreateAccountsAsync(plan.Counts.Max(), cancellationToken);
            if (plan.Driver == "api")
            {
                for (var i = 1; i <= plan.Counts.Max(); i++)
                {
                    keys[i] = await host.CreateApiKeyAsync(i, cancellationToken);
                }
            }
        }

        log.WriteLine($"  {plan.Counts.Max()} load accounts ready in {clock.Elapsed.TotalSeconds:F1} s");
        var settings = LoadHost.SettingsFor(data);
        foreach (var (key, value) in plan.Settings)
        {
            settings[key] = value;
        }

        clock.Restart();
        await using var server = await ServerProcess.StartAsync(settings, log, cancellationToken);
        log.WriteLine($"  app started as process {server.Process.Id} on {server.BaseAddress} in {clock.Elapsed.TotalSeconds:F1} s (ready)");
        using var api = new ApiLoadDriver(server.BaseAddress, (i, _) => Task.FromResult(keys[i]));
        ILoadDriver driver = plan.Driver == "api"
            ? api
            : new CircuitLoadDriver(server.BaseAddress, i => $"load-{i}@example.org", LoadHost.Password);
        await WarmUpAsync(driver, log, cancellationToken);
        await WarmUpUnderLoadAsync(plan, driver, server.Process, log, cancellationToken);

        var results = new List<LoadResult>();
        foreach (var count in plan.Counts)
        {
            results.Add(await LoadStep.RunAsync(driver, count, plan.StepLength, plan.Ramp, server.Process, log, cancellationToken));
            log.WriteLine(results[^1].Row);
        }

        return new LoadReport(results, server.Process.Id);
    }

    private static async Task<LoadReport> RunInProcessAsync(LoadPlan plan, string data, TextWriter log, CancellationToken cancellationToken)
    {
        using var host = new LoadHost(data, plan.Settings);
        var clock = Stopwatch.StartNew();
        var baseAddress = host.Start();
        log.WriteLine($"  app started in-process on {baseAddress} in {clock.Elapsed.TotalSeconds:F1} s (library indexed)");
        if (plan.Driver is "circuit" or "api")
        {
            await host.CreateAccountsAsync(plan.Counts.Max(), cancellationToken);
        }

        // The first questions load the embedding model and JIT the pipeline; that is start-up, not load.
        var warmUp = new DomainLoadDriver(host.Services);
        await using (var user = await warmUp.ConnectAsync(0, cancellationToken))
        {
            foreach (var question in LoadStep.Questions)
            {
                await user.AskAsync(question, new AnswerTiming(), cancellationToken);
            }
        }

        using var api = new ApiLoadDriver(baseAddress, host.CreateApiKeyAsync);
        ILoadDriver chosen = plan.Driver switch
        {
            "circuit" => new CircuitLoadDriver(baseAddress, i => $"load-{i}@example.org", LoadHost.Password),
            "api" => api,
            _ => new DomainLoadDriver(host.Services),
        };
        await WarmUpUnderLoadAsync(plan, chosen, Process.GetCurrentProcess(), log, cancellationToken);
        var results = new List<LoadResult>();
        foreach (var count in plan.Counts)
        {
            results.Add(await LoadStep.RunAsync(chosen, count, plan.StepLength, plan.Ramp, Process.GetCurrentProcess(), log, cancellationToken));
            log.WriteLine(results[^1].Row);
        }

        return new LoadReport(results, null);
    }

    /// <summary>
    /// One user asks every question once through the driver: the server loads the embedding model and JITs the
    /// pipeline, the rendering and the transport, which is start-up and not load.
    /// </summary>
    private static async Task WarmUpAsync(ILoadDriver driver, TextWriter log, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var failures = new List<string>();
        await using (var user = await driver.ConnectAsync(1, cancellationToken))
        {
            foreach (var question in LoadStep.Questions)
            {
                var timing = new AnswerTiming();
                await user.AskAsync(question, timing, cancellationToken);
                if (timing.Error is { } error)
                {
                    failures.Add(error);
                }
            }
        }

        log.WriteLine($"  warmed up through '{driver.Name}' with {LoadStep.Questions.Count} questions in {clock.Elapsed.TotalSeconds:F1} s"
            + (failures.Count == 0 ? string.Empty : $"; {failures.Count} failed: {string.Join("; ", failures.Distinct())}"));
    }

    /// <summary>
    /// A server tiers its hot code up over its first minute under load: in a short step that recompiling takes a
    /// good part of the two cores and the hot paths still run unoptimised. Real servers run for days, so the steps
    /// measure after this.
    /// </summary>
    private static async Task WarmUpUnderLoadAsync(LoadPlan plan, ILoadDriver driver, Process server, TextWriter log, CancellationToken cancellationToken)
    {
        if (plan.WarmUp <= TimeSpan.Zero)
        {
            return;
        }

        var warm = await LoadStep.RunAsync(driver, plan.Counts[0], plan.WarmUp, TimeSpan.Zero, server, TextWriter.Null, cancellationToken);
        log.WriteLine($"  warmed up under load: {warm.Users} users for {plan.WarmUp.TotalSeconds:F0} s, {warm.Answers} answers (not counted)");
    }

    private static void TryDelete(DirectoryInfo directory)
    {
        try
        {
            directory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A file still held open; the temp folder is cleaned by the system later.
        }
    }
}
