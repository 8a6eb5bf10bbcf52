using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using LearningNavigator.Cli.Load.Circuit;

namespace LearningNavigator.Cli.Load;

/// <summary>
/// `load`: N simulated users, each holding a conversation and asking back to back, against the real web app
/// started as a process of its own on a loopback port (in-process with --in-process, and always for the domain
/// driver; or an app already running on loopback, with --url). Bounded: at most
/// <see cref="MaxUsers"/> users and <see cref="MaxDuration"/> per step.
/// </summary>
public static class LoadCommand
{
    public const int MaxUsers = 500;
    public static readonly TimeSpan MaxDuration = TimeSpan.FromMinutes(5);

    public static Command Create(IReadOnlyDictionary<string, string?> settings)
    {
        var users = new Option<string>("--users") { Description = "Comma-separated user counts, one step each (at most 500).", DefaultValueFactory = _ => "50,100,200" };
        var duration = new Option<string>("--duration") { Description = "Length of each step: 30s, 2m, 500ms (at most 5m).", DefaultValueFactory = _ => "20s" };
        var driver = new Option<string>("--driver") { Description = "circuit: real Blazor circuits over SignalR; api: the HTTP API with server-sent events and API keys; domain: the answer pipeline in-process.", DefaultValueFactory = _ => "circuit" };
        driver.AcceptOnlyFromAmong("circuit", "api", "domain");
        var model = new Option<string>("--model") { Description = "offline: the extractive answerer; paced: a fake model with a fixed inter-token delay.", DefaultValueFactory = _ => "offline" };
        model.AcceptOnlyFromAmong("offline", "paced");
        var tokenDelay = new Option<string>("--token-delay") { Description = "Inter-token delay of the model (offline: Generation:Extractive:WordDelay, paced: Generation:Paced:TokenDelay).", DefaultValueFactory = _ => "15ms" };
        var url = new Option<string?>("--url") { Description = "Target an app already running on loopback (circuit driver; signs in as --email with --password) instead of starting one." };
        var email = new Option<string>("--email") { Description = "With --url: the account every simulated user signs in as.", DefaultValueFactory = _ => "instructor@example.org" };
        var password = new Option<string?>("--password") { Description = "With --url: that account's password." };
        var dataFolder = new Option<string?>("--data") { Description = "Keep the started app's data (index, databases) in this folder and reuse it next time, instead of a temp folder." };
        var warmUp = new Option<string>("--warm-up") { Description = "Before the first step, the first step's users ask back to back for this long, unmeasured, so the server's JIT has settled (0s: one user asks each question once only).", DefaultValueFactory = _ => "30s" };
        var ramp = new Option<string>("--ramp") { Description = "Users join evenly over this time before each step is measured; what they ask meanwhile is not counted (0s: all at once).", DefaultValueFactory = _ => "5s" };
        var serverPid = new Option<int?>("--server-pid") { Description = "With --url: the server's process id, so CPU and memory are the server's and not this tool's." };
        var inProcess = new Option<bool>("--in-process") { Description = "Host the app inside this tool (its GC settings, CPU and memory mixed with the clients') instead of starting LearningNavigator.Web.dll as a process of its own." };

        var command = new Command("load", "Simulate N concurrent users and print answers/s, time to first token, inter-token gaps, CPU and memory.")
        {
            users, duration, ramp, warmUp, driver, model, tokenDelay, url, email, password, serverPid, dataFolder, inProcess,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!TryParseCounts(parse.GetValue(users)!, out var counts) || !TryParseDuration(parse.GetValue(duration)!, out var stepLength)
                || !TryParseDuration(parse.GetValue(tokenDelay)!, out var delay) || !TryParseDuration(parse.GetValue(ramp)!, out var rampLength)
                || !TryParseDuration(parse.GetValue(warmUp)!, out var warmUpLength))
            {
                Console.Error.WriteLine($"--users takes counts 1-{MaxUsers} separated by commas; --duration, --ramp, --warm-up and --token-delay take 0s, 500ms, 30s or 2m (at most 5m).");
                return 2;
            }

            var driverName = parse.GetValue(driver)!;
            var target = parse.GetValue(url);
            if (target is not null && (!Uri.TryCreate(target, UriKind.Absolute, out var targetUri) || !IsLoopback(targetUri) || driverName != "circuit"))
            {
                Console.Error.WriteLine("--url must be an http(s) address on loopback (localhost, 127.0.0.1, [::1]) and needs --driver circuit.");
                return 2;
            }

            var modelSettings = ModelSettings(parse.GetValue(model)!, delay, counts.Max());
            var all = new Dictionary<string, string?>(settings, StringComparer.OrdinalIgnoreCase);
            foreach (var (key, value) in modelSettings)
            {
                all.TryAdd(key, value);
            }

            Console.WriteLine($"load: driver {driverName}, model {parse.GetValue(model)} ({delay.TotalMilliseconds:F0} ms between tokens), steps {string.Join(", ", counts)} users x {stepLength.TotalSeconds:F0} s after a {rampLength.TotalSeconds:F0} s ramp, {Environment.ProcessorCount} cores");
            var results = new List<LoadResult>();
            if (target is not null)
            {
                var server = parse.GetValue(serverPid) is { } pid ? Process.GetProcessById(pid) : Process.GetCurrentProcess();
                var remote = new CircuitLoadDriver(new Uri(target), _ => parse.GetValue(email)!, parse.GetValue(password) ?? string.Empty);
                foreach (var count in counts)
                {
                    results.Add(await LoadStep.RunAsync(remote, count, stepLength, rampLength, server, Console.Out, cancellationToken));
                    Console.WriteLine(results[^1].Row);
                }
            }
            else
            {
                var plan = new LoadPlan
                {
                    Driver = driverName,
                    Counts = counts,
                    StepLength = stepLength,
                    Ramp = rampLength,
                    WarmUp = warmUpLength,
                    Settings = all,
                    DataFolder = parse.GetValue(dataFolder),
                    InProcess = parse.GetValue(inProcess),
                };
                results.AddRange((await LoadRunner.RunAsync(plan, Console.Out, cancellationToken)).Results);
            }

            Console.WriteLine();
            Console.WriteLine(LoadResult.Header);
            foreach (var result in results)
            {
                Console.WriteLine(result.Row);
                foreach (var error in result.Errors)
                {
                    Console.WriteLine($"  failures at {result.Users} users: {error}");
                }
            }

            return 0;
        });
        return command;
    }

    private static Dictionary<string, string?> ModelSettings(string model, TimeSpan delay, int maxUsers)
    {
        var settings = new Dictionary<string, string?>
        {
            // Every simulated user streams at once; the cap exists to protect a paid model, not this measurement.
            ["RateLimiting:Questions:ConcurrentModelCalls"] = maxUsers.ToString(CultureInfo.InvariantCulture),
            ["RateLimiting:Questions:QueueLimit"] = maxUsers.ToString(CultureInfo.InvariantCulture),
        };
        if (model == "paced")
        {
            settings["Generation:Provider"] = "Paced";
            settings["Generation:Paced:TokenDelay"] = delay.ToString("c", CultureInfo.InvariantCulture);
        }
        else
        {
            settings["Generation:Provider"] = "Extractive";
            settings["Generation:Extractive:WordDelay"] = delay.ToString("c", CultureInfo.InvariantCulture);
        }

        return settings;
    }

    private static bool TryParseCounts(string text, out int[] counts)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        counts = [.. parts.Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1)];
        return counts.Length > 0 && counts.All(n => n is >= 1 and <= MaxUsers);
    }

    internal static bool TryParseDuration(string text, out TimeSpan value)
    {
        value = default;
        var (number, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : text.EndsWith('m') ? (text[..^1], 60.0)
            : (text, double.NaN);
        if (double.IsNaN(unit) || !double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            return false;
        }

        value = TimeSpan.FromSeconds(amount * unit);
        return value <= MaxDuration;
    }

    private static bool IsLoopback(Uri uri) =>
        uri.Scheme is "http" or "https"
        && (uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address)));
}
